"""Reproduce R²MRF's Table 1 and Table 3 on a GPU: the commands, the runs, one results table.

The paper's protocol: each model is trained once on Shi et al.'s 604 training images (6k
iterations) and its last checkpoint is tested on Shi's 100 test images and on DUT-DBD's 500
test images. Every row of the paper's tables that the configs cover is listed in :data:`ROWS`;
rows that differ only at test time (R²MRF_O1..O5, R²MRF_Step_6) reuse R²MRF's training run.

By default the tool prints the commands, with an estimate of the GPU time; ``--run`` runs
them (a finished training or test is not run again, an interrupted training resumes), then
writes the table; ``--collect`` writes the table from whatever results exist. The table puts
the paper's F_beta and MAE beside ours (``maxF_meanPR``, which is how we read the paper's
F_beta, ``maxF`` and ``MAE`` of :class:`~mmseg_r2mrf.evaluation.DefocusMetric`).

Example::

    python tools/reproduce.py --shi-root data/shi --dut-root data/dut          # the commands
    python tools/reproduce.py --shi-root data/shi --dut-root data/dut --run    # run them
    python tools/reproduce.py --rows table1 --collect                          # the table
"""
import argparse
import glob
import os
import os.path as osp
import shlex
import sys
from typing import Dict, List, NamedTuple, Optional, Sequence, Tuple

from mmengine.config import Config

import mmseg_r2mrf  # noqa: F401
from mmseg_r2mrf.cli import CommandError, run_main, run_tool
from mmseg_r2mrf.evaluation import CURVES_JSON, load_curves, metrics_table
from mmseg_r2mrf.evaluation.paper_results import TABLE1, TABLE3, TRAINING_HOURS_1080TI
from mmseg_r2mrf.utils import mim_path

# Config paths are relative to the configs folder (mim_path('configs')).
CONFIGS = 'r2mrf'
ABLATIONS = 'r2mrf/ablations'
#: --cfg-options that turn a Shi config's test set into DUT-DBD's 500 test images, as the
#: ``*_shi-to-dut.py`` configs do (tests/test_tools/test_reproduce.py checks they agree); the
#: data root is added by :func:`test_command`.
DUT_TEST_OPTIONS = ('test_dataloader.dataset.type=DUTDefocusDataset', )
DATASETS = ('shi', 'dut')
DATASET_NAMES = dict(shi='Shi', dut='DUT')
#: The metric columns of the table: the paper's beside ours.
COLUMNS = ('Fβ (paper)', 'maxF_meanPR', 'maxF', 'MAE (paper)', 'MAE')

#: Training runs: name -> the Shi config that tools/train.py trains (under configs/).
RUNS: Dict[str, str] = {
    'r2mrf': f'{CONFIGS}/r2mrf_resnext101_shi.py',
    'no-rrm': f'{ABLATIONS}/r2mrf_resnext101_no-rrm_shi.py',
    **{f'step{t}': f'{ABLATIONS}/r2mrf_resnext101_step{t}_shi.py'
       for t in range(1, 9) if t != 6},  # T = 6 is R²MRF itself
    'vgg16': f'{CONFIGS}/r2mrf_vgg16_shi.py',
    'densenet161': f'{CONFIGS}/r2mrf_densenet161_shi.py',
    'wide': f'{CONFIGS}/r2mrf-wide_resnext101_shi.py',
}


class Row(NamedTuple):
    """One row of the paper's tables, and how we compute it.

    Attributes:
        name (str): The paper's name of the row.
        group (str): ``'table1'``, ``'table3'`` or ``'extra'`` (not in the paper).
        run (str): The training run (a key of :data:`RUNS`).
        shi_config (str): Config that tests the run's checkpoint on Shi's test images.
        dut_config (str, optional): Config that tests it on DUT's; None: ``shi_config`` with
            :data:`DUT_TEST_OPTIONS`.
        paper (dict, optional): The paper's ``{'shi': (F_beta, MAE), 'dut': ...}``.
    """
    name: str
    group: str
    run: str
    shi_config: str
    dut_config: Optional[str]
    paper: Optional[dict]

    @property
    def slug(self) -> str:
        """Folder name of the row's tests: rows with the same tests share it."""
        return osp.splitext(osp.basename(self.shi_config))[0]


