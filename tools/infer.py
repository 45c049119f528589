"""Predict defocus blur maps for images, a folder or a glob, with a released or trained model.

Two forms::

    python tools/infer.py INPUTS... --out-dir D [--pretrained NAME]
    python tools/infer.py CONFIG CHECKPOINT INPUTS... --out-dir D

The first uses a released model that ships with the package (offline; the newest, or
``--pretrained NAME``, see ``DefocusDetector.list_pretrained()``); a ``.py`` config and a
checkpoint as the first two arguments select the second.

For each image ``<stem>.<ext>`` it writes, into ``--out-dir``:

* ``<stem>.png``: the blur map, ``floor(255 x probability)`` (255 = blurred), at the image's
  size: the levels of DefocusMetric's curves, as ``tools/test.py --out`` saves them;
* ``<stem>_mask.png`` with ``--binary``: 255 where the probability is >= ``--threshold``;
* ``<stem>_overlay.png`` with ``--overlay``: the blur map in colour over the image;

and with ``--summary FILE.csv`` (or ``.json``) one row per image: ``image``,
``blurred_fraction`` (share of pixels >= ``--threshold``), ``mean_blur_probability`` and the
bounding box of the in-focus pixels (< ``--threshold``) ``focus_x0, focus_y0, focus_x1,
focus_y1`` in pixels (column x, row y, origin top-left; x0/y0 inclusive, x1/y1 exclusive, so
the box is ``image[y0:y1, x0:x1]``), empty (JSON: null) when nothing is in focus.

Everything is checked before anything is written: the paths, no two outputs with the same
name, no existing output unless ``--force``, no output onto an input, the model (a checkpoint
that does not fit its config is an error, unless ``--allow-partial``), and every image decoded
by the reader that predicts (as the config's test pipeline reads it: e.g. with or without a
JPEG's EXIF orientation; truncated files and samples it cannot read, such as float32 TIFFs,
are named). Each file is written atomically (a temporary file renamed into place), so no
half-written file is left under an output's name, with the mode the umask gives.

Exit status: 0 done; 2 a bad argument or input, nothing written; 1 an error while writing (a
full disk: the file is named; outputs of the images before it are complete) or an image that
changed after its check.

Large photographs are predicted at the model's working resolution: an image whose longer side
exceeds ``--long-side`` (default: the config's ``train_long_side``, the scale the model learned
blur at) is shrunk to it and its map enlarged back to the image's size. ``--full-resolution``
predicts at full resolution instead, with a sliding window above ``--slide-above`` pixels.

Example::

    python tools/infer.py photos/ --out-dir blur_maps --binary --summary blur.csv
    python tools/infer.py configs/r2mrf/r2mrf_effnetlite0_synthetic.py \\
        work_dirs/r2mrf_effnetlite0_synthetic/iter_6000.pth photos/ --out-dir blur_maps
"""
import argparse
import csv
import glob
import io
import json
import os
import os.path as osp
import pickle
import sys
from typing import Dict, List, Optional, Tuple, Union

import cv2
import numpy as np
from mmengine.utils import scandir
from tqdm import tqdm

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import SUMMARY_FIELDS, DefocusDetector, summarize_blur_map
from mmseg_r2mrf.cli import CommandError, StepFailed, add_allow_partial_argument, run_main
from mmseg_r2mrf.datasets.defocus_dataset import IMAGE_SUFFIXES
from mmseg_r2mrf.structures import blur_map_to_uint8
from mmseg_r2mrf.utils import atomic_write
from mmseg_r2mrf_onnx import OnnxDefocusDetector

