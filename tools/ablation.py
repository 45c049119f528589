"""Table 3 of the paper on the embedded synthetic set: R²MRF against R²MRF_no_RRM and T = 1, 3, 6.

Trains and tests each variant of the main-job config (``tools/train.py``, ``tools/test.py``)
on the synthetic defocus set, then writes the Markdown table to ``<work-dir>/ablation.md`` and,
with ``--readme``, between the ``<!-- ablation:start -->`` and ``<!-- ablation:end -->``
markers of that file, with the command that produced it.

Example::

    python tools/ablation.py --readme README.md
"""
import argparse
import os.path as osp
import shlex
import sys
from typing import Tuple

import mmseg_r2mrf  # noqa: F401
from mmseg_r2mrf.cli import (
    MAIN_JOB_CONFIG,
    SYNTHETIC_DATA_ROOT,
    CommandError,
    data_root_options,
    new_work_dir,
    run_main,
    train_and_test,
)
from mmseg_r2mrf.evaluation import load_curves

#: Name -> --cfg-options of each variant of Table 3 that we run.
VARIANTS = {
    'R²MRF (T = 6)': [],
    'R²MRF_no_RRM (T = 6)': ['model.decode_head.residual=False'],
    'R²MRF, T = 1': ['model.decode_head.num_steps=1'],
    'R²MRF, T = 3': ['model.decode_head.num_steps=3'],
}
COLUMNS = ('maxF', 'meanF', 'F@0.5', 'MAE')
START, END = '<!-- ablation:start -->', '<!-- ablation:end -->'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--config', default=MAIN_JOB_CONFIG)
    parser.add_argument('--data-root', default=SYNTHETIC_DATA_ROOT,
                        help='made with tools/make_synthetic_defocus.py')
    parser.add_argument('--work-dir', help='new folder (default: work_dirs/ablation/<time>)')
    parser.add_argument('--max-iters', type=int, help='training iterations of each variant '
                        '(default: the config\'s)')
    parser.add_argument('--variants', nargs='+', choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument('--readme', help='file whose ablation markers receive the table')
    return parser.parse_args()


def ablation_table(rows: dict, command: str) -> str:
    """Markdown table of each variant's test metrics, with the command that produced it."""
    lines = ['| variant | ' + ' | '.join(COLUMNS) + ' |',
             '| --- | ' + ' | '.join('---:' for _ in COLUMNS) + ' |']
    for name, metrics in rows.items():
        lines.append(f'| {name} | ' + ' | '.join(f'{metrics[c]:.4f}' for c in COLUMNS) + ' |')
    return '\n'.join(lines) + f'\n\nProduced by `{command}`.\n'


def split_at_markers(path: str) -> Tuple[str, str]:
    """The text of ``path`` before its ablation start marker and after its end marker.

    Raises:
        ValueError: If ``path`` lacks one start marker followed by one end marker.
    """
    with open(path, encoding='utf-8') as f:
        content = f.read()
    if content.count(START) != 1 or content.count(END) != 1 or \
            content.index(START) > content.index(END):
        raise ValueError(f'{path} needs one {START} line followed by one {END} line')
    head, rest = content.split(START)
    return head, rest.split(END)[1]


def replace_between_markers(path: str, text: str) -> None:
    """Put ``text`` between the ablation markers of ``path``, leaving the rest untouched."""
    head, tail = split_at_markers(path)
    with open(path, 'w', encoding='utf-8') as f:
        f.write(f'{head}{START}\n{text}{END}{tail}')


def main() -> None:
    args = parse_args()
    if not osp.isdir(args.data_root):
        raise CommandError(f'no synthetic set in {args.data_root}; make it with '
                           f'python tools/make_synthetic_defocus.py {args.data_root}')
    work_dir = new_work_dir('ablation', args.work_dir)
    if args.readme:  # fail now rather than after hours of training; the file is written last
        split_at_markers(args.readme)
    base_options = data_root_options(args.data_root, args.max_iters)
    rows = {}
    for index, name in enumerate(args.variants):
        _, curves = train_and_test(args.config, osp.join(work_dir, f'variant{index}'),
                                   base_options + VARIANTS[name])
        rows[name] = load_curves(curves)['metrics']
    command = 'python tools/ablation.py ' + ' '.join(shlex.quote(a) for a in sys.argv[1:])
    table = ablation_table(rows, command.strip())
    with open(osp.join(work_dir, 'ablation.md'), 'w') as f:
        f.write(table)
    if args.readme:
        replace_between_markers(args.readme, table)
    print('\n' + table)


if __name__ == '__main__':
    sys.exit(run_main(main))
