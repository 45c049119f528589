import os.path as osp

import cv2
import numpy as np
import pytest

from mmseg.registry import DATASETS

LOAD = [dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
        dict(type='LoadDefocusAnnotations')]


@pytest.fixture
def synthetic_root(tmp_path, pair_writer):
    root = str(tmp_path / 'synthetic')
    stems = dict(train=['a_000', 'a_001', 'b_000'], test=['c_000'])
    for split, names in stems.items():
        for name in names:
            pair_writer(osp.join(root, 'image'), osp.join(root, 'gt'), name, polarity='label')
        with open(osp.join(root, f'{split}.txt'), 'w') as f:
            f.write('\n'.join(names) + '\n')
    # One ignored band, which must stay 255.
    mask = cv2.imread(osp.join(root, 'gt', 'c_000.png'), cv2.IMREAD_GRAYSCALE)
    mask[0] = 255
    cv2.imwrite(osp.join(root, 'gt', 'c_000.png'), mask)
    return root


def test_split_lists_and_label_encoding(synthetic_root, label_of):
    train = DATASETS.build(
        dict(type='SyntheticDefocusDataset', data_root=synthetic_root, split='train'))
    test = DATASETS.build(dict(type='SyntheticDefocusDataset', data_root=synthetic_root,
                               split='test', pipeline=LOAD))
    assert len(train) == 3 and len(test) == 1
    expected = label_of(12, 16)
    expected[0] = 255
    np.testing.assert_array_equal(test[0]['gt_seg_map'], expected)


def test_values_outside_the_encoding_are_rejected_naming_the_file(synthetic_root):
    path = osp.join(synthetic_root, 'gt', 'a_001.png')
    mask = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    mask[0, 0] = 200
    cv2.imwrite(path, mask)
    with pytest.raises(ValueError, match='a_001.png'):
        DATASETS.build(
            dict(type='SyntheticDefocusDataset', data_root=synthetic_root, split='train'))
