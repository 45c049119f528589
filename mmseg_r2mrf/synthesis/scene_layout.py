"""Scene layouts as photographers make them: depth, focus and aperture of one synthetic shot.

Each layout gives a disparity map (1/depth, larger = nearer), the disparity in focus and the
aperture (pixels of blur radius per unit disparity, so that the circle of confusion is
``aperture * |disparity - focus|``, see :func:`~.thin_lens.circle_of_confusion`):

- ``subject_sharp``: a subject, mostly a whole object of the photograph, in focus, before a
  background plane (flat, a receding ground or a wall) at least ``blurred_radius`` blurred;
- ``foreground_blurred``: the same, with a nearer object entering from a frame edge, defocused,
  whose blur spills over the sharp subject behind it;
- ``background_sharp``: a defocused near object before a background in focus;
- ``receding_plane``: a ground or wall in focus at one depth, its blur growing gradually
  towards the near and the far end (sometimes with a subject standing at the focused depth);
- ``all_sharp``: any layout through an aperture so small that nothing reaches
  ``sharp_radius``; ``all_blurred``: focused nearer (or farther) than everything in view.

In every drawn layout the sky (a flat backdrop along the top, see
:func:`~.source_photos.find_sky`) lies at the far end of the background and belongs to no
subject or occluder: it is sharp only where the farthest background is.
"""
from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from .depth_layout import grow_object, pick_object, random_seed_point, receding_plane

SCENES = ('subject_sharp', 'foreground_blurred', 'background_sharp', 'receding_plane',
          'all_sharp', 'all_blurred')


@dataclass
class SceneLayout:
    """Depth and lens of one shot.

    Attributes:
        disparity (np.ndarray): (H, W) float32 disparity (larger = nearer).
        focus (float): Disparity in focus.
        aperture (float): Pixels of blur radius per unit disparity.
        subject (np.ndarray): (H, W) bool, the main object (in focus in most scenes).
        occluder (np.ndarray): (H, W) bool, a nearer object (empty in most scenes).
    """
    disparity: np.ndarray
    focus: float
    aperture: float
    subject: np.ndarray
    occluder: np.ndarray


def _log_uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """Small radii as often as large ones, on a log scale (lenses stop down as often as not)."""
    high = max(high, low * 1.01)
    return float(np.exp(rng.uniform(np.log(low), np.log(high))))


def _uniform(rng: np.random.Generator, low: float, high: float) -> float:
    """Uniform in [low, high]; at small scales ``high`` may fall below ``low``: then ``high``."""
    return float(rng.uniform(min(low, high), high))


def _background(rng: np.random.Generator, shape: Tuple[int, int]) -> np.ndarray:
    """A far plane: fronto-parallel, a receding ground or a wall, in disparity [0, 0.4]."""
    far = rng.uniform(0.0, 0.15)
    kind = rng.choice(['flat', 'ground', 'wall'], p=[0.35, 0.45, 0.2])
    near = far + (rng.uniform(0.0, 0.04) if kind == 'flat' else rng.uniform(0.05, 0.25))
    return receding_plane(rng, shape, near, far, 'wall' if kind == 'wall' else 'ground')


def _tilt(rng: np.random.Generator, mask: np.ndarray, amplitude: float) -> np.ndarray:
    """A plane over ``mask`` with values within +-``amplitude``: an object's own slant."""
    height, width = mask.shape
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    u = (y / height - 0.5) * np.cos(angle) + (x / width - 0.5) * np.sin(angle)
    if mask.any():
        u = u - u[mask].mean()
        u = u / max(float(np.abs(u[mask]).max()), 1e-6)
    return (amplitude * u).astype(np.float32)


def _object(rng: np.random.Generator, regions: np.ndarray, where: str,
            share: Tuple[float, float]) -> np.ndarray:
    """Parts of the photograph grouped into an object around a random point."""
    return grow_object(rng, regions, random_seed_point(rng, regions.shape, where),
                       float(rng.uniform(*share)))