def _shi_and_dut(backbone: str, prefix: str = 'r2mrf') -> Tuple[str, str]:
    return (f'{CONFIGS}/{prefix}_{backbone}_shi.py', f'{CONFIGS}/{prefix}_{backbone}_shi-to-dut.py')


ROWS: List[Row] = [
    Row('R²MRF', 'table1', 'r2mrf', *_shi_and_dut('resnext101'), TABLE1['R²MRF']),
    Row('R²MRF_no_RRM', 'table3', 'no-rrm', RUNS['no-rrm'], None, TABLE3['R²MRF_no_RRM']),
    *[Row(f'R²MRF_Step_{t}', 'table3', f'step{t}', RUNS[f'step{t}'], None,
          TABLE3[f'R²MRF_Step_{t}']) if t != 6 else
      Row('R²MRF_Step_6', 'table3', 'r2mrf', *_shi_and_dut('resnext101'),
          TABLE3['R²MRF_Step_6']) for t in range(1, 9)],
    # The side outputs are a test-time choice (test_output): R²MRF's checkpoint, tested per branch.
    *[Row(f'R²MRF_O{level}', 'table3', 'r2mrf', f'{ABLATIONS}/r2mrf_resnext101_o{level}_shi.py',
          None, TABLE3[f'R²MRF_O{level}']) for level in range(1, 6)],
    Row('R²MRF_VGG', 'table3', 'vgg16', *_shi_and_dut('vgg16'), TABLE3['R²MRF_VGG']),
    Row('R²MRF_DenseNet', 'table3', 'densenet161', *_shi_and_dut('densenet161'),
        TABLE3['R²MRF_DenseNet']),
    # Not in the paper: the lineage's widths, beside the paper's R²MRF numbers.
    Row('R²MRF, lineage widths (vs. paper R²MRF)', 'extra', 'wide',
        *_shi_and_dut('resnext101', 'r2mrf-wide'), TABLE1['R²MRF']),
]
GROUPS = ('table1', 'table3', 'extra')


def select_rows(names: Sequence[str]) -> List[Row]:
    """The rows named, or of the groups named (``table1``, ``table3``, ``extra``), in order.

    Raises:
        ValueError: A name that is neither a row nor a group.
    """
    known = {row.name for row in ROWS}
    unknown = [name for name in names if name not in known and name not in GROUPS]
    if unknown:
        raise ValueError(f'unknown rows {unknown}; choose from {list(GROUPS)} or {sorted(known)}')
    return [row for row in ROWS if row.name in names or row.group in names]


class Plan(NamedTuple):
    """Where a reproduction reads and writes.

    Attributes:
        shi_root (str): Shi et al.'s release (``image/``, ``gt/``).
        dut_root (str): DUT-DBD's release.
        work_dir (str): ``runs/<run>/`` (training) and ``tests/<row>/<dataset>/`` go there.
        max_iters (int, optional): Training iterations, if not the configs' (6000).
        train_args (tuple): More arguments of ``tools/train.py`` (``--amp``).
    """
    shi_root: str
    dut_root: str
    work_dir: str
    max_iters: Optional[int] = None
    train_args: Tuple[str, ...] = ()


def config_file(config: str) -> str:
    """A config of :data:`RUNS` or :data:`ROWS` as a path (relative to here if below)."""
    return _relative(osp.join(mim_path('configs'), config))


def _relative(path: str) -> str:
    relative = osp.relpath(path)
    return path if relative.startswith('..') else relative


def _max_iters(plan: Plan, run: str) -> int:
    if plan.max_iters is not None:
        return plan.max_iters
    return Config.fromfile(config_file(RUNS[run])).train_cfg.max_iters


def run_dir(plan: Plan, run: str) -> str:
    """The work dir of a training run."""
    return osp.join(plan.work_dir, 'runs', run)


