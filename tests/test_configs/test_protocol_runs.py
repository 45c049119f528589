"""The new configs train a few iterations on a fake Shi release and test on a fake DUT
(shi-to-dut) or Shi release; the held-out-validation config selects on its validation split.

The configs run as they are, with tiny data: crops of 32 px, batches of 2, two iterations, no
pretrained file, no loader workers. The VGG-16 and DenseNet-161 shi-to-dut configs are their
Shi configs with the same two-line test set as ResNeXt-101's (test_r2mrf_configs.py checks
that): running them too would add half a minute and test nothing more.
"""
import os.path as osp

import pytest
from mmengine.runner import Runner

import mmseg_r2mrf  # noqa: F401
from mmseg_r2mrf.cli import load_config

from fake_layouts import write_fake_dut, write_fake_shi
from tiny_data import REPO_ROOT

SPLITS = dict(train=['out_of_focus0001', 'out_of_focus0002', 'out_of_focus0004'],
              val=['out_of_focus0005'], test=['out_of_focus0003'])
NUM_DUT_TEST = 3


@pytest.fixture(scope='module')
def fake_data(tmp_path_factory):
    root = tmp_path_factory.mktemp('fake_releases')
    lists = write_fake_shi(str(root / 'shi'), SPLITS)
    return dict(shi=str(root / 'shi'), dut=write_fake_dut(str(root / 'dut'),
                                                          num_test=NUM_DUT_TEST), lists=lists)


def _stems(dataset) -> list:
    return [osp.splitext(osp.basename(dataset.get_data_info(i)['img_path']))[0]
            for i in range(len(dataset))]


def _batch_statistics_everywhere(cfg) -> None:
    """Make every BatchNorm normalise with the batch's statistics, in eval mode too.

    Two iterations on 32 px crops from random weights leave running statistics estimated
    from a handful of values per channel: in eval mode ResNeXt-101's activations then overflow
    to inf within a few blocks, a property of the tiny run, not of the config.
    """
    if isinstance(cfg, dict):
        for key, value in cfg.items():
            if key == 'norm_cfg' and isinstance(value, dict) and value.get('type') == 'BN':
                value['track_running_stats'] = False
            else:
                _batch_statistics_everywhere(value)
    elif isinstance(cfg, list):
        for item in cfg:
            _batch_statistics_everywhere(item)


def _tiny_run(config: str, fake_data: dict, work_dir: str) -> Runner:
    """A runner for ``config`` on the fake releases: two iterations of 2 crops of 32 px."""
    loaders = ['train_dataloader', 'test_dataloader']
    options = {'model.backbone.init_cfg': None, 'train_cfg.max_iters': 2,
               'train_cfg.val_interval': 2, 'default_hooks.checkpoint.interval': 2,
               'default_hooks.logger.interval': 1, 'train_dataloader.batch_size': 2}
    cfg = load_config(osp.join(REPO_ROOT, config), cfg_options=options, work_dir=work_dir)
    if cfg.val_dataloader is not None:
        loaders.append('val_dataloader')
    for name in loaders:
        loader = cfg[name]
        loader.update(num_workers=0, persistent_workers=False)
        if loader.dataset.type == 'ShiDefocusDataset':
            loader.dataset.update(data_root=fake_data['shi'], **fake_data['lists'])
        else:
            loader.dataset.data_root = fake_data['dut']
    for step in cfg.train_dataloader.dataset.pipeline:
        if step['type'] == 'RandomResize':
            step['scale'] = (64, 64)
        elif step['type'] == 'RandomCrop':
            step['crop_size'] = (32, 32)
    _batch_statistics_everywhere(cfg.model)
    return Runner.from_cfg(cfg)


@pytest.mark.parametrize('name', ['r2mrf_resnext101', 'r2mrf-wide_resnext101'])
def test_shi_to_dut_trains_on_shi_and_tests_on_dut(fake_data, tmp_path, name):
    runner = _tiny_run(f'configs/r2mrf/{name}_shi-to-dut.py', fake_data, str(tmp_path))
    runner.train()
    assert _stems(runner.train_dataloader.dataset) == sorted(SPLITS['train'] + SPLITS['val'])
    assert runner.val_loop is None  # nothing to choose on: the last checkpoint is reported
    assert osp.isfile(tmp_path / 'iter_2.pth')
    assert not [f.name for f in tmp_path.iterdir() if f.name.startswith('best')]
    metrics = runner.test()
    dataset = runner.test_dataloader.dataset
    assert type(dataset).__name__ == 'DUTDefocusDataset' and len(dataset) == NUM_DUT_TEST
    assert 0 <= metrics['maxF'] <= 1 and 0 <= metrics['MAE'] <= 1


def test_shi_val60_selects_on_held_out_training_images(fake_data, tmp_path):
    runner = _tiny_run('configs/r2mrf/r2mrf_resnext101_shi-val60.py', fake_data, str(tmp_path))
    runner.train()
    assert _stems(runner.train_dataloader.dataset) == SPLITS['train']
    assert _stems(runner.val_dataloader.dataset) == SPLITS['val']
    best = [f.name for f in tmp_path.iterdir() if f.name.startswith('best_maxF_')]
    assert best == ['best_maxF_iter_2.pth']
    metrics = runner.test()
    assert _stems(runner.test_dataloader.dataset) == SPLITS['test']
    assert 0 <= metrics['maxF'] <= 1
