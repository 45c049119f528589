"""No config chooses a checkpoint on its test split (or on images it trains on).

A config that keeps a best checkpoint (``save_best``) must validate on a split that is neither
its test split nor part of its training images; every other config keeps the last checkpoint.
"""
import copy
import glob
import os.path as osp
from typing import Optional

import pytest
from mmengine.config import Config

import mmseg_r2mrf  # noqa: F401  (custom imports of every config)

from tiny_data import REPO_ROOT

CONFIGS = sorted(
    osp.relpath(p, REPO_ROOT)
    for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
    if '_base_' not in p.split(osp.sep))

#: Splits that hold test images, per dataset class (Zhao et al.'s: 'cuhk_test', 'dut_test').
TEST_LIKE_SPLITS = ('test', 'all', 'cuhk_test', 'dut_test')
#: Validation splits that are part of another split, which must then not be trained on.
HELD_OUT_OF = {('ShiDefocusDataset', 'val'): ('train', 'all')}


def _files(dataset: dict) -> tuple:
    """What decides which images a dataset config reads."""
    return tuple(repr(dataset.get(key)) for key in (
        'type', 'data_root', 'split', 'ann_file', 'data_prefix', 'test_split_file',
        'val_split_file'))


def selection_problem(cfg: Config) -> Optional[str]:
    """Why the config's checkpoint selection is not honest, or None if it is.

    Args:
        cfg (Config): A training config.

    Returns:
        str | None: The problem, in words.
    """
    checkpoint = cfg.get('default_hooks', {}).get('checkpoint', {})
    if not checkpoint.get('save_best'):
        return None
    val_loader = cfg.get('val_dataloader')
    if not val_loader:
        return 'save_best without a validation split'
    val = val_loader['dataset']
    test = cfg.test_dataloader['dataset']
    train = cfg.train_dataloader['dataset']
    if _files(val) == _files(test):
        return 'validates on the test set'
    if val.get('split') in TEST_LIKE_SPLITS:
        return f"validates on split {val.get('split')!r}, which holds test images"
    if _files(val) == _files(train):
        return 'validates on its training images'
    if train.get('split') in HELD_OUT_OF.get((val.get('type'), val.get('split')), ()):
        return (f"validates on {val.get('split')!r}, part of its training split "
                f"{train.get('split')!r}")
    return None


@pytest.mark.parametrize('path', CONFIGS)
def test_no_config_selects_on_its_test_split(path):
    cfg = Config.fromfile(osp.join(REPO_ROOT, path))
    assert selection_problem(cfg) is None, f'{path}: {selection_problem(cfg)}'


def test_only_configs_with_a_held_out_split_keep_a_best_checkpoint():
    selecting = {path for path in CONFIGS
                 if Config.fromfile(osp.join(REPO_ROOT, path)).default_hooks.checkpoint.get(
                     'save_best')}
    assert 'configs/r2mrf/r2mrf_resnext101_shi-val60.py' in selecting
    assert 'configs/r2mrf/r2mrf_effnetlite0_synthetic.py' in selecting  # its own photographs
    assert not {p for p in selecting if p.endswith(('_shi.py', '_dut.py', '_shi-to-dut.py'))}


def test_the_guard_flags_selection_on_the_test_split():
    """The check fails on what the configs did before: Shi's test split as validation split
    with save_best, or the held-out images left in the training split."""
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs/r2mrf/r2mrf_resnext101_shi-val60.py'))
    assert selection_problem(cfg) is None
    on_test = copy.deepcopy(cfg)
    on_test.val_dataloader = copy.deepcopy(cfg.test_dataloader)
    assert selection_problem(on_test) == 'validates on the test set'
    on_all = copy.deepcopy(cfg)
    on_all.val_dataloader.dataset.split = 'all'
    assert 'holds test images' in selection_problem(on_all)
    on_train = copy.deepcopy(cfg)
    on_train.val_dataloader.dataset = copy.deepcopy(cfg.train_dataloader.dataset)
    assert selection_problem(on_train) == 'validates on its training images'
    trained_on = copy.deepcopy(cfg)
    trained_on.train_dataloader.dataset.split = 'train'
    assert "part of its training split 'train'" in selection_problem(trained_on)
    no_val = Config.fromfile(osp.join(REPO_ROOT, 'configs/r2mrf/r2mrf_resnext101_shi.py'))
    assert selection_problem(no_val) is None
    no_val.default_hooks.checkpoint.save_best = 'maxF'
    assert selection_problem(no_val) == 'save_best without a validation split'