#: The datasets' image types, and WebP, common among photographs to predict.
IMAGE_EXTENSIONS = IMAGE_SUFFIXES + ('.webp', )
OUTPUT_SUFFIXES = {'map': '', 'mask': '_mask', 'overlay': '_overlay'}
SUMMARY_FORMATS = ('.csv', '.json')
CHECKPOINT_EXTENSIONS = ('.pth', '.pt', '.ckpt')
#: What a bad input, config, checkpoint or release raises (InputError is a ValueError; an
#: unsafe checkpoint is an UnpicklingError; CUDA asked for without CUDA a RuntimeError).
INPUT_ERRORS = (ValueError, FileNotFoundError, RuntimeError, pickle.UnpicklingError)


class InputError(ValueError):
    """A bad input path, image or output location; the message names it."""


class OutputError(OSError):
    """An output that could not be written; the message names it."""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Predict defocus blur maps with a released model (no CONFIG CHECKPOINT) '
        'or a trained one',
        usage='%(prog)s [CONFIG CHECKPOINT] INPUTS... --out-dir D [options]')
    parser.add_argument('paths', nargs='+', metavar='[CONFIG CHECKPOINT] INPUTS',
                        help='image files, folders (their images, not recursive) or quoted '
                        'glob patterns; before them optionally a model config (.py) and its '
                        'checkpoint, otherwise the released model is used')
    parser.add_argument('--out-dir', required=True, help='folder for the outputs')
    parser.add_argument('--pretrained', metavar='NAME',
                        help='released model to use (default: the newest installed); not '
                        'with CONFIG CHECKPOINT')
    parser.add_argument('--onnx', metavar='MODEL.onnx',
                        help='predict with ONNX Runtime from a file of tools/export_onnx.py '
                        '(no CONFIG CHECKPOINT, no --pretrained)')
    parser.add_argument('--binary', action='store_true',
                        help='also write a binary mask <stem>_mask.png (0/255)')
    parser.add_argument('--threshold', type=float, default=0.5,
                        help='probability from which a pixel is blurred, for --binary and '
                        '--summary (default 0.5)')
    parser.add_argument('--overlay', action='store_true',
                        help='also write the blur map over the image, <stem>_overlay.png')
    parser.add_argument('--alpha', type=float, default=0.5,
                        help='opacity of the blur map in --overlay (default 0.5)')
    parser.add_argument('--summary', metavar='FILE',
                        help='also write one row per image to FILE.csv or FILE.json: image, '
                        'blurred_fraction, mean_blur_probability and the in-focus bounding '
                        'box focus_x0, focus_y0 (inclusive), focus_x1, focus_y1 (exclusive) '
                        'in pixels, empty/null when nothing is in focus')
    parser.add_argument('--device', default='cpu', choices=['cpu', 'cuda'],
                        help='device (default cpu)')
    parser.add_argument('--long-side', type=int, default=None,
                        help="working resolution: longer side (px) to which larger images are "
                        "shrunk before predicting (default: the config's train_long_side)")
    parser.add_argument('--full-resolution', action='store_true',
                        help='predict large images at full resolution, with a sliding window '
                        'above --slide-above (slower; see the README)')
    parser.add_argument('--slide-above', type=int, default=1024,
                        help='with --full-resolution: longer side (px) above which a sliding '
                        'window is used; 0 = never (default 1024)')
    parser.add_argument('--crop-size', type=int, default=512, help='sliding-window crop')
    parser.add_argument('--stride', type=int, default=384, help='sliding-window stride')
    add_allow_partial_argument(parser)
    parser.add_argument('--force', action='store_true',
                        help='overwrite existing outputs (and the --summary file)')
    args = parser.parse_args(argv)
    if not 0.0 <= args.threshold <= 1.0:
        parser.error('--threshold must be in [0, 1]')
    if not 0.0 <= args.alpha <= 1.0:
        parser.error('--alpha must be in [0, 1]')
    if args.long_side is not None and args.long_side < 32:
        parser.error('--long-side must be at least 32 pixels')
    if args.summary and not args.summary.lower().endswith(SUMMARY_FORMATS):
        parser.error(f'--summary must end with {" or ".join(SUMMARY_FORMATS)}, got '
                     f'{args.summary}')
    if args.onnx and (args.pretrained or args.allow_partial):
        parser.error('--onnx runs an exported model: not with --pretrained or --allow-partial')
    if args.paths[0].lower().endswith('.py'):
        if args.onnx:
            parser.error('--onnx runs an exported model: give it without CONFIG CHECKPOINT')
        if len(args.paths) < 3:
            parser.error('CONFIG CHECKPOINT must be followed by at least one input')
        if args.pretrained:
            parser.error('--pretrained selects a released model: give it without CONFIG '
                         'CHECKPOINT')
        args.config, args.checkpoint, args.inputs = args.paths[0], args.paths[1], args.paths[2:]
    else:
        if args.paths[0].lower().endswith(CHECKPOINT_EXTENSIONS):
            parser.error(f'{args.paths[0]} looks like a checkpoint: give its config (.py) '
                         'before it, CONFIG CHECKPOINT INPUTS...')
        args.config = args.checkpoint = None
        args.inputs = args.paths
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


