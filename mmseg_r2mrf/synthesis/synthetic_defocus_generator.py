"""Renders a synthetic defocus dataset from sharp photographs.

Recipe (the SYNDOF/DMENet recipe, notes §3, with the scenes of defocus photography): each crop
is cut from a photograph brought to the benchmarks' scale (longer side ``long_side``), given a
scene layout (:mod:`.scene_layout`: a sharp subject made of the photograph's own regions before
a defocused background, a defocused foreground spilling over a sharp subject, a defocused object
before a sharp background, a receding plane, all sharp, all blurred), a random exposure, white
balance and slight lens softness, sometimes textureless surfaces inside the sharp subject
or a plain backdrop along the top placed farthest (a sky is always farthest),
highlights raised above 1 in linear light and point lights in the defocused background, then a
thin-lens circle of confusion, layered blur with an aperture of the
shot's shape (disc, polygon, cat's eye) composited far to near in linear light (partial
occlusion), then sensor noise, sRGB and JPEG after the blur.

Labels are drawn from depth, never from texture: blurred where the circle-of-confusion radius
exceeds ``blurred_radius`` (2 px at the default), sharp below ``sharp_radius`` (1 px), ignored
(255) in between, and wherever less than ``purity`` (90 %) of a pixel's light comes from one
class (the band at a depth edge over which a defocused foreground spills).
"""
import functools
import json
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..structures import BLURRED, IGNORE_INDEX, LABEL_ENCODING, SHARP
from ..visualization import save_prediction_sheet
from .photo_effects import add_point_lights, boost_highlights, flatten_regions
from .scene_layout import SCENES, random_scene_layout
from .sensor import add_sensor_noise, jpeg_roundtrip, linear_to_srgb, srgb_to_linear, to_uint8
from .source_photos import (
    DEFAULT_TEST_PHOTOS,
    DEFAULT_TRAIN_PHOTOS,
    DEFAULT_VAL_PHOTOS,
    SourcePhoto,
    load_source_photos,
)
from .thin_lens import APERTURE_SHAPES, aperture_kernel, circle_of_confusion, render_layered_defocus

#: Training mixes every scene kind; validation and test images always hold both sharp and
#: blurred pixels, as the real test sets do (an image with no blurred pixel has F = 0).
TRAIN_SCENE_WEIGHTS = (0.34, 0.14, 0.12, 0.18, 0.11, 0.11)
EVAL_SCENE_WEIGHTS = (0.45, 0.15, 0.15, 0.25, 0.0, 0.0)
APERTURE_WEIGHTS = (0.5, 0.35, 0.15)
SPLIT_IDS = dict(train=0, test=1, val=2)
#: Share of drawn layouts whose top regions become a plain, farthest backdrop.
BACKDROP_PROBABILITY = 0.2
META_FILE = 'meta.json'
GENERATOR_TAG = 'mmseg_r2mrf.synthesis'
#: The longer side (px) of Shi's and DUT's photographs, at which ``max_radius`` is stated.
BENCHMARK_LONG_SIDE = 640


def scene_weights(overrides: Optional[Mapping[str, float]] = None) -> Tuple[float, ...]:
    """Training scene frequencies: :data:`TRAIN_SCENE_WEIGHTS` with ``overrides`` by kind,
    normalised to sum to 1, in the order of :data:`~.scene_layout.SCENES`.

    Raises:
        ValueError: An unknown kind, a negative or non-finite weight, or all weights 0.
    """
    if not overrides:
        return TRAIN_SCENE_WEIGHTS  # as is: renders made before the option stay bit-identical
    weights = dict(zip(SCENES, TRAIN_SCENE_WEIGHTS))
    for kind, weight in overrides.items():
        if kind not in weights:
            raise ValueError(f'unknown scene kind {kind!r}; kinds: {", ".join(SCENES)}')
        if not np.isfinite(weight) or weight < 0:
            raise ValueError(f'the weight of scene {kind!r} must be a number >= 0, got {weight}')
        weights[kind] = float(weight)
    total = sum(weights.values())
    if total <= 0:
        raise ValueError('the scene weights are all 0: no training crop could be drawn')
    return tuple(weights[kind] / total for kind in SCENES)


