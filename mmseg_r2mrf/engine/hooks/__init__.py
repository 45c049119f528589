from .checkpoint_fit_hook import CheckpointFitHook
from .random_state_hook import RandomStateHook
from .safe_checkpoint_hook import SafeCheckpointHook
from .training_speed_hook import TrainingSpeedHook

__all__ = ['CheckpointFitHook', 'RandomStateHook', 'SafeCheckpointHook', 'TrainingSpeedHook']
