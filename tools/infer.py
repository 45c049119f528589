"""Predict defocus blur maps for images, a folder or a glob with a trained checkpoint.

For each image ``<stem>.<ext>`` it writes, into ``--out-dir``:

* ``<stem>.png``: the blur map, ``floor(255 x probability)`` (255 = blurred), at the image's
  size: the levels of DefocusMetric's curves, as ``tools/test.py --out`` saves them;
* ``<stem>_mask.png`` with ``--binary``: 255 where the probability is >= ``--threshold``;
* ``<stem>_overlay.png`` with ``--overlay``: the blur map in colour over the image.

Every input is checked first (existing paths, readable and complete images, no two outputs
with the same name, no existing output unless ``--force``, no output onto an input), so a bad
input stops the run before anything is written; each file is written atomically (a temporary
file renamed into place), so no half-written PNG is ever left behind.

Images are read as the config's test pipeline reads them (e.g. with or without a JPEG's EXIF
orientation), and those with a longer side above ``--slide-above`` pixels are predicted with a
sliding window.

Example::

    python tools/infer.py configs/r2mrf/r2mrf_effnetlite0_synthetic.py \\
        work_dirs/r2mrf_effnetlite0_synthetic/iter_6000.pth photos/ --out-dir blur_maps \\
        --binary --overlay
"""
import argparse
import glob
import os
import os.path as osp
import sys
from typing import Dict, List, Tuple

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
import cv2
import numpy as np
from mmengine.utils import scandir
from tqdm import tqdm

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.datasets.defocus_dataset import IMAGE_SUFFIXES
from mmseg_r2mrf.datasets.image_file_check import read_image_size
from mmseg_r2mrf.evaluation import blur_map_to_uint8
from mmseg_r2mrf.utils import atomic_write

#: The datasets' image types, and WebP, common among photographs to predict.
IMAGE_EXTENSIONS = IMAGE_SUFFIXES + ('.webp', )
OUTPUT_SUFFIXES = {'map': '', 'mask': '_mask', 'overlay': '_overlay'}


class InputError(ValueError):
    """A bad input path, image or output location; the message names it."""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Predict defocus blur maps')
    parser.add_argument('config', help='model config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('inputs', nargs='+',
                        help='image files, folders (their images, not recursive) or quoted '
                        'glob patterns')
    parser.add_argument('--out-dir', required=True, help='folder for the outputs')
    parser.add_argument('--binary', action='store_true',
                        help='also write a binary mask <stem>_mask.png (0/255)')
    parser.add_argument('--threshold', type=float, default=0.5,
                        help='probability threshold of --binary (default 0.5)')
    parser.add_argument('--overlay', action='store_true',
                        help='also write the blur map over the image, <stem>_overlay.png')
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='opacity of the blur map in --overlay (default 0.5)')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'],
                        help='device (default cpu)')
    parser.add_argument('--slide-above', type=int, default=1024,
                        help='longer side (px) above which a sliding window is used; '
                        '0 = never (default 1024)')
    parser.add_argument('--crop-size', type=int, default=512, help='sliding-window crop')
    parser.add_argument('--stride', type=int, default=384, help='sliding-window stride')
    parser.add_argument('--force', action='store_true', help='overwrite existing outputs')
    args = parser.parse_args(argv)
    if not 0.0 <= args.threshold <= 1.0:
        parser.error('--threshold must be in [0, 1]')
    if not 0.0 <= args.alpha <= 1.0:
        parser.error('--alpha must be in [0, 1]')
    return args


def _is_image(path: str) -> bool:
    return osp.isfile(path) and path.lower().endswith(IMAGE_EXTENSIONS)


def collect_images(inputs: List[str]) -> List[str]:
    """Expand files, folders and globs into a sorted, de-duplicated list of image files.

    Raises:
        InputError: A path that does not exist, a folder or glob without images, or a file
            that is not an image by its extension.
    """
    images: List[str] = []
    for item in inputs:
        if osp.isdir(item):
            found = sorted(osp.join(item, name) for name in scandir(
                item, suffix=IMAGE_EXTENSIONS, case_sensitive=False))
            if not found:
                raise InputError(f'{item}: folder holds no image ({", ".join(IMAGE_EXTENSIONS)})')
        elif osp.isfile(item):
            if not item.lower().endswith(IMAGE_EXTENSIONS):
                raise InputError(f'{item}: not an image file by its extension '
                                 f'({", ".join(IMAGE_EXTENSIONS)})')
            found = [item]
        elif glob.has_magic(item):
            found = sorted(p for p in glob.glob(item) if _is_image(p))
            if not found:
                raise InputError(f'{item}: the pattern matches no image file')
        else:
            raise InputError(f'{item}: no such file or folder')
        images.extend(found)
    unique: Dict[str, str] = {}
    for path in images:
        unique.setdefault(osp.realpath(path), path)
    return list(unique.values())


