"""Score a detector's large-image strategies: working resolution against full-resolution windows.

``DefocusDetector`` predicts a photograph larger than its working resolution either shrunk to
it (``resize``, the default) or at full resolution with sliding windows (``slide``). This tool
scores both on a dataset of large images with ``DefocusMetric`` and times them (seconds per
image, reading excluded), one Markdown table.

Large test images whose blur scales with their size, as a real photograph's does: render the
synthetic set at a larger scale, e.g.::

    python tools/make_synthetic_defocus.py data/synthetic_large --num-train 1 --num-val 1 \\
        --num-test 16 --size 1024 --long-side 1280 1600
    python tools/evaluate_large_images.py data/synthetic_large --pretrained

The packaged photographs are at most about 740 px long, so such renders are enlarged photos:
their sharp parts are softer than a real large photograph's.

Exit status: 0 printed; 2 a bad argument or input.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.apis.evaluate import evaluate_large_image_strategies, format_metric_rows
from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.pretrained import ReleaseIntegrityError, ReleaseNotFoundError
from mmseg_r2mrf.utils import mim_path

from mmseg.registry import DATASETS

DEFAULT_DATASET_CONFIG = '_base_/datasets/synthetic_defocus.py'  # under configs/


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('data_root', help='dataset folder of large images')
    parser.add_argument('--model', nargs=2, metavar=('CONFIG', 'CHECKPOINT'),
                        help='a model of your own (default: the released model)')
    parser.add_argument('--pretrained', nargs='?', const=None, default=None, metavar='NAME',
                        help='the release to score (default: newest)')
    parser.add_argument('--dataset-config', default=None,
                        help='config whose test_dataloader.dataset reads the folder (default: '
                        f'configs/{DEFAULT_DATASET_CONFIG})')
    parser.add_argument('--split', default='test', help='split to score (default: test)')
    parser.add_argument('--long-side', type=int, default=None,
                        help="working resolution of 'resize' (default: the model's)")
    parser.add_argument('--slide-above', type=int, default=None,
                        help="longer side above which 'slide' uses windows (default: the "
                        'working resolution)')
    args = parser.parse_args(argv)
    if not osp.isdir(args.data_root):
        parser.error(f'{args.data_root}: no such dataset folder')
    if args.model and args.pretrained:
        parser.error('--model and --pretrained exclude each other')
    for value, name in ((args.long_side, '--long-side'), (args.slide_above, '--slide-above')):
        if value is not None and value < 32:
            parser.error(f'{name} must be at least 32 pixels')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    init_default_scope('mmseg')
    dataset_config = args.dataset_config or osp.join(mim_path('configs'),
                                                     DEFAULT_DATASET_CONFIG)
    try:
        if args.model:
            detector = DefocusDetector(*args.model, long_side=args.long_side)
        else:
            detector = DefocusDetector.from_pretrained(args.pretrained, long_side=args.long_side)
        dataset_cfg = Config.fromfile(dataset_config).test_dataloader.dataset
        dataset_cfg.update(data_root=args.data_root, split=args.split)
        dataset = DATASETS.build(dataset_cfg)
    except (FileNotFoundError, ValueError, ReleaseNotFoundError,
            ReleaseIntegrityError) as error:
        raise CommandError(str(error)) from None
    detector.slide_above = args.slide_above or detector.long_side
    rows = evaluate_large_image_strategies(detector, dataset)
    labels = {'resize': f'resize (longer side {detector.long_side} px)',
              'slide': f'slide (full resolution, windows of {detector.crop_size} above '
                       f'{detector.slide_above} px)'}
    print(f'\n{args.split} split of {args.data_root}, {len(dataset)} images, '
          f'{detector.release or args.model[1]}:\n')
    print(format_metric_rows([(labels[m], metrics) for m, metrics in rows], 'strategy'))
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
