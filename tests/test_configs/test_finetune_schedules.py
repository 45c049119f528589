"""The EMA fine-tuning configs decay their learning rate to 0 at their own last iteration.

Their poly decay names no ``end``: mmengine's runner ends it at ``train_cfg.max_iters``, so a
config that inherits the schedule and changes ``max_iters`` needs no schedule of its own. The
schedulers are built here by mmengine's runner, as in training, on a toy model and data.
"""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.model import BaseModel
from mmengine.runner import Runner

import mmseg_r2mrf  # noqa: F401  (registries)

from tiny_data import REPO_ROOT

EMA_CONFIGS = ['configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-ema.py',
               'configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-sky-finetune-ema.py']


class _ToyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(1))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        return {'loss': (self.weight - 1).pow(2).sum()}


def _built_schedulers(cfg: Config, work_dir: str) -> tuple:
    runner = Runner(
        model=_ToyModel(), work_dir=work_dir,
        train_dataloader=dict(dataset=[torch.zeros(1)] * 4, batch_size=1,
                              sampler=dict(type='InfiniteSampler', shuffle=False)),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=cfg.optim_wrapper.optimizer.lr)),
        param_scheduler=cfg.param_scheduler,
        train_cfg=dict(by_epoch=False, max_iters=cfg.train_cfg.max_iters),
        default_hooks=dict(logger=None, checkpoint=None))
    # The order of Runner.train(): the loop first, whose max_iters ends a scheduler without end.
    runner._train_loop = runner.build_train_loop(runner._train_loop)
    runner.optim_wrapper = runner.build_optim_wrapper(runner.optim_wrapper)
    return runner.optim_wrapper, runner.build_param_scheduler(runner.param_schedulers)


@pytest.mark.parametrize('path', EMA_CONFIGS)
def test_poly_decay_ends_at_the_configs_last_iteration(path, tmp_path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    max_iters = cfg.train_cfg.max_iters
    optim_wrapper, schedulers = _built_schedulers(cfg, str(tmp_path))
    assert [s.end for s in schedulers] == [50, max_iters]
    base_lr = cfg.optim_wrapper.optimizer.lr
    learning_rates = []
    for _ in range(max_iters):
        learning_rates.append(optim_wrapper.get_lr()['lr'][0])
        for scheduler in schedulers:
            scheduler.step()
    assert learning_rates[0] == pytest.approx(0.1 * base_lr)
    assert max(learning_rates) == pytest.approx(base_lr, rel=0.05)
    # Still decaying one iteration before the last (mmengine's poly reaches eta_min at the
    # last iteration of its range), 0 at the last.
    assert 0 < learning_rates[-2] < 0.01 * base_lr
    assert learning_rates[-1] == pytest.approx(0.0, abs=1e-12)