def _subject(rng: np.random.Generator, regions: np.ndarray, objects: Optional[np.ndarray],
             inner: Tuple[slice, slice], share: Tuple[float, float]) -> np.ndarray:
    """Mostly a whole object of the photograph; else parts grouped around the centre."""
    if objects is not None and rng.random() < 0.75:
        subject = pick_object(rng, objects, inner, (share[0], 0.85))
        if subject is not None:
            return subject
    return _object(rng, regions, 'centre', share)


def _sky_farthest(disparity: np.ndarray, sky: np.ndarray) -> np.ndarray:
    """Put the sky at the farthest disparity of the plane behind it: nothing lies beyond it."""
    if not sky.any() or sky.all():
        return disparity
    return np.where(sky, disparity.min(), disparity).astype(np.float32)


def random_scene_layout(rng: np.random.Generator,
                        scene: str,
                        regions: np.ndarray,
                        max_radius: float,
                        sharp_radius: float,
                        blurred_radius: float,
                        inner: Tuple[slice, slice],
                        measured: Optional[np.ndarray] = None,
                        objects: Optional[np.ndarray] = None,
                        sky: Optional[np.ndarray] = None) -> Optional[SceneLayout]:
    """Draw one shot of ``scene`` over a photograph crop.

    Args:
        rng (np.random.Generator): Random source.
        scene (str): One of :data:`SCENES`.
        regions (np.ndarray): (H, W) region ids of the crop (with its margin).
        max_radius (float): Largest blur radius (px) at this crop's scale.
        sharp_radius (float): Blur radius below which a pixel is sharp.
        blurred_radius (float): Blur radius above which a pixel is blurred.
        inner (tuple[slice, slice]): The crop without its margin (what the image shows).
        measured (np.ndarray, optional): (H, W) measured disparity in [0, 1] to use instead of
            a drawn one.
        objects (np.ndarray, optional): (H, W) ids of the photograph's whole objects (coarse
            segmentation), from which subjects are mostly chosen.
        sky (np.ndarray, optional): (H, W) bool, the sky: kept farthest, never a subject or
            an occluder (ignored with ``measured`` depth, which knows where the sky is).

    Returns:
        SceneLayout | None: The shot, or None where the draw is unusable (an empty or
        frame-filling subject); the caller draws again.
    """
    if scene not in SCENES:
        raise ValueError(f'scene must be one of {SCENES}, got {scene!r}')
    shape = regions.shape
    least_blur = 1.25 * blurred_radius
    no_object = np.zeros(shape, bool)
    if measured is not None:
        return _measured_layout(rng, scene, measured, max_radius, sharp_radius, least_blur)
    sky = no_object if sky is None else sky
    if scene == 'receding_plane':
        plane = receding_plane(rng, shape, rng.uniform(0.5, 1.0), rng.uniform(0.0, 0.2),
                               'wall' if rng.random() < 0.3 else 'ground')
        plane = _sky_farthest(plane, sky)
        focus = float(np.quantile(plane[inner], rng.uniform(0.15, 0.85)))
        aperture = _uniform(rng, 3 * blurred_radius, max_radius) / max(
            float(np.abs(plane - focus).max()), 1e-3)
        subject = no_object
        if rng.random() < 0.5:  # something standing on the plane where it is in focus
            near_focus = np.argwhere(np.abs(plane[inner] - focus) * aperture < 0.3)
            if len(near_focus):
                row, col = near_focus[int(rng.integers(len(near_focus)))]
                seed = (row + inner[0].start, col + inner[1].start)
                subject = grow_object(rng, regions, seed,
                                      float(rng.uniform(0.05, 0.25))) & ~sky
                plane = np.where(subject, focus, plane).astype(np.float32)
        return SceneLayout(plane, focus, float(aperture), subject, no_object)

    background = _sky_farthest(_background(rng, shape), sky)
    if scene == 'background_sharp':
        subject = _subject(rng, regions, objects, inner, (0.1, 0.45)) if rng.random() < 0.6 \
            else _object(rng, regions, 'border', (0.1, 0.45))
        subject &= ~sky
        if not 0 < subject[inner].mean() < 0.9:
            return None
        focus = float(np.median(background[inner][~subject[inner]]))
        near = rng.uniform(0.6, 0.95)
        aperture = _log_uniform(rng, least_blur, max_radius) / (near - focus)
        spread = float(np.abs(background - focus).max())
        if rng.random() < 0.7 and spread * aperture > 0.7 * sharp_radius:
            # Mostly a background that is sharp all over (a wall, a landscape far away).
            background = focus + (background - focus) * (0.7 * sharp_radius /
                                                         (spread * aperture))
        disparity = np.where(subject, near + _tilt(rng, subject, 0.02), background)
        return SceneLayout(disparity.astype(np.float32), focus, float(aperture), subject,
                           no_object)

    subject = _subject(rng, regions, objects, inner, (0.12, 0.5)) & ~sky
    if not 0.03 < subject[inner].mean() < 0.9:
        return None
    near = float(rng.uniform(0.6, 0.85))
    if scene == 'all_blurred':
        disparity = np.where(subject, near, background).astype(np.float32)
        low, high = float(disparity.min()), float(disparity.max())
        nearest = _uniform(rng, least_blur, max(least_blur + 0.1, 0.5 * max_radius))
        aperture = float(rng.uniform(0.3, 1.0)) * (max_radius - nearest) / max(high - low, 1e-3)
        # Focused nearer than anything in view, or (less often) beyond the background.
        focus = high + nearest / aperture if rng.random() < 0.7 else low - nearest / aperture
        return SceneLayout(disparity, focus, aperture, subject, no_object)
    gap = near - float(background.max())
    aperture = _log_uniform(rng, least_blur, 0.8 * max_radius) / gap
    aperture = min(aperture, max_radius / (near - float(background.min())))
    occluder = no_object
    if scene == 'foreground_blurred':
        occluder = _object(rng, regions, 'border', (0.08, 0.3)) & ~sky
        if not occluder[inner].any() or not (subject & ~occluder)[inner].mean() > 0.03:
            return None
        occluder_near = near + _log_uniform(rng, least_blur, max_radius) / aperture
    # The subject's own slant stays well within the depth of field (of the wide-open lens: the
    # stopped-down one of all_sharp would let the subject reach behind the background).
    slant_amplitude = float(rng.uniform(0.0, 0.6)) * sharp_radius / aperture
    if scene == 'all_sharp':
        # Stopped down: the farthest background stays below the sharp threshold.
        aperture = float(rng.uniform(0.2, 0.9)) * sharp_radius / (near - float(background.min()))
    slant = _tilt(rng, subject, slant_amplitude)
    disparity = np.where(subject, near + slant, background)
    if occluder.any():
        disparity = np.where(occluder, occluder_near, disparity)
    return SceneLayout(disparity.astype(np.float32), near, float(aperture), subject, occluder)