def checkpoint_path(plan: Plan, run: str) -> str:
    """The run's last checkpoint, the one the paper reports (``iter_<max_iters>.pth``)."""
    return osp.join(run_dir(plan, run), f'iter_{_max_iters(plan, run)}.pth')


def test_dir(plan: Plan, row: Row, dataset: str) -> str:
    """The work dir of a row's test on ``'shi'`` or ``'dut'``."""
    return osp.join(plan.work_dir, 'tests', row.slug, dataset)


def train_command(plan: Plan, run: str) -> List[str]:
    """``tools/train.py`` for a run (``--resume``: an interrupted run continues)."""
    options = [f'train_dataloader.dataset.data_root={plan.shi_root}']
    if plan.max_iters is not None:
        options.append(f'train_cfg.max_iters={plan.max_iters}')
    return ['train.py', config_file(RUNS[run]), '--work-dir', run_dir(plan, run), '--resume',
            *plan.train_args, '--cfg-options', *options]


def test_command(plan: Plan, row: Row, dataset: str) -> List[str]:
    """``tools/test.py`` of a row's checkpoint on ``'shi'`` or ``'dut'``."""
    config, options = row.shi_config, [
        f'test_dataloader.dataset.data_root={plan.shi_root if dataset == "shi" else plan.dut_root}']
    if dataset == 'dut':
        if row.dut_config:
            config = row.dut_config
        else:
            options = list(DUT_TEST_OPTIONS) + options
    return ['test.py', config_file(config), checkpoint_path(plan, row.run), '--work-dir',
            test_dir(plan, row, dataset), '--cfg-options', *options]


def commands(plan: Plan, rows: Sequence[Row]) -> List[List[str]]:
    """Every command of the rows, each once: a run's training before its tests.

    Returns:
        list[list[str]]: Each command as the tool's name (``train.py``, ``test.py``) and its
        arguments (see :func:`shell`).
    """
    listed: List[List[str]] = []
    for row in rows:
        for command in [train_command(plan, row.run)] + [
                test_command(plan, row, dataset) for dataset in DATASETS]:
            if command not in listed:
                listed.append(command)
    return listed


def gpu_hours(plan: Plan, rows: Sequence[Row], seconds_per_iter: float) -> float:
    """Estimated training hours of the rows' runs at ``seconds_per_iter``."""
    runs = {row.run for row in rows}
    return sum(_max_iters(plan, run) for run in runs) * seconds_per_iter / 3600


def newest_curves(folder: str) -> Optional[str]:
    """The newest ``defocus_curves.json`` that ``tools/test.py`` wrote under ``folder``."""
    found = sorted(glob.glob(osp.join(folder, '*', CURVES_JSON)), key=osp.getmtime)
    return found[-1] if found else None


def collect(plan: Plan, rows: Sequence[Row]) -> Dict[Tuple[str, str], Optional[dict]]:
    """Each row's curves on each dataset (None where its test has not run)."""
    results = {}
    for row in rows:
        for dataset in DATASETS:
            path = newest_curves(test_dir(plan, row, dataset))
            results[row.name, dataset] = load_curves(path) if path else None
    return results


def reproduction_table(rows: Sequence[Row], results: Dict[Tuple[str, str], Optional[dict]]) -> str:
    """The paper's F_beta and MAE beside ours, one line per row and dataset, in Markdown.

    Args:
        rows (Sequence[Row]): The rows.
        results (dict): ``(row name, dataset) -> curves`` (see :func:`collect`); None or
            missing: not run yet (``-``).

    Returns:
        str: The table (:func:`~mmseg_r2mrf.evaluation.metrics_table`).
    """
    merged, labels = [], []
    for row in rows:
        for dataset in DATASETS:
            ours = results.get((row.name, dataset))
            paper_f, paper_mae = (row.paper or {}).get(dataset, (None, None))
            metrics = dict(ours['metrics']) if ours else {}
            metrics.update({'Fβ (paper)': paper_f, 'MAE (paper)': paper_mae})
            merged.append(dict(positive=ours['positive'] if ours else 'blur',
                               beta2=ours['beta2'] if ours else 0.3, metrics=metrics))
            labels.append(f'{row.name}, {DATASET_NAMES[dataset]}')
    return metrics_table(merged, labels, columns=COLUMNS)


