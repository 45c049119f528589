import os
import os.path as osp

import mmengine
import numpy as np
import pytest

from mmseg_r2mrf.datasets import SHI_VAL_SPLIT

from mmseg.registry import DATASETS

# Stems with an upper-case .JPG in the original release (splits README).
UPPER_CASE_JPG = {'out_of_focus0026', 'out_of_focus0027', 'out_of_focus0028',
                  'out_of_focus0099', 'out_of_focus0103'}
TRAIN_STEMS = ['out_of_focus0001', 'out_of_focus0002', 'out_of_focus0700']


def image_suffix(stem):
    return '.JPG' if stem in UPPER_CASE_JPG else '.jpg'


@pytest.fixture
def shi_root(tmp_path, pair_writer, shi_test_stems):
    """A fake Shi et al. release: the 100 test stems, 3 training ones and 2 motion images."""
    root = str(tmp_path / 'shi')
    for index, stem in enumerate(shi_test_stems + TRAIN_STEMS + ['motion0001', 'motion0002']):
        pair_writer(osp.join(root, 'image'), osp.join(root, 'gt'), stem,
                    image_suffix=image_suffix(stem), polarity='blur', size=(8, 10), seed=index)
    return root


def test_shipped_split_list_has_100_stems(shi_test_stems):
    assert len(shi_test_stems) == len(set(shi_test_stems)) == 100
    assert all(stem.startswith('out_of_focus') for stem in shi_test_stems)


@pytest.mark.parametrize('split,count', [('test', 100), ('train', 3), ('all', 103)])
def test_splits_exclude_motion_and_each_other(shi_root, split, count):
    dataset = DATASETS.build(dict(type='ShiDefocusDataset', data_root=shi_root, split=split))
    stems = [osp.splitext(osp.basename(info['img_path']))[0] for info in dataset]
    assert len(dataset) == count
    assert not any(stem.startswith('motion') for stem in stems)
    if split == 'train':
        assert stems == TRAIN_STEMS
    if split == 'test':
        upper = {osp.splitext(osp.basename(info['img_path']))[0]
                 for info in dataset if info['img_path'].endswith('.JPG')}
        assert upper and upper == UPPER_CASE_JPG & set(stems)


def test_labels_have_project_polarity(shi_root, label_of, load_pipeline):
    dataset = DATASETS.build(
        dict(type='ShiDefocusDataset', data_root=shi_root, split='train', pipeline=load_pipeline))
    sample = dataset[0]
    assert sample['img'].shape == (8, 10, 3)
    np.testing.assert_array_equal(sample['gt_seg_map'], label_of(8, 10))


def test_split_list_naming_a_missing_file(shi_root, shi_test_stems):
    missing = shi_test_stems[0]
    os.remove(osp.join(shi_root, 'image', missing + image_suffix(missing)))
    os.remove(osp.join(shi_root, 'gt', missing + '.png'))
    with pytest.raises(FileNotFoundError, match=missing):
        DATASETS.build(dict(type='ShiDefocusDataset', data_root=shi_root, split='test'))


def test_mask_suffix_can_be_overridden(tmp_path, pair_writer, label_of, load_pipeline):
    """A copy whose masks were re-saved as .bmp: the class must not force .png."""
    root = str(tmp_path / 'shi_bmp')
    pair_writer(osp.join(root, 'image'), osp.join(root, 'gt'), 'out_of_focus0001',
                mask_suffix='.bmp')
    dataset = DATASETS.build(dict(type='ShiDefocusDataset', data_root=root, split='all',
                                  seg_map_suffix='.bmp', pipeline=load_pipeline))
    assert dataset.get_data_info(0)['seg_map_path'].endswith('out_of_focus0001.bmp')
    np.testing.assert_array_equal(dataset[0]['gt_seg_map'], label_of(12, 16))


def test_shipped_val_list_is_every_tenth_training_image(shi_test_stems):
    """The list is the documented rule applied once: the 6th, 16th, ... of the 604 training
    stems in sorted order, none of them a test image."""
    val = [line.strip() for line in mmengine.list_from_file(SHI_VAL_SPLIT) if line.strip()]
    test = set(shi_test_stems)
    train = [f'out_of_focus{i:04d}' for i in range(1, 705) if f'out_of_focus{i:04d}' not in test]
    assert len(train) == 604
    assert val == train[5::10]
    assert len(val) == len(set(val)) == 60 and not test & set(val)


@pytest.fixture
def shi_val_root(shi_root, tmp_path):
    """The fake release with a one-stem validation list (the shipped one names 60 files)."""
    val_list = tmp_path / 'val.txt'
    val_list.write_text('out_of_focus0002\n')
    return shi_root, str(val_list)


@pytest.mark.parametrize('split,expected', [
    ('val', ['out_of_focus0002']),
    ('train_without_val', ['out_of_focus0001', 'out_of_focus0700']),
    ('train', TRAIN_STEMS),  # the paper's 604: the validation images included
])
def test_val_split_is_held_out_of_the_training_images(shi_val_root, split, expected):
    root, val_list = shi_val_root
    dataset = DATASETS.build(dict(type='ShiDefocusDataset', data_root=root, split=split,
                                  val_split_file=val_list))
    assert [osp.splitext(osp.basename(info['img_path']))[0] for info in dataset] == expected


def test_val_list_naming_a_test_image_is_refused(shi_root, shi_test_stems, tmp_path):
    val_list = tmp_path / 'val.txt'
    val_list.write_text(f'out_of_focus0001\n{shi_test_stems[3]}\n')
    for split in ('val', 'train_without_val'):
        with pytest.raises(ValueError, match=f'val.txt names 1 test image.*{shi_test_stems[3]}'):
            DATASETS.build(dict(type='ShiDefocusDataset', data_root=shi_root, split=split,
                                val_split_file=str(val_list)))


def test_shipped_val_list_needs_the_whole_release(shi_root):
    # The fake release lacks the shipped list's images: named, before any training.
    with pytest.raises(FileNotFoundError, match=r'shi_defocus_val60.txt names \d+ file'):
        DATASETS.build(dict(type='ShiDefocusDataset', data_root=shi_root, split='val'))

