"""Finding the checkpoint to resume from when ``last_checkpoint`` cannot be trusted.

mmengine's ``find_latest_checkpoint`` returns whatever ``<work_dir>/last_checkpoint`` holds: an
empty string after a kill while it was written, an absolute path into the old folder after the
work directory was moved or copied, or the name of a truncated file.
:func:`find_resumable_checkpoint` takes its place in the runner; it reads relative pointers (as
:class:`~mmseg_r2mrf.engine.hooks.SafeCheckpointHook` writes them) and old absolute ones, and
falls back to the newest complete periodic checkpoint in the folder, saying why.
"""
import logging
import os
import os.path as osp
import re
from typing import List, Optional

import mmengine.runner.runner as mmengine_runner
from mmengine.logging import print_log

from .checkpoint import describe_checkpoint_file

#: The pointer file that mmengine's CheckpointHook writes into the work directory.
LAST_CHECKPOINT_FILE = 'last_checkpoint'
#: Names of periodic checkpoints (CheckpointHook's default ``filename_tmpl``), with their step.
_PERIODIC_CHECKPOINT = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


def _periodic_checkpoints(work_dir: str) -> List[str]:
    """Periodic checkpoints of ``work_dir``, newest step first."""
    found = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        match = _PERIODIC_CHECKPOINT.match(name)
        if match:
            found.append((int(match.group(1)), osp.join(work_dir, name)))
    return [path for _, path in sorted(found, reverse=True)]


def _read_pointer(work_dir: str) -> tuple:
    """``(checkpoint path, None)`` if the pointer names a complete file, else ``(None, why)``."""
    pointer = osp.join(work_dir, LAST_CHECKPOINT_FILE)
    if not osp.isfile(pointer):
        return None, f'{pointer} does not exist'
    with open(pointer, encoding='utf-8', errors='replace') as f:
        named = f.read().strip()
    if not named:
        return None, f'{pointer} is empty'
    path = named if osp.isabs(named) else osp.join(work_dir, named)
    if osp.isabs(named) and osp.dirname(osp.abspath(named)) != osp.abspath(work_dir):
        # Written by mmengine before the folder was moved or copied: prefer this folder's file.
        here = osp.join(work_dir, osp.basename(named))
        if osp.isfile(here):
            path = here
    problem = describe_checkpoint_file(path)
    if problem is not None:
        return None, f'{pointer} names {named}, which {problem}'
    return path, None


def find_resumable_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint that ``resume`` should continue from, or None to start afresh.

    Args:
        work_dir (str): The run's work directory.

    Returns:
        str or None: The checkpoint named by ``last_checkpoint`` if it is complete; otherwise
        the newest complete ``iter_*.pth``/``epoch_*.pth`` in ``work_dir`` (with a warning
        saying why); None when there is none.
    """
    path, problem = _read_pointer(work_dir)
    if path is not None:
        return path
    for candidate in _periodic_checkpoints(work_dir):
        candidate_problem = describe_checkpoint_file(candidate)
        if candidate_problem is None:
            print_log(f'{problem}: resuming from the newest complete checkpoint, {candidate}.',
                      logger='current', level=logging.WARNING)
            return candidate
        print_log(f'Skipping {candidate} for resume: the file {candidate_problem}.',
                  logger='current', level=logging.WARNING)
    print_log(f'{problem}, and {work_dir} holds no complete checkpoint: nothing to resume, '
              'training starts from the beginning.', logger='current', level=logging.WARNING)
    return None


def patch_resume_lookup() -> None:
    """Make mmengine's runner resume from :func:`find_resumable_checkpoint`'s choice."""
    mmengine_runner.find_latest_checkpoint = find_resumable_checkpoint