def plan_outputs(images: List[str], out_dir: str, kinds: List[str], force: bool,
                 summary: Optional[str] = None) -> List[Dict[str, str]]:
    """Output paths per image, after checking names, existing files and the inputs.

    Args:
        images (list[str]): The input images.
        out_dir (str): The output folder.
        kinds (list[str]): Keys of :data:`OUTPUT_SUFFIXES` to write.
        force (bool): Whether existing outputs may be overwritten.
        summary (str, optional): The ``--summary`` file, checked as the outputs are.

    Returns:
        list[dict[str, str]]: Kind -> output path, per image.

    Raises:
        InputError: Two images with the same output name, an output that is an input (or
            the summary file), or an existing output without ``force``.
    """
    plans, owners, existing = [], {}, []
    inputs = {osp.realpath(p) for p in images}

    def claim(path: str, owner: str) -> None:
        real = osp.realpath(path)
        if real in owners:
            raise InputError(f'{owner} and {owners[real]} would both write {path}; rename one '
                             'of them or run them separately')
        if real in inputs:
            raise InputError(f'{path} would overwrite the input image itself; choose another '
                             f'{"--summary" if owner == "--summary" else "--out-dir"}')
        owners[real] = owner
        if osp.isdir(path):
            raise InputError(f'{path} is a folder, not a file')
        if osp.exists(path):
            existing.append(path)

    if summary:
        claim(summary, '--summary')
    for image in images:
        stem = osp.splitext(osp.basename(image))[0]
        plan = {kind: osp.join(out_dir, f'{stem}{OUTPUT_SUFFIXES[kind]}.png') for kind in kinds}
        for path in plan.values():
            claim(path, image)
        plans.append(plan)
    if existing and not force:
        raise InputError(f'{len(existing)} output file(s) exist, e.g. {existing[0]}; pass '
                         '--force to overwrite them')
    return plans


def _write_bytes(path: str, data: bytes) -> None:
    """Write a file atomically; an I/O error (a full disk) becomes an error naming it."""
    try:
        with atomic_write(path) as tmp_path, open(tmp_path, 'wb') as file:
            file.write(data)
    except OSError as error:
        raise OutputError(f'cannot write {path}: {error.strerror or error}') from error


def write_png(path: str, image: np.ndarray) -> None:
    """Write a PNG atomically: a temporary file in the same folder, renamed into place."""
    ok, encoded = cv2.imencode('.png', image)
    if not ok:
        raise RuntimeError(f'cannot encode {path}')
    _write_bytes(path, encoded.tobytes())


