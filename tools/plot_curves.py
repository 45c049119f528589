"""Draw the PR and F-measure curves of several DefocusMetric results, and tabulate their metrics.

Each input is a ``defocus_curves.json`` that ``tools/test.py`` writes next to its log (one per
method or checkpoint). The figure has the PR curves and the F-measure curves side by side, with
a legend (as Figure 4 of the R²MRF paper); the Markdown table of the metrics (as its Table 1) is
printed on stdout.

Example::

    python tools/plot_curves.py work_dirs/a/20250101_000000/defocus_curves.json \\
        work_dirs/b/20250102_000000/defocus_curves.json --labels R2MRF-R R2MRF-E \\
        --out shi_curves.png
"""
import argparse
import os
import os.path as osp
import sys
from typing import List, Optional

from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.evaluation import load_curves, metrics_table, plot_curves


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Plot PR and F-measure curves of DefocusMetric results; print a metric table')
    parser.add_argument('results', nargs='+', help='defocus_curves.json files')
    parser.add_argument('--labels', nargs='+',
                        help='legend and table names, one per file (default: the last two '
                             'folders of a defocus_curves.json, the file name of others)')
    parser.add_argument('--out', default='curves.png',
                        help='the figure to write (png, pdf, svg...); default: curves.png')
    parser.add_argument('--force', '--overwrite', dest='force', action='store_true',
                        help='replace an existing --out (--overwrite: its former name)')
    return parser.parse_args(argv)


def default_label(path: str) -> str:
    """A short name for a curves file: ``<work dir>/<timestamp>`` for tools/test.py's files."""
    folder, name = osp.split(osp.abspath(path))
    if name != 'defocus_curves.json':
        return osp.splitext(name)[0]
    return '/'.join(folder.split(os.sep)[-2:])


def main(argv: Optional[List[str]] = None) -> str:
    """Run the tool.

    Args:
        argv (list[str], optional): Command-line arguments; ``sys.argv[1:]`` if None.

    Returns:
        str: The Markdown table (also printed).
    """
    args = parse_args(argv)
    labels = args.labels or [default_label(path) for path in args.results]
    if len(labels) != len(args.results):
        raise CommandError(f'{len(labels)} labels for {len(args.results)} result files')
    if osp.exists(args.out) and not args.force:
        raise CommandError(f'{args.out} exists; pass --force to replace it')
    try:
        results = [load_curves(path) for path in args.results]
    except (OSError, ValueError) as error:
        raise CommandError(str(error)) from error
    if len({(r['positive'], r['beta2']) for r in results}) > 1:
        print('Note: the results use different positive classes or beta2; their numbers are not '
              'comparable.', file=sys.stderr)
    plot_curves(results, args.out, labels)
    table = metrics_table(results, labels)
    print(table)
    print(f'\nCurves saved to {args.out}', file=sys.stderr)
    return table


if __name__ == '__main__':
    sys.exit(run_main(main))