def is_synthetic_defocus_set(path: str) -> bool:
    """Whether ``path`` is a folder holding a set written by :func:`write_synthetic_defocus`.

    Only such a folder may be replaced (``--force``) or reused (``tools/demo.py``): the
    test is the generator tag in its ``meta.json``, not the mere presence of that file.

    Args:
        path (str): A folder.

    Returns:
        bool: True if ``path/meta.json`` is a JSON object naming :data:`GENERATOR_TAG`.
    """
    try:
        with open(osp.join(path, META_FILE)) as f:
            meta = json.load(f)
    except (OSError, ValueError):
        return False
    return isinstance(meta, dict) and meta.get('generator') == GENERATOR_TAG


@dataclass
class DefocusSample:
    """One rendered image with its labels and what produced them.

    Attributes:
        name (str): File stem.
        split (str): ``'train'``, ``'val'`` or ``'test'``.
        photo (str): Source photograph.
        scene (str): One of :data:`~.scene_layout.SCENES`.
        image (np.ndarray): (H, W, 3) uint8 BGR image, as decoded from ``jpeg``.
        jpeg (bytes): The JPEG file.
        label (np.ndarray): (H, W) uint8, 0 = sharp, 1 = blurred, 255 = ignored.
        radius (np.ndarray): (H, W) float32 blur radius (px) of the surface seen at each pixel.
        disparity (np.ndarray): (H, W) float32 disparity of the scene (larger = nearer); the
            circle of confusion is ``settings['aperture'] * |disparity - focus_disparity|``.
        noise (np.ndarray): (H, W, 3) float32 sensor noise added, in sRGB units of [0, 1].
        subject (np.ndarray): (H, W) bool, the scene's main object.
        occluder (np.ndarray): (H, W) bool, the nearer object of ``foreground_blurred``.
        flattened (np.ndarray): (H, W) bool, surfaces made textureless before the lens.
        backdrop (np.ndarray): (H, W) bool, the sky and any plain backdrop drawn along the
            top: farthest in the scene.
        lights (np.ndarray): (N, 2) (row, col) of the point lights added.
        settings (dict): Scale, crop, lens and sensor settings (JSON-serialisable).
    """
    name: str
    split: str
    photo: str
    scene: str
    image: np.ndarray
    jpeg: bytes
    label: np.ndarray
    radius: np.ndarray
    disparity: np.ndarray
    noise: np.ndarray
    subject: np.ndarray
    occluder: np.ndarray
    flattened: np.ndarray
    backdrop: np.ndarray
    lights: np.ndarray
    settings: dict = field(default_factory=dict)


