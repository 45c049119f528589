"""Chaining our command-line tools, as tools/demo.py and tools/ablation.py do."""
import glob
import os.path as osp
import subprocess
import sys
from typing import List

from .mim import mim_path


def run_tool(tool: str, *args: str) -> None:
    """Run ``tools/<tool>`` with this interpreter, echoing the command; exit if it fails."""
    command = [sys.executable, osp.join(mim_path('tools'), tool), *args]
    print('\n$ ' + ' '.join(command), flush=True)
    result = subprocess.run(command)
    if result.returncode != 0:
        sys.exit(f'{tool} failed (exit code {result.returncode}); see its output above')


def newest(pattern: str) -> str:
    """The most recently modified path matching a glob pattern; exit if there is none."""
    matches = sorted(glob.glob(pattern), key=osp.getmtime)
    if not matches:
        sys.exit(f'nothing matches {pattern}')
    return matches[-1]


def data_root_options(data_root: str) -> List[str]:
    """``--cfg-options`` that point every dataloader of a config at ``data_root``."""
    return [f'{loader}.dataset.data_root={data_root}'
            for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')]


def train_and_test(config: str, work_dir: str, options: List[str]) -> str:
    """Train ``config`` into ``work_dir``, test its best checkpoint, return the curves file.

    Args:
        config (str): Config path.
        work_dir (str): New folder for the run; the test goes to ``work_dir/test``.
        options (list[str]): ``--cfg-options`` for both tools.

    Returns:
        str: The ``defocus_curves.json`` that DefocusMetric wrote for the test.
    """
    run_tool('train.py', config, '--work-dir', work_dir, '--cfg-options', *options)
    checkpoint = newest(osp.join(work_dir, 'best_maxF_*.pth'))
    test_dir = osp.join(work_dir, 'test')
    run_tool('test.py', config, checkpoint, '--work-dir', test_dir, '--cfg-options', *options)
    return newest(osp.join(test_dir, '*', 'defocus_curves.json'))
