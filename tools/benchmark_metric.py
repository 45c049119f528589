"""Throughput of DefocusMetric against pysodmetrics on the same maps, and their agreement.

Both evaluate the same float32 probability maps and 0/1 masks (no ignored pixel, since
pysodmetrics has none) and produce the same numbers: MAE, the dynamic F curve (max and mean),
adaptive F, F and IoU at 0.5, and the mean P and R curves. DefocusMetric is fed as in a test run
(``process()`` on model outputs holding torch tensors, then ``compute_metrics()``);
pysodmetrics gets ``FmeasureV2`` (F-measure, precision, recall, IoU handlers) and ``MAE`` with
``normalize=False``. Each side is timed several times and the best run is reported.
pysodmetrics is a test requirement (``requirements/tests-nodeps.txt``); the reference
(:mod:`mmseg_r2mrf.evaluation.pysod_reference`) is shared with the metric's tests.

Example::

    python tools/benchmark_metric.py --num 100 --height 480 --width 640
"""
import argparse
import sys
import time
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import torch

from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.evaluation import DefocusMetric
from mmseg_r2mrf.evaluation.pysod_reference import pysod_evaluators, pysod_metrics


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='DefocusMetric vs pysodmetrics throughput')
    parser.add_argument('--num', type=int, default=100, help='number of maps (default 100)')
    parser.add_argument('--height', type=int, default=480, help='map height (default 480)')
    parser.add_argument('--width', type=int, default=640, help='map width (default 640)')
    parser.add_argument('--repeat', type=int, default=3, help='timed runs per side (best kept)')
    parser.add_argument('--seed', type=int, default=0, help='seed of the random maps')
    return parser.parse_args(argv)


def make_maps(num: int, height: int, width: int,
              seed: int) -> Tuple[List[np.ndarray], List[np.ndarray]]:
    """Smooth probability maps that roughly predict a random blurred region, and its masks."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    probs, gts = [], []
    for _ in range(num):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(50, 300)
        distance = np.hypot(xs - cx, ys - cy)
        gts.append((distance > r).astype(np.uint8))  # blurred outside a focused disc
        logit = (distance - r) / 30 + rng.normal(0, 1, (height, width)).astype(np.float32)
        probs.append((1 / (1 + np.exp(-logit))).astype(np.float32))
    return probs, gts


def run_ours(probs: List[np.ndarray], gts: List[np.ndarray]) -> dict:
    samples = [dict(img_path=f'{i}.png', seg_logits=dict(data=torch.from_numpy(p)[None]),
                    gt_sem_seg=dict(data=torch.from_numpy(g.astype(np.int64))[None]))
               for i, (p, g) in enumerate(zip(probs, gts))]
    start = time.perf_counter()
    metric = DefocusMetric()
    for sample in samples:
        metric.process({}, [sample])
    metrics = metric.compute_metrics(metric.results)
    return dict(seconds=time.perf_counter() - start, metrics=metrics)


def run_pysod(probs: List[np.ndarray], gts: List[np.ndarray]) -> dict:
    labels = [g == 1 for g in gts]  # bool masks, as pysodmetrics requires with normalize=False
    start = time.perf_counter()
    fmv2, mae = pysod_evaluators()
    for pred, label in zip(probs, labels):
        fmv2.step(pred, label, normalize=False)
        mae.step(pred, label, normalize=False)
    metrics = pysod_metrics(fmv2, mae)
    return dict(seconds=time.perf_counter() - start, metrics=metrics)


def best_of(repeat: int, run: Callable, *args) -> dict:
    runs = [run(*args) for _ in range(repeat)]
    return min(runs, key=lambda r: r['seconds'])


def main(argv: Optional[Sequence[str]] = None) -> None:
    args = parse_args(argv)
    try:
        import py_sod_metrics  # noqa: F401
    except ImportError as error:
        raise CommandError('pysodmetrics is needed for the comparison: pip install --no-deps '
                           '-r requirements/tests-nodeps.txt') from error
    probs, gts = make_maps(args.num, args.height, args.width, args.seed)
    print(f'{args.num} maps of {args.width}x{args.height}, best of {args.repeat} runs, '
          f'{torch.get_num_threads()} torch threads')
    ours = best_of(args.repeat, run_ours, probs, gts)
    reference = best_of(args.repeat, run_pysod, probs, gts)
    for name, result in (('DefocusMetric', ours), ('pysodmetrics', reference)):
        print(f'{name:>14}: {result["seconds"]:.3f} s, '
              f'{args.num / result["seconds"]:.1f} maps/s')
    print(f'       speed-up: {reference["seconds"] / ours["seconds"]:.2f}x')
    difference = max(abs(ours['metrics'][key] - value)
                     for key, value in reference['metrics'].items())
    print(f'largest difference over {sorted(reference["metrics"])}: {difference:.2e}')


if __name__ == '__main__':
    sys.exit(run_main(main))
