"""Where a model's test error is: its per-image scores grouped by what the images show.

``tools/test.py`` saves each image's scores as ``defocus_per_image.csv`` beside the curves
(``image, MAE, F@maxF, F@0.5, IoU@0.5``; ``F@maxF`` is the image's F at the threshold of the
reported maxF, so the column averages to maxF). This tool prints, as Markdown, the images
with the lowest F and, for a synthetic set (its generator's ``meta.json``), the scores grouped
by scene layout, source photograph or any other field the generator records per crop (a numeric
field such as ``sky_share`` or ``max_radius`` in ``--bins`` quantile ranges).
"Points missed" is the sum of ``1 - F@maxF`` over a group's images: how much of the gap between
maxF and 1 the group holds (divide by the number of images for the share of maxF).
``--baseline OTHER.csv`` (another model's scores on the same images) adds which images a change
helped or hurt: the counts and the images whose F changed most. Each file's ``F@maxF`` is at its
own model's maxF threshold, so the changes sum to the difference of the two maxF.

Example::

    python tools/test.py CONFIG CHECKPOINT --work-dir work_dirs/test
    python tools/analyze_errors.py work_dirs/test/20261207_010000/defocus_per_image.csv \\
        --meta data/synthetic_defocus_2400/meta.json --by scene photo --worst 8
    python tools/analyze_errors.py NEW/defocus_per_image.csv --baseline OLD/defocus_per_image.csv
"""
import argparse
import csv
import json
import os.path as osp
import sys
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np

from mmseg_r2mrf.cli import CommandError, run_main

#: Columns that ``defocus_per_image.csv`` must have for this tool.
REQUIRED_COLUMNS = ('image', 'MAE', 'F@maxF')


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Group DefocusMetric's per-image scores (defocus_per_image.csv)")
    parser.add_argument('scores', help='defocus_per_image.csv written by tools/test.py')
    parser.add_argument('--meta', help="a synthetic set's meta.json, to group by its fields")
    parser.add_argument('--by', nargs='+', default=['scene', 'photo'],
                        help='meta.json sample fields to group by (default: scene photo)')
    parser.add_argument('--bins', type=int, default=4,
                        help='numeric fields with more distinct values are grouped in this '
                        'many quantile ranges (default 4)')
    parser.add_argument('--worst', type=int, default=10,
                        help='how many of the lowest-F images to list (default 10; 0: none)')
    parser.add_argument('--baseline', metavar='OTHER.csv',
                        help="another model's defocus_per_image.csv on the same images: list "
                        'the images whose F changed most')
    parser.add_argument('--changes', type=int, default=10,
                        help='with --baseline, how many of the largest changes to list '
                        '(default 10)')
    return parser.parse_args(argv)


def read_scores(path: str) -> List[dict]:
    """The rows of a ``defocus_per_image.csv``, scores as floats.

    Raises:
        CommandError: No such file, a missing column, a score that is not a number, or no row.
    """
    if not osp.isfile(path):
        raise CommandError(f'no such file: {path}')
    with open(path, newline='') as file:
        reader = csv.DictReader(file)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(f'{path}: no column {", ".join(missing)}; expected the '
                               'defocus_per_image.csv that tools/test.py writes')
        rows = []
        for line, row in enumerate(reader, start=2):
            try:
                rows.append({key: (value if key == 'image' else float(value))
                             for key, value in row.items()})
            except (TypeError, ValueError) as error:
                raise CommandError(f'{path}, line {line}: {error}') from error
    if not rows:
        raise CommandError(f'{path}: no image rows')
    return rows


def read_meta(path: str, rows: Sequence[dict]) -> Dict[str, dict]:
    """The generator's record of each scored image, by image path.

    Raises:
        CommandError: No such file, not a synthetic set's meta.json, or a scored image it does
            not describe.
    """
    if not osp.isfile(path):
        raise CommandError(f'no such file: {path}')
    try:
        with open(path) as file:
            samples = json.load(file)['samples']
        by_name = {sample['name']: sample for sample in samples}
    except (ValueError, KeyError, TypeError) as error:
        raise CommandError(f'{path}: not the meta.json of tools/make_synthetic_defocus.py '
                           f'({error!r})') from error
    meta = {}
    for row in rows:
        name = osp.splitext(osp.basename(row['image']))[0]
        if name not in by_name:
            raise CommandError(f'{path} does not describe {row["image"]}: scores of another set?')
        meta[row['image']] = by_name[name]
    return meta


def group_labels(values: Sequence[object], bins: int) -> List[str]:
    """A group name per value: the value itself, or for a numeric field with more than ``bins``
    distinct values (a blur radius, a sky share) the quantile range it falls in."""
    numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
    if not numeric or len(set(values)) <= bins:
        return [str(v) for v in values]
    edges = np.unique(np.quantile(np.asarray(values, dtype=float), np.linspace(0, 1, bins + 1)))
    # Right-open ranges, the last one closed: every value, the maximum included, has one.
    index = np.clip(np.searchsorted(edges, values, side='right') - 1, 0, len(edges) - 2)
    return [f'{edges[i]:.4g} to {edges[i + 1]:.4g}' for i in index]


