"""Pieces of synthetic scene depth: receding planes and objects cut along photograph regions."""
from typing import Optional, Tuple

import cv2
import numpy as np
from scipy import ndimage


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


def receding_plane(rng: np.random.Generator, shape: Tuple[int, int], near: float, far: float,
                   kind: str = 'ground') -> np.ndarray:
    """Disparity of a plane seen in perspective, from ``far`` at one side to ``near`` at the other.

    A plane's disparity is linear in image coordinates, so a ground or table top recedes from
    the bottom of the frame upwards, a wall from one side to the other; the direction is turned
    by up to 20 degrees, and a faint undulation keeps it from being a perfect plane.

    Args:
        rng (np.random.Generator): Random source.
        shape (tuple[int, int]): (H, W).
        near (float): Disparity at the nearest edge.
        far (float): Disparity at the farthest edge.
        kind (str): ``'ground'`` (near at the bottom) or ``'wall'`` (near at the left or right).

    Returns:
        np.ndarray: (H, W) float32 disparity.
    """
    height, width = shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = np.deg2rad(rng.uniform(-20, 20))
    if kind == 'wall':
        angle += np.pi / 2 * (1 if rng.random() < 0.5 else -1)
    # Coordinate along the receding direction: 0 at the far edge, 1 at the near one.
    u = (y / height - 0.5) * np.cos(angle) + (x / width - 0.5) * np.sin(angle)
    u = (u - u.min()) / max(float(u.max() - u.min()), 1e-6)
    plane = far + (near - far) * u + 0.01 * abs(near - far) * smooth_noise(rng, shape, 4)
    return plane.astype(np.float32)


def grow_object(rng: np.random.Generator, regions: np.ndarray, seed: Tuple[int, int],
                share: float) -> np.ndarray:
    """An object mask made of whole photograph regions, around the pixel ``seed``.

    A rough outline is drawn first: an ellipse of about ``share`` of the frame with a wobbly
    rim, centred on ``seed``. The object is then every region (of the photograph's
    segmentation) that lies mostly inside that outline, plus the region under ``seed``; holes
    are filled, because an object in front hides everything inside its outline. The object so
    follows the photograph's own boundaries (a coat, a head, a cup), and a big region that only
    touches the outline (the sky, a lawn) stays out of it.

    Args:
        rng (np.random.Generator): Random source.
        regions (np.ndarray): (H, W) region ids (a segmentation of the photograph).
        seed (tuple[int, int]): (row, col) of a pixel of the object.
        share (float): Wanted share of the frame, in (0, 1).

    Returns:
        np.ndarray: (H, W) bool mask, following region borders; never empty.
    """
    height, width = regions.shape
    _, ids = np.unique(regions, return_inverse=True)
    ids = ids.reshape(regions.shape)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    aspect = float(np.exp(rng.uniform(-0.6, 0.6)))
    radius = np.sqrt(share * height * width / np.pi)
    ry, rx = radius * aspect, radius / aspect
    angle = rng.uniform(0, np.pi)
    dy, dx = y - seed[0], x - seed[1]
    u = (dx * np.cos(angle) + dy * np.sin(angle)) / rx
    v = (-dx * np.sin(angle) + dy * np.cos(angle)) / ry
    outline = 1.0 - np.hypot(u, v) + 0.3 * smooth_noise(rng, (height, width), 6) > 0
    inside = np.bincount(ids.ravel(), weights=outline.ravel()) / np.bincount(ids.ravel())
    chosen = inside > 0.5
    chosen[ids[seed]] = True
    return ndimage.binary_fill_holes(chosen[ids])


def pick_object(rng: np.random.Generator, objects: np.ndarray, inner: Tuple[slice, slice],
                share: Tuple[float, float]) -> Optional[np.ndarray]:
    """One whole object of the photograph (a region of its coarse segmentation) as a subject.

    Candidates cover ``share`` of the visible frame, touch at most two of its sides unless they
    hold its centre, and run along less than 40 % of its top (the sky, a lawn or a wall, which
    run across the frame, are backgrounds, not subjects); nearer the centre is likelier, as
    photographers frame their subjects.

    Args:
        rng (np.random.Generator): Random source.
        objects (np.ndarray): (H, W) object ids of the crop, with its margin.
        inner (tuple[slice, slice]): The visible crop.
        share (tuple[float, float]): Least and largest share of the visible frame.

    Returns:
        np.ndarray | None: (H, W) bool mask with holes filled, or None if no object fits.
    """
    visible = objects[inner]
    ids, counts = np.unique(visible, return_counts=True)
    height, width = visible.shape
    y, x = np.mgrid[0:height, 0:width]
    centrality = 1.0 - np.hypot(y / height - 0.5, x / width - 0.5)
    candidates, weights = [], []
    for i, count in zip(ids, counts):
        if not share[0] <= count / visible.size <= share[1]:
            continue
        mask = visible == i
        sides = int(mask[0].any()) + int(mask[-1].any()) + int(mask[:, 0].any()) + int(
            mask[:, -1].any())
        # A subject may fill the frame's middle; what runs along its top is sky or backdrop.
        if (sides > 2 and not mask[height // 2, width // 2]) or mask[0].mean() > 0.4:
            continue
        candidates.append(i)
        weights.append(float(centrality[mask].mean())**4)
    if not candidates:
        return None
    weights = np.asarray(weights) / np.sum(weights)
    chosen = candidates[int(rng.choice(len(candidates), p=weights))]
    return ndimage.binary_fill_holes(objects == chosen)


def random_seed_point(rng: np.random.Generator, shape: Tuple[int, int],
                      where: str = 'centre') -> Tuple[int, int]:
    """A pixel to grow an object from: near the centre (a subject) or a border (a foreground).

    Args:
        rng (np.random.Generator): Random source.
        shape (tuple[int, int]): (H, W).
        where (str): ``'centre'`` (photographers frame their subject near the middle) or
            ``'border'`` (a foreground object enters the frame from an edge).

    Returns:
        tuple[int, int]: (row, col).
    """
    height, width = shape
    if where == 'centre':
        row, col = rng.normal(0.55, 0.15) * height, rng.normal(0.5, 0.15) * width
    else:
        side, along = int(rng.integers(4)), rng.uniform(0.1, 0.9)
        depth = rng.uniform(0.02, 0.15)
        row, col = [(depth, along), (1 - depth, along), (along, depth), (along, 1 - depth)][side]
        row, col = row * height, col * width
    return (int(np.clip(row, 0, height - 1)), int(np.clip(col, 0, width - 1)))
