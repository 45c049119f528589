from .jobs import data_root_options, newest, run_tool, train_and_test
from .launch import enable_amp, load_config, set_local_rank
from .mim import mim_path

__all__ = [
    'data_root_options', 'enable_amp', 'load_config', 'mim_path', 'newest', 'run_tool',
    'set_local_rank', 'train_and_test'
]