def plan_outputs(images: List[str], out_dir: str, kinds: List[str],
                 force: bool) -> List[Dict[str, str]]:
    """Output paths per image, after checking names, existing files and the inputs.

    Raises:
        InputError: Two images with the same output name, an output that is an input, or an
            existing output without ``force``.
    """
    plans, owners, existing = [], {}, []
    inputs = {osp.realpath(p) for p in images}
    for image in images:
        stem = osp.splitext(osp.basename(image))[0]
        plan = {kind: osp.join(out_dir, f'{stem}{OUTPUT_SUFFIXES[kind]}.png') for kind in kinds}
        for path in plan.values():
            real = osp.realpath(path)
            if real in owners:
                raise InputError(f'{image} and {owners[real]} would both write {path}; '
                                 'rename one of them or run them separately')
            if real in inputs:
                raise InputError(f'{path} would overwrite the input image itself; choose '
                                 'another --out-dir')
            owners[real] = image
            if osp.exists(path):
                existing.append(path)
        plans.append(plan)
    if existing and not force:
        raise InputError(f'{len(existing)} output file(s) exist, e.g. {existing[0]}; pass '
                         '--force to overwrite them')
    return plans


def write_png(path: str, image: np.ndarray) -> None:
    """Write a PNG atomically: a temporary file in the same folder, renamed into place."""
    ok, encoded = cv2.imencode('.png', image)
    if not ok:
        raise RuntimeError(f'cannot encode {path}')
    with atomic_write(path) as tmp_path, open(tmp_path, 'wb') as file:
        file.write(encoded.tobytes())


def render(image: np.ndarray, blur: np.ndarray, threshold: float,
           alpha: float) -> Dict[str, np.ndarray]:
    """The blur map, binary mask and overlay images for one prediction."""
    blur_u8 = blur_map_to_uint8(blur)
    heat = cv2.applyColorMap(blur_u8, cv2.COLORMAP_JET)
    return {
        'map': blur_u8,
        'mask': np.where(blur >= threshold, 255, 0).astype(np.uint8),
        'overlay': cv2.addWeighted(image, 1.0 - alpha, heat, alpha, 0.0),
    }


def validate(args: argparse.Namespace) -> Tuple[List[str], List[Dict[str, str]]]:
    """Check every input and output before anything is built or written."""
    for name, path in (('config', args.config), ('checkpoint', args.checkpoint)):
        if not osp.isfile(path):
            raise InputError(f'{path}: no such {name} file')
    if osp.exists(args.out_dir) and not osp.isdir(args.out_dir):
        raise InputError(f'{args.out_dir}: --out-dir exists and is not a folder')
    images = collect_images(args.inputs)
    for path in tqdm(images, desc='checking images', unit='img', disable=len(images) < 20):
        # Pillow decodes all of it, which catches truncated files (OpenCV would not); the
        # prediction then decodes each image once more, as the config's loader does.
        read_image_size(path)  # ValueError naming the file
    kinds = ['map'] + (['mask'] if args.binary else []) + (['overlay'] if args.overlay else [])
    return images, plan_outputs(images, args.out_dir, kinds, args.force)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        images, plans = validate(args)
        detector = DefocusDetector(args.config, args.checkpoint, device=args.device,
                                   slide_above=args.slide_above or None,
                                   crop_size=args.crop_size, stride=args.stride)
    except (ValueError, FileNotFoundError, RuntimeError) as error:  # InputError is a ValueError
        print(f'error: {error}', file=sys.stderr)
        return 1
    os.makedirs(args.out_dir, exist_ok=True)
    for image_path, plan in zip(tqdm(images, desc='blur maps', unit='img'), plans):
        image = detector.read_image(image_path, verify=False)  # checked in validate()
        outputs = render(image, detector.predict(image), args.threshold, args.alpha)
        for kind, path in plan.items():
            write_png(path, outputs[kind])
    print(f'{len(images)} image(s) -> {args.out_dir}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
