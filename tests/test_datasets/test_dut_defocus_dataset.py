import os.path as osp

import numpy as np
import pytest

from mmseg.registry import DATASETS


@pytest.fixture
def dut_root(tmp_path, pair_writer):
    """A fake DUT-DBD release, with the release's mix of '_' and '-' in folder names."""
    root = str(tmp_path / 'dut')
    for index in range(3):
        pair_writer(osp.join(root, 'DUT600S_Training'), osp.join(root, 'DUT600GT_Training'),
                    f'{index + 1:04d}', mask_suffix='.bmp', polarity='focus', seed=index)
    for index in range(2):
        pair_writer(osp.join(root, 'DUT500S-Testing'), osp.join(root, 'DUT500GT-Testing'),
                    f'{index + 1:04d}', mask_suffix='.bmp', polarity='focus', seed=10 + index)
    return root


@pytest.mark.parametrize('split,count', [('train', 3), ('test', 2)])
def test_counts_and_inverted_polarity(dut_root, label_of, load_pipeline, split, count):
    dataset = DATASETS.build(
        dict(type='DUTDefocusDataset', data_root=dut_root, split=split, pipeline=load_pipeline))
    assert len(dataset) == count
    for index in range(count):
        sample = dataset[index]
        assert sample['seg_map_path'].endswith('.bmp')
        # The files say 255 = in focus; the project says 1 = blurred.
        np.testing.assert_array_equal(sample['gt_seg_map'], label_of(12, 16))


def test_other_separator_spelling_is_found(tmp_path, pair_writer):
    root = str(tmp_path / 'dut')
    pair_writer(osp.join(root, 'DUT500S_Testing'), osp.join(root, 'DUT500GT_Testing'), '0001',
                mask_suffix='.bmp', polarity='focus')
    dataset = DATASETS.build(dict(type='DUTDefocusDataset', data_root=root, split='test'))
    assert len(dataset) == 1


def test_missing_release_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='DUT600S_Training'):
        DATASETS.build(dict(type='DUTDefocusDataset', data_root=str(tmp_path), split='train'))