def write_summary(path: str, rows: List[dict]) -> None:
    """Write the summary rows as CSV (a header row, empty cells for no box) or JSON (null)."""
    if path.lower().endswith('.json'):
        text = json.dumps(rows, indent=2) + '\n'
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=SUMMARY_FIELDS, lineterminator='\n')
        writer.writeheader()
        writer.writerows(rows)  # None is written as an empty cell
        text = buffer.getvalue()
    folder = osp.dirname(osp.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as error:
        raise OutputError(f'cannot create the folder {folder}: {error.strerror or error}') \
            from error
    _write_bytes(path, text.encode('utf-8'))


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
    """Check the paths and outputs before the model is built or anything is written."""
    for name, path in (('config', args.config), ('checkpoint', args.checkpoint)):
        if path is not None and not osp.isfile(path):
            raise InputError(f'{path}: no such {name} file')
    if osp.exists(args.out_dir) and not osp.isdir(args.out_dir):
        raise InputError(f'{args.out_dir}: --out-dir exists and is not a folder')
    images = collect_images(args.inputs)
    kinds = ['map'] + (['mask'] if args.binary else []) + (['overlay'] if args.overlay else [])
    return images, plan_outputs(images, args.out_dir, kinds, args.force, args.summary)


def build_detector(args: argparse.Namespace) -> Union[DefocusDetector, OnnxDefocusDetector]:
    """The detector of CONFIG CHECKPOINT, of an exported model (--onnx), or of a release."""
    options = dict(device=args.device, slide_above=args.slide_above or None,
                   large_image='slide' if args.full_resolution else 'resize',
                   long_side=args.long_side,
                   crop_size=args.crop_size, stride=args.stride,
                   allow_partial=args.allow_partial)
    if args.onnx:
        del options['allow_partial']
        device = options.pop('device')
        providers = (['CUDAExecutionProvider', 'CPUExecutionProvider'] if device == 'cuda' else
                     ['CPUExecutionProvider'])
        return OnnxDefocusDetector(args.onnx, providers=providers, **options)
    if args.config is None:
        return DefocusDetector.from_pretrained(args.pretrained, **options)
    return DefocusDetector(args.config, args.checkpoint, **options)


def check_images(detector: DefocusDetector, images: List[str]) -> None:
    """Decode every image with the reader that predicts, so that none fails after writing.

    Pillow decodes all of a file (which catches a truncated one; OpenCV would not), then the
    config's loader decodes it as the prediction will, which refuses what Pillow reads but it
    cannot (e.g. float32 TIFFs). Each image is decoded once more to predict: holding them all
    in memory instead would not scale to a folder of photographs.

    Raises:
        ValueError: Naming the first image that cannot be read, and why.
    """
    for path in tqdm(images, desc='checking images', unit='img', disable=len(images) < 20):
        detector.read_image(path)


def predict_and_write(detector: DefocusDetector, images: List[str],
                      plans: List[Dict[str, str]], args: argparse.Namespace) -> None:
    """Predict every image, write its outputs, then the summary."""
    os.makedirs(args.out_dir, exist_ok=True)
    rows = []
    for image_path, plan in zip(tqdm(images, desc='blur maps', unit='img'), plans):
        image = detector.read_image(image_path, verify=False)  # checked in check_images()
        blur = detector.predict(image)
        outputs = render(image, blur, args.threshold, args.alpha)
        for kind, path in plan.items():
            write_png(path, outputs[kind])
        if args.summary:
            rows.append(summarize_blur_map(blur, args.threshold, image=image_path))
    if args.summary:
        write_summary(args.summary, rows)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        images, plans = validate(args)
        detector = build_detector(args)
        check_images(detector, images)
    except INPUT_ERRORS as error:
        raise CommandError(str(error)) from None
    except OSError as error:  # e.g. a full disk: mmengine copies a config to a temporary file
        raise StepFailed(f'cannot load the model: {error}') from None
    try:
        predict_and_write(detector, images, plans, args)
    except (OSError, ValueError) as error:  # OutputError; an image changed since its check
        raise StepFailed(f'{error}; the outputs written before it are complete (rerun with '
                         '--force once it is fixed)') from None
    print(f'{len(images)} image(s) -> {args.out_dir}'
          + (f', summary {args.summary}' if args.summary else ''))
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
