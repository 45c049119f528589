"""The dataset config bases build, load fake copies of their layouts and follow the conventions."""
import os.path as osp

import pytest
import torch

from mmseg.registry import DATASETS

from fake_layouts import write_fake_dut, write_fake_shi

CONFIGS = ('shi', 'shi_val60', 'dut', 'synthetic_defocus')
# Which bases validate (on which split), and the split each trains on.
VAL_SPLIT = dict(shi=None, shi_val60='val', dut=None, synthetic_defocus='val')
TRAIN_SPLIT = dict(shi='train', shi_val60='train_without_val', dut='train',
                   synthetic_defocus='train')


def fake_copy(name, root, pair_writer):
    if name.startswith('shi'):
        # One-line split lists keep the copy tiny; the shipped lists are tested elsewhere.
        return write_fake_shi(root, dict(train=['out_of_focus0001'], val=['out_of_focus0003'],
                                         test=['out_of_focus0002']))
    if name == 'dut':
        write_fake_dut(root, num_train=1, num_test=1)
        return {}
    for split in ('train', 'val', 'test'):
        pair_writer(osp.join(root, 'image'), osp.join(root, 'gt'), split, polarity='label',
                    size=(48, 64))
        with open(osp.join(root, f'{split}.txt'), 'w') as f:
            f.write(split + '\n')
    return {}


@pytest.mark.parametrize('name', CONFIGS)
def test_conventions(dataset_config, name):
    cfg = dataset_config(name)
    assert cfg.crop_size == (320, 320)
    assert cfg.train_dataloader.batch_size == 4
    assert cfg.test_evaluator == dict(type='DefocusMetric')
    assert cfg.val_evaluator in (None, cfg.test_evaluator)
    assert [t['type'] for t in cfg.test_pipeline] == [
        'LoadImageFromFile', 'LoadDefocusAnnotations', 'PackSegInputs']
    assert cfg.tta_pipeline[1]['type'] == 'TestTimeAug'
    assert 'Normalize' not in str(cfg.train_pipeline)  # done by the model's data_preprocessor
    expected_root = dict(shi='data/shi', shi_val60='data/shi', dut='data/dut',
                         synthetic_defocus='data/synthetic_defocus')
    assert cfg.data_root == expected_root[name]


@pytest.mark.parametrize('name', CONFIGS)
def test_pipelines_run_on_a_fake_copy(dataset_config, tmp_path, pair_writer, name):
    cfg = dataset_config(name)
    root = str(tmp_path / name)
    extra = fake_copy(name, root, pair_writer)
    train = DATASETS.build(dict(cfg.train_dataloader.dataset, data_root=root, **extra))
    sample = train[0]
    labels = sample['data_samples'].gt_sem_seg.data
    assert sample['inputs'].shape[0] == 3 and sample['inputs'].dtype == torch.uint8
    assert sample['inputs'].shape[1:] == labels.shape[1:]
    assert max(labels.shape[1:]) <= 320
    # A random 320 crop of the enlarged image may hold one half only: both classes are
    # checked on the test sample, at full resolution.
    assert set(labels.unique().tolist()) <= {0, 1, 255} and (labels != 255).any()
    test = DATASETS.build(dict(cfg.test_dataloader.dataset, data_root=root, **extra))
    sample = test[0]
    assert tuple(sample['inputs'].shape[1:]) == (48, 64)  # full resolution
    assert set(sample['data_samples'].gt_sem_seg.data.unique().tolist()) == {0, 1}
    if cfg.val_dataloader is not None:
        val = DATASETS.build(dict(cfg.val_dataloader.dataset, data_root=root, **extra))
        assert tuple(val[0]['inputs'].shape[1:]) == (48, 64)  # full resolution
    tta = DATASETS.build(
        dict(cfg.test_dataloader.dataset, data_root=root, pipeline=cfg.tta_pipeline, **extra))
    augmented = tta[0]
    assert len(augmented['inputs']) == 6  # 3 scales x 2 flips


@pytest.mark.parametrize('name,dataset_type,resize_scale', [
    ('shi', 'ShiDefocusDataset', (640, 640)),
    ('shi_val60', 'ShiDefocusDataset', (640, 640)),
    ('dut', 'DUTDefocusDataset', (480, 480)),
    ('synthetic_defocus', 'SyntheticDefocusDataset', None),  # no resampling of blur radii
])
def test_loaders_use_the_bases_own_dataset_and_pipeline(dataset_config, name, dataset_type,
                                                        resize_scale):
    # dut.py, shi_val60.py and synthetic_defocus.py inherit shi.py: nothing of Shi's may leak
    # into them.
    cfg = dataset_config(name)
    loaders = [cfg.train_dataloader, cfg.test_dataloader]
    if VAL_SPLIT[name] is None:  # no validation: val_dataloader, val_evaluator, val_cfg unset
        assert cfg.val_dataloader is None and cfg.val_evaluator is None and cfg.val_cfg is None
    else:
        loaders.append(cfg.val_dataloader)
        assert cfg.val_dataloader.dataset.split == VAL_SPLIT[name]
        assert cfg.val_dataloader.dataset.pipeline == cfg.test_pipeline
        assert cfg.val_evaluator == dict(type='DefocusMetric')
        assert cfg.val_cfg == dict(type='ValLoop')
    for loader in loaders:
        assert loader.dataset.type == dataset_type
        assert loader.dataset.data_root == cfg.data_root
    assert cfg.train_dataloader.dataset.pipeline == cfg.train_pipeline
    assert cfg.test_dataloader.dataset.pipeline == cfg.test_pipeline
    assert [cfg.train_dataloader.dataset.split, cfg.test_dataloader.dataset.split] == [
        TRAIN_SPLIT[name], 'test']
    resizes = [t for t in cfg.train_pipeline if t['type'] == 'RandomResize']
    assert [t['scale'] for t in resizes] == ([resize_scale] if resize_scale else [])
    assert [t['type'] for t in cfg.train_pipeline if t['type'] != 'RandomResize'] == [
        'LoadImageFromFile', 'LoadDefocusAnnotations', 'RandomRotate', 'RandomCrop',
        'RandomFlip', 'PackSegInputs']
