from .atomic_file import atomic_write
from .jobs import (
    MAIN_JOB_CONFIG,
    SYNTHETIC_DATA_ROOT,
    data_root_options,
    new_work_dir,
    newest,
    run_tool,
    train_and_test,
)
from .launch import enable_amp, load_config, require_checkpoint_fit, set_local_rank
from .mim import mim_path

__all__ = [
    'MAIN_JOB_CONFIG', 'SYNTHETIC_DATA_ROOT', 'atomic_write', 'data_root_options', 'enable_amp',
    'load_config', 'mim_path', 'new_work_dir', 'newest', 'require_checkpoint_fit', 'run_tool',
    'set_local_rank',
    'train_and_test'
]
