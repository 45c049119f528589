"""ONNX parity of real models: export each, compare ONNX Runtime with PyTorch, one table.

``tools/export_onnx.py`` checks every export on three small random images; this script checks
the models users deploy at the sizes they run: the graph on images of ``--sizes`` (an even and
an odd size by default), and the whole detector (``DefocusDetector`` against
``OnnxDefocusDetector``, both large-image strategies) on a photograph-sized image (``--large``)
whose longer side is above the working resolution. A config is exported with random weights
(parity is a property of the graph; no checkpoint or pretrained file is read), a release with
its weights::

    python tools/onnx_parity.py --configs configs/r2mrf/r2mrf_effnetlite0_synthetic.py \\
        configs/r2mrf/r2mrf_resnext101_shi.py --pretrained r2mrf_effnetlite0_synthetic-v3

``--keep-dir DIR`` keeps the exports (``DIR/<config or release name>.onnx``), e.g. for
``tools/benchmark.py --onnx``. It prints one Markdown table (largest |p_onnx - p_torch| per
size and the export time) and exits 1 if a difference exceeds the tolerance (1e-4).

Exit status: 0 all within the tolerance; 1 an export failed or differs; 2 a bad argument.
"""
import argparse
import os.path as osp
import sys
import tempfile
import time
from typing import List, Optional, Sequence, Tuple

import torch

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.analysis import random_weights_detector, synthetic_photo
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.cli import CommandError, StepFailed, run_main
from mmseg_r2mrf.deploy import PARITY_TOLERANCE, OnnxExportError, detector_parity, export_detector
from mmseg_r2mrf.pretrained import ReleaseIntegrityError, ReleaseNotFoundError


def _size(text: str) -> Tuple[int, int]:
    height, sep, width = text.lower().partition('x')
    if not sep or not height.isdigit() or not width.isdigit() or min(int(height),
                                                                     int(width)) < 32:
        raise argparse.ArgumentTypeError(f'expected HxW with both at least 32, got {text!r}')
    return int(height), int(width)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Export models to ONNX and compare ONNX '
                                     'Runtime with PyTorch at several sizes')
    parser.add_argument('--configs', nargs='+', default=[], metavar='CONFIG',
                        help='configs to export with random weights')
    parser.add_argument('--pretrained', nargs='+', default=[], metavar='NAME',
                        help='released models to export with their weights')
    parser.add_argument('--sizes', nargs='+', type=_size, default=[(320, 320), (333, 479)],
                        metavar='HxW', help='graph comparison sizes (default 320x320 333x479)')
    parser.add_argument('--large', type=_size, default=(768, 1024), metavar='HxW',
                        help='detector comparison size, above the working resolution '
                        '(default 768x1024)')
    parser.add_argument('--long-side', type=int, default=None,
                        help="working resolution of the detectors (default: each model's "
                        'train_long_side); the slide strategy uses windows above it too')
    parser.add_argument('--threads', type=int, default=None, help='torch CPU threads')
    parser.add_argument('--out', help='also write the table to this Markdown file')
    parser.add_argument('--keep-dir', metavar='DIR',
                        help='keep the exports there as <config or release name>.onnx '
                        '(default: a temporary folder, removed)')
    parser.add_argument('--force', action='store_true',
                        help='allow --out and the files of --keep-dir to be replaced')
    args = parser.parse_args(argv)
    if not args.configs and not args.pretrained:
        parser.error('name at least one model: --configs and/or --pretrained')
    for config in args.configs:
        if not config.endswith('.py') or not osp.isfile(config):
            parser.error(f'--configs {config}: no such .py config file')
    if args.long_side is not None and args.long_side < 32:
        parser.error('--long-side must be at least 32 pixels')
    if args.out and osp.exists(args.out) and not args.force:
        parser.error(f'--out {args.out} exists; pass --force to replace it')
    if args.keep_dir and not args.force:
        for name in args.configs + args.pretrained:
            path = export_path(args.keep_dir, name)
            if osp.exists(path):
                parser.error(f'--keep-dir: {path} exists; pass --force to replace it')
    return args


def export_path(folder: str, name: str) -> str:
    """Where the export of a config or release ``name`` goes in ``folder``."""
    return osp.join(folder, osp.splitext(osp.basename(name))[0] + '.onnx')


def check_model(name: str, detector: DefocusDetector, out: str,
                sizes: Sequence[Tuple[int, int]], large: Tuple[int, int]) -> dict:
    """Export one detector to ``out`` and measure its differences; the row of the table."""
    start = time.perf_counter()
    report = export_detector(detector, out, check_sizes=sizes, tolerance=float('inf'))
    seconds = time.perf_counter() - start
    detector_diffs = detector_parity(detector, out, synthetic_photo(*large),
                                     slide_above=detector.long_side)
    return dict(model=name, export_seconds=seconds, megabytes=osp.getsize(out) / 2**20,
                graph=report['max_abs_diff_by_size'], detector=detector_diffs,
                working_long_side=detector.long_side)


def format_rows(rows: List[dict], large: Tuple[int, int]) -> str:
    graph_sizes = list(rows[0]['graph'])
    modes = list(rows[0]['detector'])
    header = ['model', 'export (s)', 'file (MB)'] + [f'graph {s}' for s in graph_sizes] + [
        f'detector {large[0]}x{large[1]} {m}' for m in modes] + ['within 1e-4']
    lines = ['| ' + ' | '.join(header) + ' |', '| --- |' + ' ---: |' * (len(header) - 1)]
    for row in rows:
        diffs = list(row['graph'].values()) + list(row['detector'].values())
        ok = 'yes' if max(diffs) <= PARITY_TOLERANCE else '**no**'
        cells = [row['model'], f"{row['export_seconds']:.0f}", f"{row['megabytes']:.1f}"] + [
            f'{d:.1e}' for d in diffs] + [ok]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    rows = []
    with tempfile.TemporaryDirectory(prefix='onnx_parity_') as folder:
        export_folder = args.keep_dir or folder
        options = dict(long_side=args.long_side)
        targets = [(c, lambda c=c: random_weights_detector(c, folder, **options))
                   for c in args.configs]
        targets += [(n, lambda n=n: DefocusDetector.from_pretrained(n, **options))
                    for n in args.pretrained]
        for name, build in targets:
            try:
                detector = build()
            except (FileNotFoundError, ValueError, ReleaseNotFoundError,
                    ReleaseIntegrityError) as error:
                raise CommandError(f'{name}: {error}') from None
            try:
                rows.append(check_model(name, detector, export_path(export_folder, name),
                                        args.sizes, args.large))
            except OnnxExportError as error:
                raise StepFailed(f'{name}: {error}') from None
            print(f'{name}: done in {rows[-1]["export_seconds"]:.0f} s', flush=True)
    table = format_rows(rows, args.large)
    print(table)
    if args.out:
        with open(args.out, 'w', encoding='utf-8') as file:
            file.write(table + '\n')
    worst = max(max(list(r['graph'].values()) + list(r['detector'].values())) for r in rows)
    return 0 if worst <= PARITY_TOLERANCE else 1


if __name__ == '__main__':
    sys.exit(run_main(main))