def _measured_layout(rng: np.random.Generator, scene: str, disparity: np.ndarray,
                     max_radius: float, sharp_radius: float,
                     least_blur: float) -> Optional[SceneLayout]:
    """A shot of a photograph with measured depth: only focus and aperture are drawn."""
    subject = disparity > np.quantile(disparity, 0.6)
    low, high = float(disparity.min()), float(disparity.max())
    if high - low < 1e-3:
        return None
    no_object = np.zeros(disparity.shape, bool)
    if scene == 'all_blurred':
        nearest = _uniform(rng, least_blur, max(least_blur + 0.1, 0.5 * max_radius))
        aperture = float(rng.uniform(0.3, 1.0)) * (max_radius - nearest) / (high - low)
        return SceneLayout(disparity, high + nearest / aperture, aperture, subject, no_object)
    if scene in ('subject_sharp', 'foreground_blurred', 'all_sharp'):
        focus = float(np.median(disparity[subject]))
    elif scene == 'background_sharp':
        focus = float(np.quantile(disparity, 0.15))
    else:
        focus = float(np.quantile(disparity, rng.uniform(0.15, 0.85)))
    spread = max(high - focus, focus - low, 1e-3)
    if scene == 'all_sharp':
        return SceneLayout(disparity, focus, float(rng.uniform(0.2, 0.9)) * sharp_radius / spread,
                           subject, no_object)
    aperture = _uniform(rng, 3 * least_blur, max_radius) / spread
    return SceneLayout(disparity, focus, aperture, subject, no_object)
