"""Thin-lens defocus: circle of confusion from disparity, layered aperture blur in linear light."""
from dataclasses import dataclass
from typing import Callable

import cv2
import numpy as np

#: Blur radius step (px) between the depth layers of :func:`render_layered_defocus`, and the
#: most layers it cuts. Part of the recipe: other values give another dataset for the same seed.
LAYER_STEP = 0.5
MAX_LAYERS = 32
#: Aperture shapes of :func:`aperture_kernel`.
APERTURE_SHAPES = ('disc', 'polygon', 'cat_eye')
#: Sub-pixel samples per axis with which :func:`aperture_kernel` measures pixel coverage.
SUPERSAMPLE = 4


def circle_of_confusion(disparity: np.ndarray, focus_disparity: float,
                        aperture: float) -> np.ndarray:
    """Blur-disk radius in pixels of a thin lens focused at ``focus_disparity``.

    For a thin lens focused at depth z_f, a point at depth z is imaged as a disk of radius
    proportional to ``|1/z - 1/z_f|``: linear in disparity (inverse depth). ``aperture`` folds the
    aperture diameter, focal length and pixel pitch into one scale, in pixels per unit disparity.

    Args:
        disparity (np.ndarray): Disparity (larger = nearer), any shape.
        focus_disparity (float): Disparity of the plane in focus.
        aperture (float): Pixels of radius per unit disparity.

    Returns:
        np.ndarray: Radius in pixels, same shape, float32.
    """
    return (aperture * np.abs(np.asarray(disparity, np.float32) - focus_disparity)).astype(
        np.float32)


def disk_kernel(radius: float) -> np.ndarray:
    """Normalised, anti-aliased disk (pillbox) kernel: the defocus PSF of a circular aperture.

    Args:
        radius (float): Radius in pixels; below 0.5 px the kernel is the identity.

    Returns:
        np.ndarray: (2R+1, 2R+1) float32 kernel summing to 1.
    """
    if radius < 0.5:
        return np.ones((1, 1), np.float32)
    half = int(np.ceil(radius + 0.5))
    y, x = np.mgrid[-half:half + 1, -half:half + 1]
    # Pixel coverage approximated by a one-pixel linear ramp at the rim.
    kernel = np.clip(radius + 0.5 - np.hypot(x, y), 0.0, 1.0).astype(np.float32)
    return kernel / kernel.sum()


def aperture_kernel(radius: float,
                    shape: str = 'disc',
                    blades: int = 6,
                    rotation: float = 0.0,
                    cat_eye: float = 0.0) -> np.ndarray:
    """Normalised defocus PSF of an aperture: the image of a point light out of focus.

    A point light out of focus is imaged as a uniformly lit copy of the aperture stop, scaled to
    the circle of confusion: a disc for an open lens, a regular polygon for a lens stopped down
    with ``blades`` straight blades, a "cat's eye" (the disc cut by a second, shifted disc) where
    the lens barrel vignettes it off axis. Pixel coverage is measured on a
    :data:`SUPERSAMPLE` x :data:`SUPERSAMPLE` grid, so edges are anti-aliased.

    Args:
        radius (float): Radius in pixels: of the disc, or the polygon's circumradius; below
            0.5 px the kernel is the identity.
        shape (str): One of :data:`APERTURE_SHAPES`. Defaults to ``'disc'``.
        blades (int): Number of polygon sides (``'polygon'``). Defaults to 6.
        rotation (float): Rotation of the polygon, or direction of the cat's-eye cut, in
            radians. Defaults to 0.
        cat_eye (float): Offset of the cutting disc in radii (0 = no cut, 1 = half-moon-like
            lens); ``'cat_eye'`` only. Defaults to 0.

    Returns:
        np.ndarray: (2R+1, 2R+1) float32 kernel summing to 1, centred on its centroid.
    """
    if shape not in APERTURE_SHAPES:
        raise ValueError(f'aperture shape must be one of {APERTURE_SHAPES}, got {shape!r}')
    if radius < 0.5:
        return np.ones((1, 1), np.float32)
    half = int(np.ceil(radius + 0.5))
    offsets = (np.arange(SUPERSAMPLE) + 0.5) / SUPERSAMPLE - 0.5
    fine = np.arange(-half, half + 1)[:, None] + offsets[None, :]
    y, x = np.meshgrid(fine.ravel(), fine.ravel(), indexing='ij')
    if shape == 'disc':
        inside = np.hypot(x, y) <= radius
    elif shape == 'polygon':
        if blades < 3:
            raise ValueError(f'a polygonal aperture needs >= 3 blades, got {blades}')
        # Inside the polygon: the distance along each side's normal is below the apothem.
        apothem = radius * np.cos(np.pi / blades)
        inside = np.ones_like(x, bool)
        for side in range(blades):
            normal = rotation + (side + 0.5) * 2 * np.pi / blades
            inside &= x * np.cos(normal) + y * np.sin(normal) <= apothem
    else:
        # Cutting disc centred `cat_eye` radii away; the result is shifted back onto its
        # centroid so that the lens does not move the image.
        shift = cat_eye * radius
        cx, cy = shift * np.cos(rotation), shift * np.sin(rotation)
        inside = (np.hypot(x + cx / 2, y + cy / 2) <= radius) & \
            (np.hypot(x - cx / 2, y - cy / 2) <= radius)
    size = 2 * half + 1
    kernel = inside.reshape(size, SUPERSAMPLE, size, SUPERSAMPLE).mean((1, 3)).astype(np.float32)
    if kernel.sum() <= 0:
        return np.ones((1, 1), np.float32)
    return kernel / kernel.sum()


