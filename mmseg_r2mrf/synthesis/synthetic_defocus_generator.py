"""Renders a synthetic defocus dataset from sharp packaged photographs.

Recipe (the SYNDOF/DMENet recipe, notes §3): a depth map per crop (the motorcycle's measured
disparity, elsewhere a random layout of foreground shapes over a tilted background), a thin-lens
circle of confusion from disparity, layered disk blur composited far to near in linear light,
then sensor noise, sRGB and JPEG after the blur. Labels: blurred where the blur radius exceeds
``blurred_radius`` (1.5 px), sharp below ``sharp_radius`` (0.75 px), ignored (255) in between
and wherever a pixel mixes sharp and blurred layers (depth edges) or its own surface disagrees
with the light that reaches it.
"""
import json
import os
import os.path as osp
import shutil
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from ..visualization import save_prediction_sheet
from .depth_layout import random_depth_layout
from .sensor import add_sensor_noise, jpeg_roundtrip, linear_to_srgb, srgb_to_linear, to_uint8
from .source_photos import (DEFAULT_TEST_PHOTOS, DEFAULT_TRAIN_PHOTOS, SourcePhoto,
                            load_source_photos)
from .thin_lens import render_layered_defocus

SCENES = ('foreground_sharp', 'background_sharp', 'all_sharp', 'all_blurred')
#: Training mixes all four scene kinds; test images always hold both sharp and blurred pixels,
#: as the real test sets do (an image with no blurred pixel has F = 0 by definition).
TRAIN_SCENE_WEIGHTS = (0.4, 0.35, 0.125, 0.125)
TEST_SCENE_WEIGHTS = (0.5, 0.5, 0.0, 0.0)
SPLIT_IDS = dict(train=0, test=1)
META_FILE = 'meta.json'
GENERATOR_TAG = 'mmseg_r2mrf.synthesis'


