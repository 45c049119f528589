from .launch import load_config, set_local_rank
from .mim import mim_path

__all__ = ['load_config', 'mim_path', 'set_local_rank']