def fill_hidden(image: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Continue an image smoothly into its unknown pixels (pyramid push-pull interpolation).

    Used for the part of a depth layer hidden behind nearer ones: a real lens sees partly
    behind the soft edge of a defocused foreground, so that part must hold something like the
    surface that continues there.

    Args:
        image (np.ndarray): (H, W, C) float32 image; values outside ``known`` are ignored.
        known (np.ndarray): (H, W) bool, the pixels to keep.

    Returns:
        np.ndarray: (H, W, C) float32, equal to ``image`` on ``known``.
    """
    weight = known.astype(np.float32)
    levels = []
    colour = image * weight[..., None]
    while min(weight.shape) > 4:
        levels.append((colour, weight))
        colour, weight = cv2.pyrDown(colour), cv2.pyrDown(weight)
        if colour.ndim == 2:
            colour = colour[..., None]
    mean = image[known].mean(0) if known.any() else np.zeros(image.shape[2], np.float32)
    estimate = np.where(weight[..., None] > 1e-3, colour / np.maximum(weight, 1e-3)[..., None],
                        mean).astype(np.float32)
    for colour, weight in reversed(levels):
        up = cv2.resize(estimate, (weight.shape[1], weight.shape[0]),
                        interpolation=cv2.INTER_LINEAR)
        if up.ndim == 2:
            up = up[..., None]
        # Premultiplied blend: what is known at this level, the coarser estimate elsewhere.
        estimate = colour + (1.0 - np.clip(weight, 0.0, 1.0))[..., None] * up
    return np.where(known[..., None], image, estimate).astype(np.float32)


@dataclass
class LayeredDefocus:
    """What :func:`render_layered_defocus` returns.

    Attributes:
        image (np.ndarray): (H, W, 3) defocused linear image.
        radius (np.ndarray): (H, W) blur radius of the surface seen at each pixel (the circle
            of confusion of its own depth layer). Near a depth edge, light from a neighbouring
            layer may mix in: see the two fractions.
        blurred_fraction (np.ndarray): (H, W) share of each pixel's colour that comes from
            layers blurred beyond ``blurred_radius``.
        sharp_fraction (np.ndarray): (H, W) share that comes from layers sharper than
            ``sharp_radius``.
    """
    image: np.ndarray
    radius: np.ndarray
    blurred_fraction: np.ndarray
    sharp_fraction: np.ndarray


def render_layered_defocus(image: np.ndarray,
                           disparity: np.ndarray,
                           focus_disparity: float,
                           aperture: float,
                           sharp_radius: float = 0.75,
                           blurred_radius: float = 1.5,
                           kernel: Callable[[float], np.ndarray] = disk_kernel
                           ) -> LayeredDefocus:
    """Defocus an all-in-focus linear image by depth layers composited far to near.

    The disparity range is cut into layers about :data:`LAYER_STEP` pixels of blur radius apart
    (at most :data:`MAX_LAYERS`). Each layer is blurred with its PSF together with its
    coverage (alpha), then laid over the result of the farther layers ("over" with
    premultiplied alpha), so that a blurred near object spreads over a sharp background and a
    sharp near object hides a blurred one, as in a real lens. Partial occlusion: where a
    nearer layer is blurred, a lens sees behind its soft edge, so each layer is continued
    (:func:`fill_hidden`) under the nearer ones as far as their blur reaches, and shows through
    their soft edges; behind a sharp nearer layer nothing is continued, and its edge cuts the
    blurred layer behind it cleanly. Dividing by the accumulated alpha at the end removes what
    is left of dark fringes at the frame border.

    Args:
        image (np.ndarray): (H, W, 3) linear-light image.
        disparity (np.ndarray): (H, W) disparity, larger = nearer.
        focus_disparity (float): Disparity in focus.
        aperture (float): Pixels of blur radius per unit disparity.
        sharp_radius (float): Layers below this radius count as sharp. Defaults to 0.75.
        blurred_radius (float): Layers above this radius count as blurred. Defaults to 1.5.
        kernel (Callable[[float], np.ndarray]): The PSF of a radius (the aperture's shape).
            Defaults to :func:`disk_kernel`. Values above 1 (highlights in linear light) are
            spread like any other, so they turn into bright copies of the aperture (bokeh).

    Returns:
        LayeredDefocus: The image and per-pixel radius and class fractions.
    """
    height, width = disparity.shape
    low, high = float(disparity.min()), float(disparity.max())
    count = int(np.clip(np.ceil((high - low) * aperture / LAYER_STEP), 1, MAX_LAYERS))
    index = np.clip(((disparity - low) / max(high - low, 1e-6) * count).astype(np.int32), 0,
                    count - 1)
    # Premultiplied accumulators: colour (3), alpha, blurred share, sharp share.
    accum = np.zeros((height, width, 6), np.float32)
    own_radius = np.zeros((height, width), np.float32)
    radii = np.zeros(count, np.float32)
    for layer in range(count):
        mask = index == layer
        if mask.any():
            radii[layer] = float(circle_of_confusion(disparity[mask].mean(), focus_disparity,
                                                     aperture))
    # How far the blur of anything nearer than each layer reaches into it.
    nearer_reach = np.r_[np.maximum.accumulate(radii[::-1])[::-1][1:], 0.0]
    for layer in range(count):  # far (small disparity) to near
        mask = index == layer
        if not mask.any():
            continue
        radius = float(radii[layer])
        own_radius[mask] = radius
        psf = kernel(radius)
        half = psf.shape[0] // 2
        coverage = mask
        reach = int(np.ceil(nearer_reach[layer]))
        if reach >= 1:
            # The layer continues behind the nearer layers, as far as their blur reaches.
            distance = cv2.distanceTransform((~mask).astype(np.uint8), cv2.DIST_L2, 3)
            coverage = mask | ((index > layer) & (distance <= reach + 1))
        # Blur only the layer's bounding box grown by the kernel: near shapes are small.
        rows, cols = np.nonzero(coverage.any(1))[0], np.nonzero(coverage.any(0))[0]
        top, bottom = max(rows[0] - half, 0), min(rows[-1] + half + 1, height)
        left, right = max(cols[0] - half, 0), min(cols[-1] + half + 1, width)
        alpha = coverage[top:bottom, left:right].astype(np.float32)
        colour = image[top:bottom, left:right]
        if coverage is not mask:
            colour = fill_hidden(colour, mask[top:bottom, left:right])
        premultiplied = np.dstack([colour * alpha[..., None], alpha])
        if psf.size > 1:
            premultiplied = cv2.filter2D(premultiplied, -1, psf, borderType=cv2.BORDER_REFLECT)
        alpha = np.clip(premultiplied[..., 3], 0.0, 1.0)
        layer_values = np.dstack([
            premultiplied, alpha * float(radius > blurred_radius),
            alpha * float(radius < sharp_radius)
        ])
        region = accum[top:bottom, left:right]
        region *= (1.0 - alpha)[..., None]
        region += layer_values
    coverage = np.maximum(accum[..., 3], 1e-6)
    return LayeredDefocus(
        image=accum[..., :3] / coverage[..., None],
        radius=own_radius,
        blurred_fraction=accum[..., 4] / coverage,
        sharp_fraction=accum[..., 5] / coverage)