def is_synthetic_defocus_set(path: str) -> bool:
    """Whether ``path`` is a folder holding a set written by :func:`write_synthetic_defocus`.

    Only such a folder may be replaced (``--overwrite``) or reused (``tools/demo.py``): the
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
        split (str): ``'train'`` or ``'test'``.
        photo (str): Source photograph.
        scene (str): One of :data:`SCENES`.
        image (np.ndarray): (H, W, 3) uint8 BGR image, as decoded from ``jpeg``.
        jpeg (bytes): The JPEG file.
        label (np.ndarray): (H, W) uint8, 0 = sharp, 1 = blurred, 255 = ignored.
        radius (np.ndarray): (H, W) float32 blur radius (px) of the surface seen at each pixel.
        noise (np.ndarray): (H, W, 3) float32 sensor noise added, in sRGB units of [0, 1].
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
    noise: np.ndarray
    settings: dict = field(default_factory=dict)


class SyntheticDefocusGenerator:
    """Seeded, reproducible renderer of synthetic defocus crops.

    Sample ``index`` of a split depends only on ``(seed, split, index)``, so a dataset is the same
    whatever the number of worker processes.

    Args:
        size (int): Side of the square crops. Defaults to 320.
        seed (int): Seed. Defaults to 0.
        train_photos (Sequence[str]): Source photos of the training split.
        test_photos (Sequence[str]): Source photos of the test split (disjoint from training).
        sharp_radius (float): Blur radius (px) below which a pixel is sharp. Defaults to 0.75.
        blurred_radius (float): Blur radius above which a pixel is blurred. Defaults to 1.5.
        purity (float): Share of a pixel's colour that must come from one class for it to be
            labelled; mixed pixels at depth edges are ignored. Defaults to 0.9.
        max_radius (float): Largest blur radius rendered, at ``size`` 320 (scaled with size).
            Defaults to 12.
        min_class_share (float): Least share of each class among labelled pixels of a test
            image. Defaults to 0.1.
        photos (dict, optional): Preloaded :class:`SourcePhoto` by name (tests, workers).
    """

    def __init__(self,
                 size: int = 320,
                 seed: int = 0,
                 train_photos: Sequence[str] = DEFAULT_TRAIN_PHOTOS,
                 test_photos: Sequence[str] = DEFAULT_TEST_PHOTOS,
                 sharp_radius: float = 0.75,
                 blurred_radius: float = 1.5,
                 purity: float = 0.9,
                 max_radius: float = 12.0,
                 min_class_share: float = 0.1,
                 photos: Optional[Dict[str, SourcePhoto]] = None) -> None:
        overlap = set(train_photos) & set(test_photos)
        if overlap:
            raise ValueError(f'photos {sorted(overlap)} are in both splits: the split is by photo')
        if not train_photos and not test_photos:
            raise ValueError('no source photos')
        if not 0 < sharp_radius <= blurred_radius:
            raise ValueError('need 0 < sharp_radius <= blurred_radius')
        self.size = int(size)
        self.seed = int(seed)
        self.split_photos = dict(train=tuple(train_photos), test=tuple(test_photos))
        self.sharp_radius = sharp_radius
        self.blurred_radius = blurred_radius
        self.purity = purity
        self.max_radius = max_radius * self.size / 320
        self.min_class_share = min_class_share
        names = tuple(train_photos) + tuple(test_photos)
        self.photos = dict(photos) if photos else {}
        missing = [name for name in names if name not in self.photos]
        self.photos.update(load_source_photos(missing))

    def options(self) -> dict:
        """The settings that, with the package version, determine every sample."""
        return dict(size=self.size, seed=self.seed, train_photos=list(self.split_photos['train']),
                    test_photos=list(self.split_photos['test']), sharp_radius=self.sharp_radius,
                    blurred_radius=self.blurred_radius, purity=self.purity,
                    max_radius=self.max_radius, min_class_share=self.min_class_share)

    # Rendering ---------------------------------------------------------------------------------
    def _crop(self, rng: np.random.Generator, photo: SourcePhoto, margin: int):
        """Randomly scale the photo down and cut a crop with a margin for the blur to read."""
        height, width = photo.image.shape[:2]
        smallest = self.size / min(height, width)
        scale = float(rng.uniform(max(smallest, 0.55), 1.0)) if smallest < 1 else smallest
        out_w, out_h = max(int(round(width * scale)), self.size), max(
            int(round(height * scale)), self.size)
        image = cv2.resize(photo.image, (out_w, out_h), interpolation=cv2.INTER_AREA
                           if scale < 1 else cv2.INTER_CUBIC)
        segments = cv2.resize(photo.segments, (out_w, out_h), interpolation=cv2.INTER_NEAREST)
        disparity = None if photo.disparity is None else cv2.resize(
            photo.disparity, (out_w, out_h), interpolation=cv2.INTER_LINEAR)
        top = int(rng.integers(0, out_h - self.size + 1))
        left = int(rng.integers(0, out_w - self.size + 1))

        def cut(array: np.ndarray) -> np.ndarray:
            # Reflect the photo where the margin runs past its border.
            padded = cv2.copyMakeBorder(array, margin, margin, margin, margin,
                                        cv2.BORDER_REFLECT_101)
            return padded[top:top + self.size + 2 * margin, left:left + self.size + 2 * margin]

        return (cut(image), cut(segments), None if disparity is None else cut(disparity),
                dict(scale=round(scale, 4), top=top, left=left))

    def _lens(self, rng: np.random.Generator, scene: str, disparity: np.ndarray,
              foreground: np.ndarray, margin: int) -> Tuple[float, float]:
        """Focus disparity and aperture (px per unit disparity) for a scene kind."""
        inner = (slice(margin, -margin), slice(margin, -margin))
        values, fg = disparity[inner], foreground[inner]
        low, high = float(values.min()), float(values.max())
        aperture = float(rng.uniform(6.0, 18.0)) * self.size / 320
        if scene == 'all_blurred':
            # Focused nearer than anything in view: every pixel is at least `nearest` px blurred.
            nearest = float(rng.uniform(1.3 * self.blurred_radius, 4.0))
            aperture = min(aperture, (self.max_radius - nearest) / max(high - low, 1e-3))
            return high + nearest / aperture, aperture
        if scene == 'foreground_sharp':
            focus = float(rng.choice(values[fg]))
        elif scene == 'background_sharp':
            focus = float(rng.choice(values[~fg]))
        else:  # all_sharp: an aperture so small that nothing reaches sharp_radius
            focus = float(rng.choice(values.ravel()))
            span = max(abs(high - focus), abs(focus - low), 1e-3)
            return focus, float(rng.uniform(0.0, 0.9 * self.sharp_radius / span))
        span = max(abs(float(disparity.max()) - focus), abs(focus - float(disparity.min())))
        return focus, min(aperture, self.max_radius / max(span, 1e-3))

    def _attempt(self, rng: np.random.Generator, photo: SourcePhoto, scene: str):
        margin = int(np.ceil(self.max_radius)) + 2
        image, segments, disparity, settings = self._crop(rng, photo, margin)
        if disparity is None:
            disparity, foreground = random_depth_layout(rng, segments)
        else:
            # Measured depth: call the nearer part of the range the foreground.
            foreground = disparity > np.median(disparity)
        inner = (slice(margin, -margin), slice(margin, -margin))
        if scene in ('foreground_sharp', 'background_sharp') and \
                not 0 < foreground[inner].mean() < 1:
            return None
        focus, aperture = self._lens(rng, scene, disparity, foreground, margin)
        linear = srgb_to_linear(image.astype(np.float32) / 255.0)
        render = render_layered_defocus(
            linear, disparity, focus, aperture, sharp_radius=self.sharp_radius,
            blurred_radius=self.blurred_radius)
        # A pixel is labelled only if its own surface and nearly all the light reaching it
        # agree: a sharp sliver drowned in a blurred foreground is as ambiguous as a radius
        # between the two thresholds.
        label = np.full(disparity.shape, 255, np.uint8)
        label[(render.sharp_fraction >= self.purity) & (render.radius < self.sharp_radius)] = 0
        label[(render.blurred_fraction >= self.purity)
              & (render.radius > self.blurred_radius)] = 1
        label, radius, blurred = label[inner], render.radius[inner], render.image[inner]
        # The sensor: noise over the whole frame after the optics, then sRGB and JPEG.
        shot = float(np.exp(rng.uniform(np.log(1e-5), np.log(2e-3))))
        read = float(np.exp(rng.uniform(np.log(2e-4), np.log(3e-3))))
        clean_srgb = linear_to_srgb(blurred)
        noisy_srgb = linear_to_srgb(add_sensor_noise(blurred, rng, shot, read))
        quality = int(rng.integers(70, 97))
        decoded, jpeg = jpeg_roundtrip(to_uint8(noisy_srgb), quality)
        settings.update(focus_disparity=round(focus, 4), aperture=round(aperture, 4),
                        max_radius=round(float(radius.max()), 3), shot_noise=shot,
                        read_noise=read, jpeg_quality=quality)
        return dict(image=decoded, jpeg=jpeg, label=label, radius=radius,
                    noise=noisy_srgb - clean_srgb, settings=settings)

    def sample(self, split: str, index: int) -> DefocusSample:
        """Render sample ``index`` of ``split``; the same arguments give the same sample.

        Args:
            split (str): ``'train'`` or ``'test'``.
            index (int): Sample number within the split.

        Returns:
            DefocusSample: The rendered sample.
        """
        if split not in SPLIT_IDS:
            raise ValueError(f'split must be train or test, got {split!r}')
        photos = self.split_photos[split]
        if not photos:
            raise ValueError(f'no source photos for the {split} split')
        photo = self.photos[photos[index % len(photos)]]
        rng = np.random.default_rng([self.seed, SPLIT_IDS[split], index])
        weights = TRAIN_SCENE_WEIGHTS if split == 'train' else TEST_SCENE_WEIGHTS
        for _ in range(50):
            scene = SCENES[int(rng.choice(len(SCENES), p=weights))]
            rendered = self._attempt(rng, photo, scene)
            if rendered is None:
                continue
            labelled = rendered['label'][rendered['label'] != 255]
            share = labelled.mean() if labelled.size else 0.0
            if split == 'test' and not self.min_class_share <= share <= 1 - self.min_class_share:
                continue
            return DefocusSample(name=f'{split}_{index:04d}_{photo.name}', split=split,
                                 photo=photo.name, scene=scene, **rendered)
        raise RuntimeError(f'could not render a usable {split} crop of {photo.name!r} '
                           f'in 50 attempts (seed {self.seed}, index {index})')

    # Writing -----------------------------------------------------------------------------------
    def write_sample(self, out_dir: str, split: str, index: int) -> dict:
        """Render one sample and write ``image/<name>.jpg`` and ``gt/<name>.png``.

        Args:
            out_dir (str): Dataset folder (with ``image/`` and ``gt/``).
            split (str): ``'train'`` or ``'test'``.
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
                    sharp_pixels=int(counts[0]), blurred_pixels=int(counts[1]),
                    ignored_pixels=int(counts[255]), **sample.settings)


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
            raise FileExistsError(f'{out_dir} exists and is not empty; pass --overwrite to '
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
                            workers: int = 1,
                            overwrite: bool = False,
                            progress: bool = True) -> List[dict]:
    """Write a whole synthetic set in Shi et al.'s layout, with split lists and a contact sheet.

    Args:
        generator (SyntheticDefocusGenerator): The renderer.
        out_dir (str): Dataset folder (``image/``, ``gt/``, ``train.txt``, ``test.txt``,
            ``meta.json``, ``contact_sheet.png``).
        num_train (int): Training crops.
        num_test (int): Test crops.
        workers (int): Processes. Defaults to 1.
        overwrite (bool): Replace an earlier synthetic set in ``out_dir``. Defaults to False.
        progress (bool): Show a progress bar. Defaults to True.

    Returns:
        list[dict]: One record per sample (also in ``meta.json``).
    """
    from tqdm import tqdm
    prepare_output_dir(out_dir, overwrite)
    jobs = [(out_dir, 'train', i) for i in range(num_train)] + \
        [(out_dir, 'test', i) for i in range(num_test)]
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
    for split in SPLIT_IDS:
        with open(osp.join(out_dir, f'{split}.txt'), 'w') as f:
            f.writelines(r['name'] + '\n' for r in records if r['split'] == split)
    with open(osp.join(out_dir, META_FILE), 'w') as f:
        json.dump(dict(generator=GENERATOR_TAG, options=generator.options(),
                       label_encoding=dict(sharp=0, blurred=1, ignored=255),
                       samples=records), f, indent=1)
    if records:
        picks = [r['name'] for r in records if r['split'] == 'train'][:4] + \
            [r['name'] for r in records if r['split'] == 'test'][:4]
        write_contact_sheet(out_dir, picks, osp.join(out_dir, 'contact_sheet.png'))
    return records


def write_contact_sheet(data_root: str, names: Sequence[str], path: str) -> None:
    """Write a PNG of (image, label) pairs for people to look at, one pair a row.

    Labels are drawn black (sharp), white (blurred) and red (ignored), as on every sheet of the
    project (:func:`~mmseg_r2mrf.visualization.save_prediction_sheet`).

    Args:
        data_root (str): Dataset folder with ``image/`` and ``gt/``.
        names (Sequence[str]): Stems to show.
        path (str): Output PNG.
    """
    rows = [dict(title=name,
                 image=cv2.imread(osp.join(data_root, 'image', name + '.jpg'), cv2.IMREAD_COLOR),
                 label=cv2.imread(osp.join(data_root, 'gt', name + '.png'), cv2.IMREAD_UNCHANGED),
                 maps={}) for name in names]
    save_prediction_sheet(rows, path)
