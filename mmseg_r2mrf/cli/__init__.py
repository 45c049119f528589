"""The command-line layer: what tools/ share and the library below does not do.

* :mod:`.launch`: loading a config as mmseg's tools do (``--cfg-options``, ``--work-dir``,
  ``--amp``, the checkpoint-fit hook, ``--local-rank``).
* :mod:`.jobs`: running tools as subprocesses, as tools/demo.py and tools/ablation.py chain them.
* :mod:`.errors`: the one error convention of the tools (:class:`CommandError`: a message and
  exit status 2, no traceback; :func:`run_main`).

The library (everything else in :mod:`mmseg_r2mrf`) parses no arguments, starts no tools and
never exits; it raises, and the tools report.
"""
from .errors import CommandError, StepFailed, run_main
from .jobs import (
    DEMO_CONFIG,
    MAIN_JOB_CONFIG,
    SYNTHETIC_DATA_ROOT,
    data_root_options,
    new_work_dir,
    newest,
    run_tool,
    train_and_test,
)
from .launch import (
    RUN_INPUT_ERRORS,
    add_allow_partial_argument,
    add_run_arguments,
    configure_resume,
    enable_amp,
    end_distributed,
    load_config,
    require_checkpoint_fit,
    set_local_rank,
)

__all__ = [
    'RUN_INPUT_ERRORS', 'CommandError', 'DEMO_CONFIG', 'MAIN_JOB_CONFIG',
    'SYNTHETIC_DATA_ROOT', 'StepFailed',
    'add_allow_partial_argument', 'add_run_arguments', 'configure_resume', 'data_root_options',
    'enable_amp',
    'end_distributed', 'load_config', 'new_work_dir', 'newest',
    'require_checkpoint_fit', 'run_main', 'run_tool', 'set_local_rank', 'train_and_test'
]
