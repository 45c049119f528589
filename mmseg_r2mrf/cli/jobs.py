"""Chaining our command-line tools, as tools/demo.py and tools/ablation.py do."""
import glob
import os.path as osp
import subprocess
import sys
import time
from typing import List, Optional, Sequence, Tuple

from ..compat.resume import find_resumable_checkpoint
from ..evaluation.metrics.defocus_metric import CURVES_JSON
from ..utils.mim import mim_path
from .errors import CommandError, StepFailed

#: The main job's config and data: R²MRF on EfficientNet-Lite0, the synthetic defocus set.
MAIN_JOB_CONFIG = osp.join(mim_path('configs'), 'r2mrf', 'r2mrf_effnetlite0_synthetic.py')
#: What ``make demo`` trains: the main job with 3 recurrent steps per level instead of 6, which
#: trains 1.3x faster on a CPU at the same accuracy (README, "Training speed on a CPU").
DEMO_CONFIG = osp.join(mim_path('configs'), 'r2mrf', 'r2mrf-t3_effnetlite0_synthetic.py')
SYNTHETIC_DATA_ROOT = 'data/synthetic_defocus'


def run_tool(tool: str, *args: str) -> None:
    """Run ``tools/<tool>`` with this interpreter, echoing the command.

    Raises:
        StepFailed: The tool exited with a status other than 0.
    """
    command = [sys.executable, osp.join(mim_path('tools'), tool), *args]
    print('\n$ ' + ' '.join(command), flush=True)
    result = subprocess.run(command)
    if result.returncode != 0:
        raise StepFailed(f'{tool} failed (exit code {result.returncode}); see its output above')


def newest(pattern: str) -> str:
    """The most recently modified path matching a glob pattern.

    Raises:
        StepFailed: Nothing matches (a step did not write what it should have).
    """
    matches = sorted(glob.glob(pattern), key=osp.getmtime)
    if not matches:
        raise StepFailed(f'nothing matches {pattern}')
    return matches[-1]


def new_work_dir(job: str, work_dir: Optional[str] = None) -> str:
    """``work_dir``, or ``work_dirs/<job>/<timestamp>``, which must not exist (nothing is reused).

    Args:
        job (str): Name of the job, e.g. ``'demo'``.
        work_dir (str, optional): The folder the user asked for.

    Returns:
        str: A folder that does not exist yet.

    Raises:
        CommandError: The folder exists.
    """
    work_dir = work_dir or osp.join('work_dirs', job, time.strftime('%Y%m%d_%H%M%S'))
    if osp.exists(work_dir):
        raise CommandError(f'{work_dir} exists; choose a new --work-dir (nothing is overwritten)')
    return work_dir


def data_root_options(data_root: str, max_iters: Optional[int] = None) -> List[str]:
    """``--cfg-options`` that point every dataloader of a config at ``data_root``.

    Args:
        data_root (str): Dataset folder.
        max_iters (int, optional): Training iterations, if not the config's.

    Returns:
        list[str]: ``key=value`` options.
    """
    options = [f'{loader}.dataset.data_root={data_root}'
               for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]
    if max_iters is not None:
        options.append(f'train_cfg.max_iters={max_iters}')
    return options


def train_and_test(config: str,
                   work_dir: str,
                   options: List[str],
                   checkpoint: str = 'best',
                   train_args: Sequence[str] = ()) -> Tuple[str, str]:
    """Train ``config`` into ``work_dir``, test one of its checkpoints.

    Args:
        config (str): Config path.
        work_dir (str): New folder for the run; the test goes to ``work_dir/test``.
        options (list[str]): ``--cfg-options`` for both tools.
        checkpoint (str): ``'best'`` (the ``save_best`` checkpoint) or ``'last'`` (the one
            ``last_checkpoint`` names).
        train_args (Sequence[str]): More arguments for ``tools/train.py`` (e.g. ``--amp``).

    Returns:
        tuple[str, str]: The tested checkpoint, and the curves file (``defocus_curves.json``)
        that DefocusMetric wrote for its test.
    """
    if checkpoint not in ('best', 'last'):
        raise ValueError(f"checkpoint must be 'best' or 'last', got {checkpoint!r}")
    run_tool('train.py', config, '--work-dir', work_dir, *train_args, '--cfg-options', *options)
    if checkpoint == 'best':
        tested = newest(osp.join(work_dir, 'best_maxF_*.pth'))
    else:
        tested = find_resumable_checkpoint(work_dir)
        if tested is None:
            raise StepFailed(f'no checkpoint in {work_dir}')
    test_dir = osp.join(work_dir, 'test')
    run_tool('test.py', config, tested, '--work-dir', test_dir, '--cfg-options', *options)
    return tested, newest(osp.join(test_dir, '*', CURVES_JSON))
