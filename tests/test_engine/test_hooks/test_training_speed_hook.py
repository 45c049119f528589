"""TrainingSpeedHook: s/iter and the forecast for the rest of the run, logged once."""
import logging
from unittest import mock

import pytest

import mmseg_r2mrf  # noqa: F401

from mmseg.registry import HOOKS


class _Runner:
    def __init__(self, start_iter: int, max_iters: int) -> None:
        self.iter, self.max_iters = start_iter, max_iters
        self.logger = mock.Mock(spec=logging.Logger)


def _train(hook, runner, num_iters, seconds_per_iter, clock):
    hook.before_train(runner)
    for _ in range(num_iters):
        clock[0] += seconds_per_iter
        hook.after_train_iter(runner, 0)
        runner.iter += 1


@pytest.mark.parametrize('start_iter', [0, 300])
def test_reports_once_after_the_warm_up_iteration(start_iter):
    hook = HOOKS.build(dict(type='TrainingSpeedHook', report_after=5))
    runner, clock = _Runner(start_iter, 700), [0.0]
    with mock.patch('time.perf_counter', lambda: clock[0]):
        _train(hook, runner, 20, 2.0, clock)
    assert hook.seconds_per_iter == pytest.approx(2.0)
    assert runner.logger.info.call_count == 1
    message = runner.logger.info.call_args[0][0]
    done = start_iter + 6
    assert f'2.00 s/iter over iterations {start_iter + 2}-{done}' in message
    assert f'remaining {700 - done} iterations will take about {(700 - done) * 2 / 60:.1f} min' \
        in message


def test_short_runs_say_nothing_and_bad_arguments():
    hook = HOOKS.build(dict(type='TrainingSpeedHook', report_after=20))
    runner, clock = _Runner(0, 10), [0.0]
    with mock.patch('time.perf_counter', lambda: clock[0]):
        _train(hook, runner, 10, 1.0, clock)
    runner.logger.info.assert_not_called()
    with pytest.raises(ValueError, match='report_after'):
        HOOKS.build(dict(type='TrainingSpeedHook', report_after=0))
