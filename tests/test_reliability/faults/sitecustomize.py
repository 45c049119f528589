"""Kills a training run or fills its disk on cue: tests put this folder on PYTHONPATH.

Python imports ``sitecustomize`` at start-up, before the tool runs.

``R2MRF_FAULT`` chooses the fault; the process dies as a real kill or full disk would:

* ``kill_mid_iter:N``: SIGKILL inside the N-th training iteration, between backward and the
  (SGD) optimizer step;
* ``kill_after_remove:REGEX``: SIGKILL right after a file whose name matches is deleted;
* ``kill_writing:REGEX:NTH``: SIGKILL half-way through writing the NTH file whose name
  matches (temporary files are named after their target, so they match too);
* ``disk_full:REGEX:NTH``: the NTH such write stores half its bytes, then fails with ENOSPC.
"""
import builtins
import errno
import os
import os.path as osp
import re
import signal

import torch

FAULT = os.environ.get('R2MRF_FAULT', '')


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class _FailingFile:
    """A file object that writes half of the first ``write`` and then dies or fails."""

    def __init__(self, file, action):
        self._file, self._action = file, action

    def write(self, data):
        self._file.write(data[:len(data) // 2])
        self._file.flush()
        if self._action == 'kill':
            _die()
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._file.close()

    def __getattr__(self, name):
        return getattr(self._file, name)


def _install() -> None:
    kind, _, arg = FAULT.partition(':')
    if kind == 'kill_mid_iter':
        step, calls = torch.optim.SGD.step, [0]

        def dying_step(self, *args, **kwargs):
            calls[0] += 1
            if calls[0] == int(arg):
                _die()
            return step(self, *args, **kwargs)

        torch.optim.SGD.step = dying_step
    elif kind == 'kill_after_remove':
        remove = os.remove

        def dying_remove(path, *args, **kwargs):
            remove(path, *args, **kwargs)
            if re.search(arg, osp.basename(str(path))):
                _die()

        os.remove = dying_remove
    elif kind in ('kill_writing', 'disk_full'):
        pattern, _, nth = arg.rpartition(':')
        real_open, seen = builtins.open, [0]

        def failing_open(file, mode='r', *args, **kwargs):
            handle = real_open(file, mode, *args, **kwargs)
            if any(flag in mode for flag in 'wax') and isinstance(file, (str, os.PathLike)) \
                    and re.search(pattern, osp.basename(os.fspath(file))):
                seen[0] += 1
                if seen[0] == int(nth):
                    return _FailingFile(handle, 'kill' if kind == 'kill_writing' else 'enospc')
            return handle

        builtins.open = failing_open
    elif kind:
        raise ValueError(f'unknown R2MRF_FAULT {FAULT!r}')


_install()
