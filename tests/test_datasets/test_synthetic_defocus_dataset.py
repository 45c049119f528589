import os
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from mmseg.registry import DATASETS


@pytest.fixture
def synthetic_root(tmp_path, pair_writer):
    root = str(tmp_path / 'synthetic')
    stems = dict(train=['a_000', 'a_001', 'b_000'], val=['d_000', 'd_001'], test=['c_000'])
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


def expected_test_label(label_of):
    """What c_000.png of ``synthetic_root`` holds: the left half blurred, row 0 ignored."""
    expected = label_of(12, 16)
    expected[0] = 255
    return expected


def build(root, split, **kwargs):
    return DATASETS.build(
        dict(type='SyntheticDefocusDataset', data_root=root, split=split, **kwargs))


def test_split_lists_and_label_encoding(synthetic_root, label_of, load_pipeline):
    train = build(synthetic_root, 'train')
    val = build(synthetic_root, 'val')
    test = build(synthetic_root, 'test', pipeline=load_pipeline)
    assert len(train) == 3 and len(val) == 2 and len(test) == 1
    assert [osp.basename(info['img_path']) for info in val] == ['d_000.jpg', 'd_001.jpg']
    np.testing.assert_array_equal(test[0]['gt_seg_map'], expected_test_label(label_of))
    with pytest.raises(ValueError, match="one of \\('train', 'val', 'test'\\)"):
        build(synthetic_root, 'validation')


def test_a_set_without_validation_split_is_refused_clearly(synthetic_root):
    """Sets written by the generator before it had a validation split: regenerate them."""
    os.remove(osp.join(synthetic_root, 'val.txt'))
    with pytest.raises(FileNotFoundError, match=f'{synthetic_root} has no val.txt.*regenerate'):
        build(synthetic_root, 'val')
    assert len(build(synthetic_root, 'train')) == 3  # the other splits still load


def test_values_outside_the_encoding_are_rejected_naming_the_file(synthetic_root):
    path = osp.join(synthetic_root, 'gt', 'a_001.png')
    mask = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    mask[0, 0] = 200
    cv2.imwrite(path, mask)
    with pytest.raises(ValueError, match='a_001.png'):
        build(synthetic_root, 'train')


def test_16_bit_label_mask_loads_the_labels_that_were_checked(synthetic_root, label_of,
                                                              load_pipeline):
    """Label values are class ids: a 16-bit 0/1/255 file keeps them (no scaling to 8 bits)."""
    path = osp.join(synthetic_root, 'gt', 'c_000.png')
    assert cv2.imwrite(path, expected_test_label(label_of).astype(np.uint16))
    assert cv2.imread(path, cv2.IMREAD_UNCHANGED).dtype == np.uint16
    test = build(synthetic_root, 'test', pipeline=load_pipeline)  # the build-time check
    np.testing.assert_array_equal(test[0]['gt_seg_map'], expected_test_label(label_of))
    assert test[0]['gt_seg_map'].dtype == np.uint8


def test_palette_label_mask_is_refused_at_build_time(synthetic_root, label_of):
    """OpenCV, which loads the masks, expands a palette to colours: the indices are lost."""
    path = osp.join(synthetic_root, 'gt', 'c_000.png')
    palette_image = Image.fromarray(expected_test_label(label_of), mode='L').convert('P')
    palette_image.putpalette([0, 0, 0, 200, 30, 30] + [255, 255, 255] * 254)
    palette_image.save(path)
    with pytest.raises(ValueError, match=r'c_000.png: .*one-channel.*3 channels'):
        build(synthetic_root, 'test')
