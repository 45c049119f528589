"""Random smooth depth layouts: foreground shapes over a tilted background."""
from typing import Tuple

import cv2
import numpy as np


def smooth_noise(rng: np.random.Generator, shape: Tuple[int, int], cells: int) -> np.ndarray:
    """Band-limited noise in about [-1, 1]: a ``cells``-wide random grid upsampled bicubically.

    Args:
        rng (np.random.Generator): Random source.
        shape (tuple[int, int]): (H, W) of the output.
        cells (int): Grid cells across the longer side (fewer = smoother).

    Returns:
        np.ndarray: (H, W) float32.
    """
    height, width = shape
    scale = cells / max(height, width)
    grid = rng.uniform(-1, 1, (max(int(height * scale), 2) + 2, max(int(width * scale), 2) + 2))
    return cv2.resize(grid.astype(np.float32), (width, height), interpolation=cv2.INTER_CUBIC)


def random_shape(rng: np.random.Generator, segments: np.ndarray) -> np.ndarray:
    """A random blob snapped to superpixels: a plausible object outline in the photograph.

    Args:
        rng (np.random.Generator): Random source.
        segments (np.ndarray): (H, W) superpixel ids of the crop.

    Returns:
        np.ndarray: (H, W) bool mask (possibly empty).
    """
    height, width = segments.shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    cy, cx = rng.uniform(0.15, 0.85) * height, rng.uniform(0.15, 0.85) * width
    ry, rx = rng.uniform(0.12, 0.4) * height, rng.uniform(0.12, 0.4) * width
    angle = rng.uniform(0, np.pi)
    dy, dx = y - cy, x - cx
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / rx
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / ry
    # An ellipse with a wobbly rim.
    field = 1.0 - np.hypot(u, v) + 0.35 * smooth_noise(rng, (height, width), 6)
    inside = field > 0
    ids = segments.ravel()
    share = np.bincount(ids, weights=inside.ravel(), minlength=ids.max() + 1) / np.maximum(
        np.bincount(ids, minlength=ids.max() + 1), 1)
    return share[segments] > 0.5


def random_depth_layout(rng: np.random.Generator,
                        segments: np.ndarray,
                        max_shapes: int = 3) -> Tuple[np.ndarray, np.ndarray]:
    """Disparity of a random scene: a tilted background plane and nearer foreground shapes.

    Disparity is in [0, 1], 1 = nearest. The background is a plane (the ground usually nearer at
    the bottom of the frame) with a gentle smooth undulation; each foreground shape is a nearly
    fronto-parallel surface, nearer than the background, that hides what is behind it.

    Args:
        rng (np.random.Generator): Random source.
        segments (np.ndarray): (H, W) superpixel ids of the crop.
        max_shapes (int): At most this many foreground shapes (0 to ``max_shapes``).

    Returns:
        tuple[np.ndarray, np.ndarray]: (H, W) float32 disparity, (H, W) bool foreground mask.
    """
    height, width = segments.shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    y, x = y / height - 0.5, x / width - 0.5
    disparity = (rng.uniform(0.05, 0.35) + rng.uniform(-0.05, 0.35) * y +
                 rng.uniform(-0.15, 0.15) * x +
                 0.03 * smooth_noise(rng, (height, width), 4)).astype(np.float32)
    foreground = np.zeros((height, width), bool)
    for _ in range(int(rng.integers(1, max_shapes + 1)) if max_shapes else 0):
        shape = random_shape(rng, segments)
        if not shape.any():
            continue
        near = rng.uniform(0.55, 0.95)
        surface = near + rng.uniform(-0.05, 0.05) * y + rng.uniform(-0.05, 0.05) * x
        # The nearest surface wins where shapes overlap.
        disparity = np.where(shape, np.where(foreground, np.maximum(disparity, surface), surface),
                             disparity).astype(np.float32)
        foreground |= shape
    return np.clip(disparity, 0.0, 1.0), foreground
