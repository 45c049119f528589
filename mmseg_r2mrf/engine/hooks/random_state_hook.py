"""Checkpoints the torch random state so that a resumed run continues like an uninterrupted one."""
from typing import Optional

import torch
from mmengine.hooks import Hook

from mmseg.registry import HOOKS


@HOOKS.register_module()
class RandomStateHook(Hook):
    """Saves torch's CPU (and CUDA) generator states in each checkpoint, restores them on resume.

    mmengine reseeds every generator when it resumes, so dropout masks (torch's generator) after
    a resume differ from those of an uninterrupted run. Data augmentation is unaffected: mmengine
    replays the data of the finished iterations ("Advance dataloader"), and the numpy generator
    of the pipeline advances with it. The state is restored just before the first iteration after
    the resume, so that replay does not consume it.
    """

    priority = 'VERY_LOW'

    def __init__(self) -> None:
        self._pending_state: Optional[dict] = None

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        checkpoint['torch_random_state'] = dict(
            cpu=torch.get_rng_state(),
            cuda=torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [])

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # load_from (fine-tuning) starts at iteration 0 with fresh randomness; resume does not.
        if getattr(runner, '_resume', False):
            self._pending_state = checkpoint.get('torch_random_state')

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._pending_state is None:
            return
        torch.set_rng_state(self._pending_state['cpu'])
        cuda_states = self._pending_state['cuda']
        if cuda_states and torch.cuda.is_available() and \
                len(cuda_states) == torch.cuda.device_count():
            torch.cuda.set_rng_state_all(cuda_states)
        self._pending_state = None