def group_table(rows: Sequence[dict], meta: Dict[str, dict], field: str, bins: int = 4) -> str:
    """Markdown table of the rows grouped by one meta.json field, most points missed first."""
    for row in rows:
        if field not in meta[row['image']]:
            raise CommandError(f'the generator recorded no {field!r} for {row["image"]}; '
                               f'fields: {", ".join(sorted(meta[row["image"]]))}')
    groups = defaultdict(list)
    labels = group_labels([meta[row['image']][field] for row in rows], bins)
    for row, label in zip(rows, labels):
        groups[label].append(row)
    lines = [f'| {field} | images | mean F@maxF | points missed | MAE |',
             '| --- | ---: | ---: | ---: | ---: |']
    summary = []
    for value, members in groups.items():
        f = np.array([r['F@maxF'] for r in members])
        summary.append((float(np.sum(1 - f)), value, len(members), float(f.mean()),
                        float(np.mean([r['MAE'] for r in members]))))
    for missed, value, count, mean_f, mae in sorted(summary, reverse=True):
        lines.append(f'| {value} | {count} | {mean_f:.3f} | {missed:.2f} | {mae:.4f} |')
    return '\n'.join(lines)


def worst_table(rows: Sequence[dict], meta: Optional[Dict[str, dict]], fields: Sequence[str],
                count: int) -> str:
    """Markdown table of the ``count`` images with the lowest F@maxF."""
    shown = list(fields) if meta is not None else []
    lines = ['| image | ' + ''.join(f'{f} | ' for f in shown) + 'F@maxF | MAE |',
             '| --- | ' + '--- | ' * len(shown) + '---: | ---: |']
    for row in sorted(rows, key=lambda r: r['F@maxF'])[:count]:
        cells = ''.join(f'{meta[row["image"]].get(f, "")} | ' for f in shown)
        lines.append(f'| {osp.basename(row["image"])} | {cells}{row["F@maxF"]:.3f} | '
                     f'{row["MAE"]:.4f} |')
    return '\n'.join(lines)


def change_table(rows: Sequence[dict], baseline_rows: Sequence[dict], count: int,
                 tolerance: float = 0.005) -> str:
    """How each image's F@maxF and MAE changed from a baseline model's, largest changes first.

    Args:
        rows (Sequence[dict]): This model's scores.
        baseline_rows (Sequence[dict]): The baseline's scores on the same images.
        count (int): How many images to list.
        tolerance (float): F changes up to this size count as unchanged.

    Raises:
        CommandError: The two files do not score the same images.
    """
    baseline = {row['image']: row for row in baseline_rows}
    if set(baseline) != {row['image'] for row in rows}:
        missing = sorted({row['image'] for row in rows} ^ set(baseline))
        raise CommandError(f'the baseline scores other images ({len(missing)} not in both, '
                           f'e.g. {missing[0]}): compare scores of the same test split')
    change = np.array([row['F@maxF'] - baseline[row['image']]['F@maxF'] for row in rows])
    base_f = np.mean([row['F@maxF'] for row in baseline_rows])
    base_mae = np.mean([row['MAE'] for row in baseline_rows])
    lines = [f'Against the baseline (maxF {base_f:.4f}, MAE {base_mae:.4f}): maxF '
             f'{change.mean():+.4f}, {int(np.sum(change > tolerance))} images better, '
             f'{int(np.sum(change < -tolerance))} worse (F changed by more than {tolerance})',
             '',
             '| image | baseline F@maxF | F@maxF | change | baseline MAE | MAE |',
             '| --- | ---: | ---: | ---: | ---: | ---: |']
    for index in np.argsort(-np.abs(change), kind='stable')[:count]:
        row = rows[index]
        old = baseline[row['image']]
        lines.append(f'| {osp.basename(row["image"])} | {old["F@maxF"]:.3f} | '
                     f'{row["F@maxF"]:.3f} | {change[index]:+.3f} | {old["MAE"]:.4f} | '
                     f'{row["MAE"]:.4f} |')
    return '\n'.join(lines)


def main(argv: Optional[List[str]] = None) -> str:
    """Run the tool.

    Args:
        argv (list[str], optional): Command-line arguments; ``sys.argv[1:]`` if None.

    Returns:
        str: The Markdown report (also printed).
    """
    args = parse_args(argv)
    if args.worst < 0:
        raise CommandError(f'--worst must be 0 or more, got {args.worst}')
    if args.bins < 1:
        raise CommandError(f'--bins must be 1 or more, got {args.bins}')
    if args.changes < 1:
        raise CommandError(f'--changes must be 1 or more, got {args.changes}')
    rows = read_scores(args.scores)
    meta = read_meta(args.meta, rows) if args.meta else None
    f = np.array([r['F@maxF'] for r in rows])
    parts = [f'{len(rows)} images: maxF {f.mean():.4f} (points missed {np.sum(1 - f):.2f}), '
             f'MAE {np.mean([r["MAE"] for r in rows]):.4f}']
    if meta is not None:
        parts += [group_table(rows, meta, field, args.bins) for field in args.by]
    if args.worst:
        parts.append(worst_table(rows, meta, args.by, args.worst))
    if args.baseline:
        parts.append(change_table(rows, read_scores(args.baseline), args.changes))
    report = '\n\n'.join(parts)
    print(report)
    return report


if __name__ == '__main__':
    sys.exit(run_main(main))