def shell(command: Sequence[str]) -> str:
    """A command of :func:`commands` as one would type it."""
    tool = _relative(osp.join(mim_path('tools'), command[0]))
    return 'python ' + ' '.join(shlex.quote(part) for part in [tool, *command[1:]])


def _missing_backbone_weights(rows: Sequence[Row]) -> List[str]:
    """The ImageNet files named by the runs' configs that do not exist (relative to here)."""
    missing = []
    for run in sorted({row.run for row in rows}):
        init = Config.fromfile(config_file(RUNS[run])).model.backbone.get('init_cfg') or {}
        path = init.get('checkpoint')
        if path and not osp.isfile(path) and path not in missing:
            missing.append(path)
    return missing


def run(plan: Plan, rows: Sequence[Row]) -> None:
    """Train what has no last checkpoint yet, test what has no results yet."""
    missing = _missing_backbone_weights(rows)
    if missing:
        raise CommandError('ImageNet weights missing (see the README, "Pretrained weights are '
                 f'local files"): {", ".join(missing)}')
    for row in rows:
        if not osp.isfile(checkpoint_path(plan, row.run)):
            run_tool(*train_command(plan, row.run))
        for dataset in DATASETS:
            if newest_curves(test_dir(plan, row, dataset)) is None:
                run_tool(*test_command(plan, row, dataset))


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--shi-root', default='data/shi', help="Shi et al.'s release")
    parser.add_argument('--dut-root', default='data/dut', help="DUT-DBD's release")
    parser.add_argument('--work-dir', default='work_dirs/reproduce',
                        help='runs/ and tests/ go there (default: work_dirs/reproduce)')
    parser.add_argument('--rows', nargs='+', default=['table1', 'table3'],
                        help='rows or groups (table1, table3, extra: the lineage widths); '
                        'default: table1 table3')
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument('--run', action='store_true', help='run the commands, then write the table')
    mode.add_argument('--collect', action='store_true',
                      help='write the table from the results that exist')
    parser.add_argument('--out', help='Markdown file of the table (default: '
                        '<work-dir>/reproduce.md)')
    parser.add_argument('--amp', action='store_true', help='train with --amp (fp16 on CUDA)')
    parser.add_argument('--max-iters', type=int,
                        help="training iterations (default: the configs' 6000)")
    parser.add_argument('--seconds-per-iter', type=float,
                        default=TRAINING_HOURS_1080TI * 3600 / 6000,
                        help='for the GPU-time estimate (default: the paper\'s 0.75 h per 6k '
                        'iterations on a GTX 1080Ti; tools/gpu_check.py measures yours)')
    args = parser.parse_args(argv)
    try:
        args.selected = select_rows(args.rows)
    except ValueError as error:
        parser.error(str(error))
    return args


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = parse_args(argv)
    plan = Plan(args.shi_root, args.dut_root, args.work_dir, args.max_iters,
                ('--amp', ) if args.amp else ())
    rows = args.selected
    if not (args.run or args.collect):
        hours = gpu_hours(plan, rows, args.seconds_per_iter)
        print(f'# {len(rows)} rows, {len({row.run for row in rows})} training runs: about '
              f'{hours:.1f} GPU hours of training at {args.seconds_per_iter:.2f} s/iteration '
              '(an estimate, not a measurement), plus about a minute per test; '
              'the lineage-width runs take several times longer.')
        for command in commands(plan, rows):
            print(shell(command))
        print('# then: python tools/reproduce.py --collect (same options) writes the table')
        return 0
    if args.run:
        run(plan, rows)
    table = reproduction_table(rows, collect(plan, rows))
    out = args.out or osp.join(args.work_dir, 'reproduce.md')
    os.makedirs(osp.dirname(osp.abspath(out)), exist_ok=True)
    with open(out, 'w', encoding='utf-8') as f:
        f.write(table + '\n')
    print(table + f'\n\nWritten to {out}')
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
