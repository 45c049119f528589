"""Tells, early in a run, how fast training goes here and how long the whole run will take."""
import time
from typing import Optional

from mmengine.hooks import Hook

from mmseg.registry import HOOKS


@HOOKS.register_module()
class TrainingSpeedHook(Hook):
    """Logs once, after the first ``report_after`` iterations, seconds per iteration and a forecast.

    The first iteration of a run (warm-up: allocations, dataloader workers starting) is not
    counted. The forecast covers the remaining training iterations; validation and checkpoint
    saving are not in it. Resumed runs count from their first iteration.

    Args:
        report_after (int): Timed iterations before the report. Defaults to 20.
    """

    priority = 'LOW'

    def __init__(self, report_after: int = 20) -> None:
        if report_after < 1:
            raise ValueError(f'TrainingSpeedHook: report_after must be >= 1, got {report_after}')
        self.report_after = report_after
        self._first_iter: Optional[int] = None
        self._started: Optional[float] = None
        self.seconds_per_iter: Optional[float] = None

    def before_train(self, runner) -> None:
        self._first_iter, self._started, self.seconds_per_iter = None, None, None

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        done_iter = runner.iter + 1  # runner.iter is advanced after the hooks
        if self._first_iter is None:
            self._first_iter, self._started = done_iter, time.perf_counter()
            return
        timed = done_iter - self._first_iter
        if timed != self.report_after:
            return
        self.seconds_per_iter = (time.perf_counter() - self._started) / timed
        remaining = runner.max_iters - done_iter
        runner.logger.info(
            f'Training speed: {self.seconds_per_iter:.2f} s/iter over iterations '
            f'{self._first_iter + 1}-{done_iter}; the remaining {remaining} iterations will '
            f'take about {remaining * self.seconds_per_iter / 60:.1f} min here '
            '(validation and checkpoints not counted).')
