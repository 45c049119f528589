"""Camera pipeline after the optics: linear light, sensor noise, sRGB encoding and JPEG."""
from typing import Tuple

import cv2
import numpy as np


def srgb_to_linear(srgb: np.ndarray) -> np.ndarray:
    """Decode sRGB values in [0, 1] to linear light (IEC 61966-2-1).

    Args:
        srgb (np.ndarray): sRGB values in [0, 1].

    Returns:
        np.ndarray: Linear-light values in [0, 1], float32.
    """
    srgb = np.asarray(srgb, np.float32)
    return np.where(srgb <= 0.04045, srgb / 12.92,
                    ((srgb + 0.055) / 1.055)**2.4).astype(np.float32)


def linear_to_srgb(linear: np.ndarray) -> np.ndarray:
    """Encode linear light in [0, 1] to sRGB values in [0, 1].

    Args:
        linear (np.ndarray): Linear-light values (clipped to [0, 1]).

    Returns:
        np.ndarray: sRGB values in [0, 1], float32.
    """
    linear = np.clip(np.asarray(linear, np.float32), 0.0, 1.0)
    return np.where(linear <= 0.0031308, linear * 12.92,
                    1.055 * np.power(linear, 1 / 2.4) - 0.055).astype(np.float32)


def add_sensor_noise(linear: np.ndarray, rng: np.random.Generator, shot: float,
                     read: float) -> np.ndarray:
    """Add heteroscedastic (Poisson-Gaussian) sensor noise in linear light.

    The noise is added after the blur, with the same parameters over the whole frame, so that a
    blurred region is as noisy as a sharp one: "no noise" is no shortcut to "blurred".

    Args:
        linear (np.ndarray): (H, W, 3) linear-light image in [0, 1].
        rng (np.random.Generator): Random source.
        shot (float): Signal-dependent variance factor (variance ``shot * x``).
        read (float): Standard deviation of the signal-independent part.

    Returns:
        np.ndarray: Noisy linear image, clipped to [0, 1], float32.
    """
    std = np.sqrt(shot * np.clip(linear, 0.0, 1.0) + read**2)
    noise = rng.standard_normal(linear.shape, dtype=np.float32) * std
    return np.clip(linear + noise, 0.0, 1.0).astype(np.float32)


def to_uint8(srgb: np.ndarray) -> np.ndarray:
    """Quantise sRGB values in [0, 1] to 8 bits."""
    return np.clip(np.round(srgb * 255.0), 0, 255).astype(np.uint8)


def jpeg_roundtrip(bgr: np.ndarray, quality: int) -> Tuple[np.ndarray, bytes]:
    """JPEG-encode an 8-bit BGR image and decode it again.

    Args:
        bgr (np.ndarray): (H, W, 3) uint8 BGR image.
        quality (int): JPEG quality, 0..100.

    Returns:
        tuple[np.ndarray, bytes]: The decoded image (what a loader will see) and the file bytes.
    """
    ok, encoded = cv2.imencode('.jpg', bgr, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError('JPEG encoding failed')
    data = encoded.tobytes()
    return cv2.imdecode(encoded, cv2.IMREAD_COLOR), data
