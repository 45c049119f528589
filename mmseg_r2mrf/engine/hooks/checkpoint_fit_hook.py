"""Refuses a checkpoint that does not fit the model, where mmengine only warns."""
from mmengine.hooks import Hook

from mmseg.registry import HOOKS

from ...compat import check_checkpoint_fits


@HOOKS.register_module()
class CheckpointFitHook(Hook):
    """Stops ``load_from`` and ``resume`` when the checkpoint's weights do not fit the model.

    mmengine loads checkpoints non-strictly: missing and mismatched keys are log warnings, the
    metrics of ``tools/test.py`` look normal, and ``--resume`` fails later inside the optimizer.
    This hook checks the checkpoint right after it is read, before any of it is used, and
    raises :class:`~mmseg_r2mrf.compat.CheckpointMismatchError` listing the keys. Pretrained
    backbones (``init_cfg``) are not loaded through the runner and keep mmengine's behaviour.

    Args:
        allow_partial (bool): Only warn, for a checkpoint that fits partly on purpose
            (``--allow-partial`` of ``tools/train.py`` and ``tools/test.py``).
    """

    priority = 'VERY_HIGH'

    def __init__(self, allow_partial: bool = False) -> None:
        self.allow_partial = allow_partial

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        source = runner.cfg.get('load_from') or f'resumed in {runner.work_dir}'
        check_checkpoint_fits(runner.model, checkpoint, source, self.allow_partial)
