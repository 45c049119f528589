"""Changes to the sharp scene before the lens: textureless surfaces and bright highlights."""
from typing import Tuple

import cv2
import numpy as np


def flatten_regions(linear: np.ndarray, mask: np.ndarray, sigma: float,
                    strength: float = 1.0) -> np.ndarray:
    """Make the surface under ``mask`` smooth (plain paint, skin, a petal) with a crisp outline.

    The texture inside is replaced by its low-pass, computed from the masked pixels only
    (normalised convolution), so the shading of the surface remains and nothing from outside
    bleeds in: the outline stays as sharp as the photograph's.

    Args:
        linear (np.ndarray): (H, W, 3) linear image.
        mask (np.ndarray): (H, W) bool, the surface to flatten.
        sigma (float): Standard deviation (px) of the low-pass.
        strength (float): Share of the texture removed (1 = all of it). Defaults to 1.

    Returns:
        np.ndarray: A new (H, W, 3) float32 image.
    """
    weight = mask.astype(np.float32)
    smooth_weight = cv2.GaussianBlur(weight, (0, 0), sigma)
    smooth = cv2.GaussianBlur(linear * weight[..., None], (0, 0), sigma)
    smooth = smooth / np.maximum(smooth_weight, 1e-6)[..., None]
    flat = strength * smooth + (1.0 - strength) * linear
    return np.where(mask[..., None], flat, linear).astype(np.float32)


def boost_highlights(linear: np.ndarray, gain: float, knee: float = 0.8,
                     window: int = 21) -> np.ndarray:
    """Give small clipped highlights the energy they had before the sensor clipped them.

    A small bright light clipped at 1 in the photograph (a reflection, a lamp, sky through
    leaves) was usually far brighter; raised above 1 in linear light, it keeps its brightness
    when the lens spreads it, and becomes a bokeh disc. Large bright areas (white paper, an
    overcast sky) are left alone: they are as bright as they look.

    Args:
        linear (np.ndarray): (H, W, 3) linear image in [0, 1].
        gain (float): Factor at full brightness (1 = no change).
        knee (float): Brightness (the brightest channel) where the boost starts.
        window (int): Side (px) of the neighbourhood in which a highlight must be small: at
            most a quarter of it bright.

    Returns:
        np.ndarray: A new (H, W, 3) float32 image, values up to ``gain``.
    """
    peak = linear.max(axis=2)
    ramp = np.clip((peak - knee) / (1 - knee), 0.0, 1.0)**2
    crowded = cv2.boxFilter((peak > knee).astype(np.float32), -1, (window, window))
    ramp *= np.clip(1.0 - (crowded - 0.25) / 0.25, 0.0, 1.0)
    return (linear * (1 + (gain - 1) * ramp)[..., None]).astype(np.float32)


def add_point_lights(rng: np.random.Generator, linear: np.ndarray, where: np.ndarray,
                     radius: np.ndarray, count: int) -> Tuple[np.ndarray, np.ndarray]:
    """Put small bright lights (lamps, reflections, sun through leaves) in ``where``.

    They go to the allowed pixels that stand out most from their surroundings (the top tenth
    of brightness above the local median, among the brighter half), where a photograph's own
    highlights are.

    Args:
        rng (np.random.Generator): Random source.
        linear (np.ndarray): (H, W, 3) linear image.
        where (np.ndarray): (H, W) bool, allowed pixels (the parts that will be defocused).
        radius (np.ndarray): (H, W) blur radius each pixel will get: a light carries the energy
            of a disc of that radius at 0.3 to 2 times full brightness, so that it shows as a
            bright disc once defocused, not as a faint smudge.
        count (int): Number of lights.

    Returns:
        tuple[np.ndarray, np.ndarray]: The new float32 image and the (N, 2) (row, col) of the
        lights placed (fewer than ``count``, or none, where ``where`` has few bright spots).
    """
    out = linear.copy()
    # Lights sit where the photograph already has bright spots (sky through leaves,
    # reflections, lamps): brighter than their surroundings, not merely bright (a face).
    brightness = linear.max(axis=2)
    # Above the local median: an edge of a bright area is not a spot, a small highlight is.
    spots = brightness - cv2.medianBlur(np.ascontiguousarray(brightness), 5)
    if where.any():
        threshold = max(float(np.quantile(spots[where], 0.9)), 0.02)
        where = where & (spots >= threshold) & (brightness >= np.quantile(brightness[where], 0.5))
    candidates = np.argwhere(where)
    if not len(candidates) or count <= 0:
        return out, np.zeros((0, 2), int)
    picks = candidates[rng.choice(len(candidates), min(count, len(candidates)), replace=False)]
    warm = np.array([0.75, 0.9, 1.0], np.float32)  # BGR: lamps are warmer than daylight
    for row, col in picks:
        tint = warm if rng.random() < 0.6 else np.ones(3, np.float32)
        energy = np.pi * max(float(radius[row, col]), 0.5)**2
        out[row, col] = float(rng.uniform(0.3, 2.0)) * energy * tint
    return out, picks