class SyntheticDefocusGenerator:
    """Seeded, reproducible renderer of synthetic defocus crops.

    Sample ``index`` of a split depends only on ``(seed, split, index)`` and the options, so a
    dataset is the same whatever the number of worker processes.

    Args:
        size (int): Side of the square crops. Defaults to 320.
        seed (int): Seed. Defaults to 0.
        train_photos (Sequence[str]): Source photos of the training split.
        val_photos (Sequence[str]): Source photos of the validation split.
        test_photos (Sequence[str]): Source photos of the test split; no two splits share one.
        long_side (tuple[int, int]): Range of the longer side (px) the photo is brought to
            before cropping: the benchmarks' scale (Shi's and DUT's photographs are about 640
            px long). Photos are never enlarged beyond what the crop needs. Defaults to
            (400, 640).
        sharp_radius (float): Blur radius (px) below which a pixel is sharp. Defaults to 1.
        blurred_radius (float): Blur radius above which a pixel is blurred. Defaults to 2.
        purity (float): Share of a pixel's colour that must come from one class for it to be
            labelled; mixed pixels at depth edges are ignored. Defaults to 0.9.
        max_radius (float): Largest blur radius rendered (px) at a longer side of
            :data:`BENCHMARK_LONG_SIDE`, scaled with the photo's longer side. Defaults to 18.
        min_class_share (float): Least share of each class among labelled pixels of a
            validation or test image. Defaults to 0.1.
        train_scene_weights (Mapping[str, float], optional): Relative frequencies of scene
            kinds (:data:`~.scene_layout.SCENES`) in the training split; kinds not named keep
            their default weight (:data:`TRAIN_SCENE_WEIGHTS`), a weight of 0 leaves a kind
            out. Validation and test keep theirs, so that renders with other training
            mixtures are measured on the same crops.
        photos (dict, optional): Prepared :class:`SourcePhoto` by name (the user's photos,
            tests, workers); packaged photos not in it are loaded.
    """

    def __init__(self,
                 size: int = 320,
                 seed: int = 0,
                 train_photos: Sequence[str] = DEFAULT_TRAIN_PHOTOS,
                 test_photos: Sequence[str] = DEFAULT_TEST_PHOTOS,
                 val_photos: Sequence[str] = DEFAULT_VAL_PHOTOS,
                 long_side: Tuple[int, int] = (400, 640),
                 sharp_radius: float = 1.0,
                 blurred_radius: float = 2.0,
                 purity: float = 0.9,
                 max_radius: float = 18.0,
                 min_class_share: float = 0.1,
                 train_scene_weights: Optional[Mapping[str, float]] = None,
                 photos: Optional[Dict[str, SourcePhoto]] = None) -> None:
        split_photos = dict(train=tuple(train_photos), val=tuple(val_photos),
                            test=tuple(test_photos))
        for first, second in (('train', 'val'), ('train', 'test'), ('val', 'test')):
            overlap = set(split_photos[first]) & set(split_photos[second])
            if overlap:
                raise ValueError(f'photos {sorted(overlap)} are in both the {first} and the '
                                 f'{second} split: the split is by photograph')
        if not any(split_photos.values()):
            raise ValueError('no source photos')
        if not 0 < sharp_radius <= blurred_radius:
            raise ValueError('need 0 < sharp_radius <= blurred_radius')
        long_side = (int(long_side[0]), int(long_side[-1]))
        if not 0 < long_side[0] <= long_side[1]:
            raise ValueError(f'long_side must be a range of positive sizes, got {long_side}')
        self.size = int(size)
        self.seed = int(seed)
        self.split_photos = split_photos
        self.long_side = long_side
        self.sharp_radius = sharp_radius
        self.blurred_radius = blurred_radius
        self.purity = purity
        self.max_radius = max_radius
        self.min_class_share = min_class_share
        self.train_scene_weights = scene_weights(train_scene_weights)
        self.photos = dict(photos) if photos else {}
        missing = [name for names in split_photos.values() for name in names
                   if name not in self.photos]
        self.photos.update(load_source_photos(missing))
        # Keep only what the splits use: workers get the photos pickled.
        self.photos = {name: self.photos[name] for names in split_photos.values()
                       for name in names}

    def options(self) -> dict:
        """The settings that, with the package version, determine every sample."""
        return dict(size=self.size, seed=self.seed,
                    **{f'{split}_photos': list(names) for split, names in
                       self.split_photos.items()},
                    long_side=list(self.long_side), sharp_radius=self.sharp_radius,
                    blurred_radius=self.blurred_radius, purity=self.purity,
                    max_radius=self.max_radius, min_class_share=self.min_class_share,
                    train_scene_weights=dict(zip(SCENES, self.train_scene_weights)))

    # Rendering ---------------------------------------------------------------------------------
    def _crop(self, rng: np.random.Generator, photo: SourcePhoto):
        """Bring the photo to a random benchmark scale; cut a crop with a margin for the blur."""
        height, width = photo.image.shape[:2]
        target = float(rng.uniform(*self.long_side))
        scale = max(min(target / max(height, width), 1.0), self.size / min(height, width))
        out_w, out_h = max(int(round(width * scale)), self.size), max(
            int(round(height * scale)), self.size)
        # Blur radii scale with the frame: max_radius is stated at the benchmarks' 640 px.
        max_radius = self.max_radius * max(out_w, out_h) / BENCHMARK_LONG_SIDE
        margin = int(np.ceil(max_radius)) + 2
        image = cv2.resize(photo.image, (out_w, out_h), interpolation=cv2.INTER_AREA
                           if scale < 1 else cv2.INTER_CUBIC)
        nearest = functools.partial(cv2.resize, dsize=(out_w, out_h),
                                    interpolation=cv2.INTER_NEAREST)
        regions, objects = nearest(photo.regions), nearest(photo.objects)
        sky = np.zeros((out_h, out_w), np.uint8) if photo.sky is None else nearest(
            photo.sky.astype(np.uint8))
        disparity = None if photo.disparity is None else cv2.resize(
            photo.disparity, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
        top = int(rng.integers(0, out_h - self.size + 1))
        left = int(rng.integers(0, out_w - self.size + 1))

        def cut(array: np.ndarray) -> np.ndarray:
            # Reflect the photo where the margin runs past its border.
            padded = cv2.copyMakeBorder(array, margin, margin, margin, margin,
                                        cv2.BORDER_REFLECT_101)
            return padded[top:top + self.size + 2 * margin, left:left + self.size + 2 * margin]

        settings = dict(scale=round(scale, 4), long_side=max(out_w, out_h), top=top, left=left)
        return (cut(image), cut(regions), cut(objects), cut(sky).astype(bool),
                None if disparity is None else cut(disparity), margin, max_radius, settings)

    def _aperture(self, rng: np.random.Generator):
        """The PSF of the shot's aperture: a disc, a polygon of blades, or a cat's eye."""
        shape = APERTURE_SHAPES[int(rng.choice(len(APERTURE_SHAPES), p=APERTURE_WEIGHTS))]
        params = dict(shape=shape, blades=int(rng.integers(5, 10)),
                      rotation=float(rng.uniform(0, 2 * np.pi)),
                      cat_eye=float(rng.uniform(0.3, 0.8)))
        return functools.lru_cache(maxsize=None)(functools.partial(aperture_kernel, **params)), \
            dict(aperture_shape=shape, blades=params['blades'] if shape == 'polygon' else 0,
                 aperture_rotation=round(params['rotation'], 4),
                 cat_eye=round(params['cat_eye'], 4) if shape == 'cat_eye' else 0.0)

    @staticmethod
    def _flatten(rng: np.random.Generator, linear: np.ndarray, regions: np.ndarray,
                 sharp_subject: np.ndarray, scale: float) -> Tuple[np.ndarray, np.ndarray]:
        """Make some of the less textured parts of a sharp subject textureless.

        Textureless surfaces inside a sharp outline (skin, paint, petals, a plain dark object)
        are still sharp: labels come from depth, and the model must see such surfaces labelled
        so. Only parts of the subject (not whole lawns, which made smooth would look
        defocused) and among them the less textured half (a smoothed roof would look smeared).
        """
        flattened = np.zeros(regions.shape, bool)
        if not sharp_subject.any():
            return linear, flattened
        detail = np.abs(cv2.Laplacian(linear.mean(2), cv2.CV_32F))
        ids, areas = np.unique(regions[sharp_subject], return_counts=True)
        parts = [(i, float(detail[regions == i].mean())) for i, area in zip(ids, areas)
                 if area < 0.15 * regions.size and sharp_subject[regions == i].mean() > 0.99]
        if not parts:
            return linear, flattened
        median = np.median([texture for _, texture in parts])
        plain = [i for i, texture in parts if texture <= median]
        chosen = rng.choice(plain, max(1, int(len(plain) * rng.uniform(0.3, 1.0))),
                            replace=False)
        flattened = np.isin(regions, chosen) & sharp_subject
        # Most of the texture, not all: skin and petals keep a trace of grain.
        return flatten_regions(linear, flattened, float(rng.uniform(3, 10)) * scale,
                               float(rng.uniform(0.75, 1.0))), flattened

    @staticmethod
    def _plain_backdrop(rng: np.random.Generator, regions: np.ndarray, sky: np.ndarray,
                        inner: Tuple[slice, slice]) -> np.ndarray:
        """Regions along the top of the crop to turn into a plain backdrop (a sky, a wall).

        Few of the packaged photographs show a sky, and a flat region is then blurred in most
        of what a model sees; plain backdrops drawn over other photographs' tops, placed
        farthest like a sky, teach that flat is sharp wherever the farthest plane is.
        """
        visible = regions[inner]
        height = visible.shape[0]
        candidates = []
        for i in np.unique(visible[0]):
            rows = np.nonzero((visible == i).any(1))[0]
            if rows.mean() < 0.4 * height and not sky[inner][visible == i].any():
                candidates.append(i)
        if not candidates:
            return np.zeros(regions.shape, bool)
        chosen = [i for i in candidates if rng.random() < 0.7] or [rng.choice(candidates)]
        backdrop = np.isin(regions, chosen)
        share = backdrop[inner].mean()
        return backdrop if 0.03 <= share <= 0.45 else np.zeros(regions.shape, bool)

    def _attempt(self, rng: np.random.Generator, photo: SourcePhoto, scene: str,
                 effects_rng: np.random.Generator):
        image, regions, objects, sky, measured, margin, max_radius, settings = self._crop(
            rng, photo)
        inner = (slice(margin, -margin), slice(margin, -margin))
        if measured is not None:  # measured depth places the sky itself
            sky = np.zeros(sky.shape, bool)
        backdrop = np.zeros(sky.shape, bool)
        if measured is None and effects_rng.random() < BACKDROP_PROBABILITY:
            backdrop = self._plain_backdrop(effects_rng, regions, sky, inner)
        layout = random_scene_layout(rng, scene, regions, max_radius, self.sharp_radius,
                                     self.blurred_radius, inner, measured, objects,
                                     sky | backdrop)
        if layout is None:
            return None
        linear = srgb_to_linear(image.astype(np.float32) / 255.0)
        # Camera variety: exposure and white balance, and a lens not perfectly sharp even in
        # focus (a Gaussian of at most 0.4 px, well below the 1 px sharp threshold), so that
        # "sharp" is not "as crisp as the source photograph".
        exposure = float(np.exp(rng.uniform(np.log(0.7), np.log(1.3))))
        balance = rng.uniform(0.92, 1.08, 3).astype(np.float32)
        linear = np.clip(linear * exposure * balance, 0.0, 1.0)
        softness = float(rng.uniform(0.0, 0.4)) if rng.random() < 0.5 else 0.0
        if softness > 0.05:
            linear = cv2.GaussianBlur(linear, (0, 0), softness)
        if backdrop.any():
            linear = flatten_regions(linear, backdrop, float(effects_rng.uniform(8, 24)) *
                                     max_radius / 18.0, float(effects_rng.uniform(0.9, 1.0)))
        coc = circle_of_confusion(layout.disparity, layout.focus, layout.aperture)
        sharp = coc < self.sharp_radius
        flattened = np.zeros(coc.shape, bool)
        if rng.random() < 0.5:
            linear, flattened = self._flatten(rng, linear, regions, layout.subject & sharp,
                                              max_radius / 18.0)
        gain = float(rng.uniform(1.5, 8.0)) if rng.random() < 0.6 else 1.0
        if gain > 1:
            linear = boost_highlights(linear, gain)
        lights = np.zeros((0, 2), int)
        # Lights belong to the background, behind the focused depth, never on the subject.
        defocused = (coc > 2 * self.blurred_radius) & (layout.disparity < layout.focus) & \
            ~layout.subject & ~layout.occluder
        if rng.random() < 0.3 and defocused[inner].any():
            linear, lights = add_point_lights(rng, linear, defocused, coc,
                                              int(rng.integers(3, 30)))
        kernel, aperture_settings = self._aperture(rng)
        render = render_layered_defocus(
            linear, layout.disparity, layout.focus, layout.aperture,
            sharp_radius=self.sharp_radius, blurred_radius=self.blurred_radius, kernel=kernel)
        # A pixel is labelled only if its own surface and nearly all the light reaching it
        # agree: a sharp sliver drowned in a blurred foreground is as ambiguous as a radius
        # between the two thresholds.
        label = np.full(coc.shape, IGNORE_INDEX, np.uint8)
        label[(render.sharp_fraction >= self.purity)
              & (render.radius < self.sharp_radius)] = SHARP
        label[(render.blurred_fraction >= self.purity)
              & (render.radius > self.blurred_radius)] = BLURRED
        label, radius, blurred = label[inner], render.radius[inner], render.image[inner]
        # The sensor: noise over the whole frame after the optics, then sRGB and JPEG.
        blurred = np.clip(blurred, 0.0, 1.0)
        shot = float(np.exp(rng.uniform(np.log(1e-5), np.log(2e-3))))
        read = float(np.exp(rng.uniform(np.log(2e-4), np.log(3e-3))))
        clean_srgb = linear_to_srgb(blurred)
        noisy_srgb = linear_to_srgb(add_sensor_noise(blurred, rng, shot, read))
        quality = int(rng.integers(70, 97))
        decoded, jpeg = jpeg_roundtrip(to_uint8(noisy_srgb), quality)
        lights = lights - margin
        lights = lights[((lights >= 0) & (lights < self.size)).all(1)]
        settings.update(focus_disparity=float(layout.focus), aperture=float(layout.aperture),
                        max_radius=round(float(radius.max()), 3), **aperture_settings,
                        exposure=round(exposure, 4), lens_softness=round(softness, 3),
                        highlight_gain=round(gain, 3), point_lights=int(len(lights)),
                        flattened_share=round(float(flattened[inner].mean()), 4),
                        sky_share=round(float(sky[inner].mean()), 4),
                        backdrop_share=round(float(backdrop[inner].mean()), 4),
                        shot_noise=shot, read_noise=read, jpeg_quality=quality)
        return dict(image=decoded, jpeg=jpeg, label=label, radius=radius,
                    disparity=layout.disparity[inner], noise=noisy_srgb - clean_srgb,
                    subject=layout.subject[inner], occluder=layout.occluder[inner],
                    flattened=flattened[inner], backdrop=(sky | backdrop)[inner], lights=lights,
                    settings=settings)

    def sample(self, split: str, index: int, scene: Optional[str] = None) -> DefocusSample:
        """Render sample ``index`` of ``split``; the same arguments give the same sample.

        Args:
            split (str): ``'train'``, ``'val'`` or ``'test'``.
            index (int): Sample number within the split.
            scene (str, optional): Force a scene kind (tests, examples); drawn by default.

        Returns:
            DefocusSample: The rendered sample.
        """
        if split not in SPLIT_IDS:
            raise ValueError(f'split must be one of {tuple(SPLIT_IDS)}, got {split!r}')
        if scene is not None and scene not in SCENES:
            raise ValueError(f'scene must be one of {SCENES}, got {scene!r}')
        photos = self.split_photos[split]
        if not photos:
            raise ValueError(f'no source photos for the {split} split')
        photo = self.photos[photos[index % len(photos)]]
        rng = np.random.default_rng([self.seed, SPLIT_IDS[split], index])
        # Effects added later draw from their own stream, so that a sample they leave alone
        # stays what it was (a generator change is measured on the crops it changes).
        effects_rng = np.random.default_rng([self.seed, SPLIT_IDS[split], index, 1])
        weights = self.train_scene_weights if split == 'train' else EVAL_SCENE_WEIGHTS
        for _ in range(50):
            kind = scene or SCENES[int(rng.choice(len(SCENES), p=weights))]
            rendered = self._attempt(rng, photo, kind, effects_rng)
            if rendered is None:
                continue
            labelled = rendered['label'][rendered['label'] != IGNORE_INDEX]
            share = labelled.mean() if labelled.size else 0.0
            if split != 'train' and scene is None and \
                    not self.min_class_share <= share <= 1 - self.min_class_share:
                continue
            return DefocusSample(name=f'{split}_{index:04d}_{photo.name}', split=split,
                                 photo=photo.name, scene=kind, **rendered)
        raise RuntimeError(f'could not render a usable {split} crop of {photo.name!r} '
                           f'in 50 attempts (seed {self.seed}, index {index})')

    # Writing -----------------------------------------------------------------------------------
    def write_sample(self, out_dir: str, split: str, index: int) -> dict:
        """Render one sample and write ``image/<name>.jpg`` and ``gt/<name>.png``.

        Args:
            out_dir (str): Dataset folder (with ``image/`` and ``gt/``).
            split (str): ``'train'``, ``'val'`` or ``'test'``.
            index (int): Sample number.

        Returns:
            dict: The sample's record for ``meta.json``.
        """
        sample = self.sample(split, index)
        with open(osp.join(out_dir, 'image', sample.name + '.jpg'), 'wb') as f:
            f.write(sample.jpeg)
        if not cv2.imwrite(osp.join(out_dir, 'gt', sample.name + '.png'), sample.label):
            raise OSError(f'cannot write {osp.join(out_dir, "gt", sample.name + ".png")}')
        counts = np.bincount(sample.label.ravel(), minlength=256)
        return dict(name=sample.name, split=split, photo=sample.photo, scene=sample.scene,
                    sharp_pixels=int(counts[SHARP]), blurred_pixels=int(counts[BLURRED]),
                    ignored_pixels=int(counts[IGNORE_INDEX]), **sample.settings)


_WORKER: Optional[SyntheticDefocusGenerator] = None


def _init_worker(generator: SyntheticDefocusGenerator) -> None:
    global _WORKER
    _WORKER = generator
    cv2.setNumThreads(1)  # one process per core already


def _write_job(job: Tuple[str, str, int]) -> dict:
    out_dir, split, index = job
    return _WORKER.write_sample(out_dir, split, index)


def check_output_dir(out_dir: str, overwrite: bool = False) -> None:
    """Refuse an output folder that :func:`prepare_output_dir` must not touch; changes nothing.

    Callers run it before the slow set-up (loading the photos), so that a refusal comes at once.

    Args:
        out_dir (str): Dataset folder.
        overwrite (bool): Replace a synthetic set written earlier. Defaults to False.

    Raises:
        FileExistsError: ``out_dir`` is a file, or a non-empty folder and ``overwrite`` is off,
            or a non-empty folder that is not a synthetic set of ours.
    """
    if osp.exists(out_dir) and not osp.isdir(out_dir):
        raise FileExistsError(f'{out_dir} exists and is not a folder')
    if osp.isdir(out_dir) and os.listdir(out_dir):
        if not overwrite:
            raise FileExistsError(f'{out_dir} exists and is not empty; pass --force to '
                                  'replace a synthetic set written by this tool')
        if not is_synthetic_defocus_set(out_dir):
            raise FileExistsError(f'{out_dir} is not a synthetic defocus set written by this '
                                  f'tool (no {META_FILE} of ours): not deleting it')


def prepare_output_dir(out_dir: str, overwrite: bool = False) -> None:
    """Create ``out_dir``; refuse to touch an existing non-empty folder unless asked.

    With ``overwrite``, only a folder that this generator wrote (it holds our ``meta.json``) is
    deleted; anything else is left for the user to remove (see :func:`check_output_dir`).

    Args:
        out_dir (str): Dataset folder.
        overwrite (bool): Replace a synthetic set written earlier. Defaults to False.
    """
    check_output_dir(out_dir, overwrite)
    if osp.isdir(out_dir) and os.listdir(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(osp.join(out_dir, 'image'), exist_ok=True)
    os.makedirs(osp.join(out_dir, 'gt'), exist_ok=True)


def write_synthetic_defocus(generator: SyntheticDefocusGenerator,
                            out_dir: str,
                            num_train: int,
                            num_test: int,
                            num_val: int = 0,
                            workers: int = 1,
                            overwrite: bool = False,
                            progress: bool = True,
                            sources: Optional[Dict[str, str]] = None) -> List[dict]:
    """Write a whole synthetic set in Shi et al.'s layout, with split lists and a contact sheet.

    Args:
        generator (SyntheticDefocusGenerator): The renderer.
        out_dir (str): Dataset folder (``image/``, ``gt/``, ``train.txt``, ``val.txt``,
            ``test.txt``, ``meta.json``, ``contact_sheet.png``).
        num_train (int): Training crops.
        num_test (int): Test crops.
        num_val (int): Validation crops (from photographs of their own). Defaults to 0.
        workers (int): Processes. Defaults to 1.
        overwrite (bool): Replace an earlier synthetic set in ``out_dir``. Defaults to False.
        progress (bool): Show a progress bar. Defaults to True.
        sources (dict, optional): Photo name -> where it came from, for ``meta.json``.

    Returns:
        list[dict]: One record per sample (also in ``meta.json``).
    """
    from tqdm import tqdm
    prepare_output_dir(out_dir, overwrite)
    counts = dict(train=num_train, val=num_val, test=num_test)
    jobs = [(out_dir, split, i) for split, count in counts.items() for i in range(count)]
    bar = dict(total=len(jobs), desc='synthetic defocus', unit='img', disable=not progress)
    if workers > 1:
        import multiprocessing

        # 'spawn', not 'fork': a process forked after OpenCV has run its thread pool can
        # deadlock in the child (seen here under pytest). Workers get the generator pickled.
        context = multiprocessing.get_context('spawn')
        with context.Pool(workers, _init_worker, (generator, )) as pool:
            records = list(tqdm(pool.imap(_write_job, jobs, chunksize=4), **bar))
    else:
        records = [generator.write_sample(*job) for job in tqdm(jobs, **bar)]
    for split in counts:
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(r['name'] + '\n' for r in records if r['split'] == split)
    photos = {name: dict(split=split, source=(sources or {}).get(
        name, generator.photos[name].source)) for split, names in generator.split_photos.items()
        for name in names}
    with open(osp.join(out_dir, META_FILE), 'w') as f:
        json.dump(dict(generator=GENERATOR_TAG, options=generator.options(),
                       label_encoding=LABEL_ENCODING, photos=photos,
                       samples=records), f, indent=1)
    if records:
        write_contact_sheet(out_dir, contact_sheet_picks(records),
                            osp.join(out_dir, 'contact_sheet.png'))
    return records


#: The effects the contact sheet shows, one row each: a title, what a record must hold, and
#: which of those records shows it best (largest first).
CONTACT_SHEET_EFFECTS = (
    ('sharp subject, blurred background', lambda r: r['scene'] == 'subject_sharp',
     lambda r: min(r['sharp_pixels'], r['blurred_pixels'])),
    ('blurred foreground spill', lambda r: r['scene'] == 'foreground_blurred',
     lambda r: min(r['sharp_pixels'], r['blurred_pixels'])),
    ('blurred object, sharp backgr.', lambda r: r['scene'] == 'background_sharp',
     lambda r: min(r['sharp_pixels'], r['blurred_pixels'])),
    ('receding plane', lambda r: r['scene'] == 'receding_plane',
     lambda r: min(r['sharp_pixels'], r['blurred_pixels'], r['ignored_pixels'])),
    ('textureless, sharp', lambda r: r['flattened_share'] > 0.05,
     lambda r: r['flattened_share']),
    ('plain backdrop, farthest', lambda r: r.get('backdrop_share', 0) > 0.05 and min(
        r['sharp_pixels'], r['blurred_pixels']) > 0, lambda r: r['backdrop_share']),
    ('bokeh (disc)', lambda r: r['aperture_shape'] == 'disc', lambda r: r['point_lights']),
    ('bokeh (polygon)', lambda r: r['aperture_shape'] == 'polygon', lambda r: r['point_lights']),
    ("bokeh (cat's eye)", lambda r: r['aperture_shape'] == 'cat_eye',
     lambda r: r['point_lights']),
    ('all sharp', lambda r: r['scene'] == 'all_sharp', lambda r: 0),
    ('all blurred', lambda r: r['scene'] == 'all_blurred', lambda r: 0),
)


def contact_sheet_picks(records: Sequence[dict]) -> List[Tuple[str, str]]:
    """One sample per effect of :data:`CONTACT_SHEET_EFFECTS` (training first), if any shows it.

    Args:
        records (Sequence[dict]): Sample records of :meth:`SyntheticDefocusGenerator.write_sample`.

    Returns:
        list[tuple[str, str]]: (effect title, sample name) pairs, no sample twice.
    """
    picks, used = [], set()
    for title, shows, score in CONTACT_SHEET_EFFECTS:
        matches = [r for r in records if r['name'] not in used and shows(r)]
        if matches:
            # The best of the first few dozen: a sheet from the start of the set, quickly.
            best = max(matches[:40], key=lambda r: (r['split'] == 'train', score(r)))
            picks.append((title, best['name']))
            used.add(best['name'])
    return picks or [('sample', records[0]['name'])]


def write_contact_sheet(data_root: str, picks: Sequence[Tuple[str, str]], path: str) -> None:
    """Write a PNG of (image, label) pairs for people to look at, one titled pair a row.

    Labels are drawn black (sharp), white (blurred) and red (ignored), as on every sheet of the
    project (:func:`~mmseg_r2mrf.visualization.save_prediction_sheet`).

    Args:
        data_root (str): Dataset folder with ``image/`` and ``gt/``.
        picks (Sequence[tuple[str, str]]): (title, stem) of each row.
        path (str): Output PNG.
    """
    rows = [dict(title=f'{title}\n{name}',
                 image=cv2.imread(osp.join(data_root, 'image', name + '.jpg'), cv2.IMREAD_COLOR),
                 label=cv2.imread(osp.join(data_root, 'gt', name + '.png'), cv2.IMREAD_UNCHANGED),
                 maps={}) for title, name in picks]
    save_prediction_sheet(rows, path, dpi=110)
