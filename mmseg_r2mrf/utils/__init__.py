"""Small helpers of the library: atomic file writing, finding the shipped configs and tools.

The command-line helpers that lived here (``load_config``, ``run_tool``, ...) are in
:mod:`mmseg_r2mrf.cli`; their old names still resolve here, lazily (so that importing
:mod:`mmseg_r2mrf.utils` does not import the command-line layer), with a
``DeprecationWarning`` naming the new home. The library itself never uses them.
"""
import warnings

from .atomic_file import atomic_write
from .mim import mim_path

#: Names moved to :mod:`mmseg_r2mrf.cli`, still importable from here.
_CLI_NAMES = ('MAIN_JOB_CONFIG', 'SYNTHETIC_DATA_ROOT', 'data_root_options', 'enable_amp',
              'load_config', 'new_work_dir', 'newest', 'require_checkpoint_fit', 'run_tool',
              'set_local_rank', 'train_and_test')


def __getattr__(name: str):
    if name in _CLI_NAMES:
        warnings.warn(f'mmseg_r2mrf.utils.{name} moved to mmseg_r2mrf.cli.{name}; the old '
                      'name will be removed', DeprecationWarning, stacklevel=2)
        from .. import cli
        return getattr(cli, name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


__all__ = ['atomic_write', 'mim_path', *_CLI_NAMES]
