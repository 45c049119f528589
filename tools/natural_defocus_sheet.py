"""Blur maps of photographs with natural shallow depth of field, beside the classic baseline.

The photographs ship in installed packages (scikit-image's ``chelsea``, scikit-learn's
``flower.jpg``); they are never used to train (their defocus is real, so they cannot be
labelled by the synthetic renderer). There are no labels: the sheet is for looking at.

Example::

    python tools/natural_defocus_sheet.py docs/natural_defocus.png           # released model
    python tools/natural_defocus_sheet.py out.png --config CONFIG --checkpoint CKPT
"""
import argparse
import os.path as osp
import sys

import numpy as np

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.baselines import LaplacianEnergyBaseline
from mmseg_r2mrf.cli import run_main
from mmseg_r2mrf.visualization import save_prediction_sheet


def natural_defocus_photos() -> dict:
    """``{name: BGR uint8 image}`` of the packaged photographs with real defocus."""
    import skimage.data
    import sklearn.datasets
    photos = {'chelsea (scikit-image)': skimage.data.chelsea(),
              'flower.jpg (scikit-learn)': sklearn.datasets.load_sample_image('flower.jpg')}
    return {name: np.ascontiguousarray(rgb[..., ::-1]) for name, rgb in photos.items()}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('out', help='PNG file to write')
    parser.add_argument('--pretrained', help='release name (default: the newest)')
    parser.add_argument('--config', help='a config, with --checkpoint, instead of a release')
    parser.add_argument('--checkpoint', help='checkpoint of --config')
    parser.add_argument('--force', action='store_true', help='replace an existing OUT')
    args = parser.parse_args(argv)
    if (args.config is None) != (args.checkpoint is None):
        parser.error('--config and --checkpoint go together')
    if osp.exists(args.out) and not args.force:
        parser.error(f'{args.out} exists; pass --force to replace it')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.config is not None:
        detector = DefocusDetector(args.config, args.checkpoint)
        model_title = f'R²MRF ({osp.basename(args.checkpoint)})'
    else:
        detector = DefocusDetector.from_pretrained(args.pretrained)
        model_title = f'R²MRF ({detector.release})'
    baseline = LaplacianEnergyBaseline()
    rows = [dict(title=name, image=image, label=None,
                 maps={model_title: detector.predict(image),
                       'Laplacian-energy baseline': baseline(image)})
            for name, image in natural_defocus_photos().items()]
    save_prediction_sheet(rows, args.out)
    print(f'wrote {args.out} (white = blurred)')
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
