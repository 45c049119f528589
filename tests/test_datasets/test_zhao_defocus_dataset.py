import os.path as osp

import numpy as np
import pytest

from mmseg.registry import DATASETS


@pytest.fixture
def zhao_root(tmp_path, pair_writer):
    """A fake Zhao et al. redistribution: renumbered 1.jpg/1.bmp, 255 = in focus."""
    root = str(tmp_path / 'zhao')
    layout = dict(train=('train_data/1204source', 'train_data/1204gt', 11),
                  cuhk_test=('test_data/CUHK/xu100-source', 'test_data/CUHK/xu100-gt', 2),
                  dut_test=('test_data/DUT/dut500-source', 'test_data/DUT/dut500-gt', 3))
    for images, masks, count in layout.values():
        for index in range(1, count + 1):
            pair_writer(osp.join(root, images), osp.join(root, masks), str(index),
                        mask_suffix='.bmp', polarity='focus', seed=index)
    return root


@pytest.mark.parametrize('split,count', [('train', 11), ('cuhk_test', 2), ('dut_test', 3)])
def test_splits_polarity_and_numeric_order(zhao_root, label_of, load_pipeline, split, count):
    dataset = DATASETS.build(
        dict(type='ZhaoDefocusDataset', data_root=zhao_root, split=split, pipeline=load_pipeline))
    assert len(dataset) == count
    stems = [osp.splitext(osp.basename(dataset.get_data_info(i)['img_path']))[0]
             for i in range(count)]
    assert stems == [str(i) for i in range(1, count + 1)]
    np.testing.assert_array_equal(dataset[0]['gt_seg_map'], label_of(12, 16))


def test_unknown_split_is_rejected(zhao_root):
    with pytest.raises(ValueError, match='split'):
        DATASETS.build(dict(type='ZhaoDefocusDataset', data_root=zhao_root, split='val'))
