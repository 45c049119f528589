"""Score a trained model with and without the guided-filter refinement of its maps.

Each setting (none, then every ``--radius`` x ``--eps``) predicts the split with
``DefocusDetector`` (``model.refine_cfg``; the weights are the same) and is scored by
``DefocusMetric``; one Markdown table is printed. Choose on the validation split, report on
the test split.

Example::

    python tools/evaluate_refinement.py configs/r2mrf/r2mrf_effnetlite0_synthetic-release.py \\
        work_dirs/release/iter_1000.pth --data-root data/synthetic_defocus --split val
"""
import argparse
import itertools
import sys

from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.apis.evaluate import evaluate_predictor, format_metric_rows
from mmseg_r2mrf.cli import run_main

from mmseg.registry import DATASETS


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config', help='config of the model (and of its test dataset)')
    parser.add_argument('checkpoint', help='trained checkpoint')
    parser.add_argument('--data-root', help="dataset folder (default: the config's)")
    parser.add_argument('--split', default='val', help='split to score (default: val)')
    parser.add_argument('--radius', type=int, nargs='+', default=[4, 8, 16],
                        help='guided-filter radii in input pixels (default: 4 8 16)')
    parser.add_argument('--eps', type=float, nargs='+', default=[1e-3, 1e-2],
                        help='guided-filter regularisations (default: 1e-3 1e-2)')
    args = parser.parse_args(argv)
    if min(args.radius) < 1 or min(args.eps) <= 0:
        parser.error('--radius must be >= 1 and --eps > 0')
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    init_default_scope('mmseg')
    config = Config.fromfile(args.config)
    dataset_cfg = config.test_dataloader.dataset
    dataset_cfg.split = args.split
    if args.data_root is not None:
        dataset_cfg.data_root = args.data_root
    dataset = DATASETS.build(dataset_cfg)
    settings = [None] + [dict(type='GuidedFilterRefiner', radius=radius, eps=eps)
                         for radius, eps in itertools.product(args.radius, args.eps)]
    rows = []
    for refine_cfg in settings:
        config.model.refine_cfg = refine_cfg
        detector = DefocusDetector(config, args.checkpoint)
        metrics = evaluate_predictor(detector.predict, dataset)
        label = 'none' if refine_cfg is None else \
            f"guided filter r={refine_cfg['radius']}, eps={refine_cfg['eps']:g}"
        rows.append((label, metrics))
    print(f'\n{args.split} split of {dataset_cfg.data_root}, {len(dataset)} images:\n')
    print(format_metric_rows(rows, 'refinement'))
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
