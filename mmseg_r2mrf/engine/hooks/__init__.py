from .checkpoint_fit_hook import CheckpointFitHook
from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook

__all__ = ['CheckpointFitHook', 'RandomStateHook', 'SafeCheckpointHook']
