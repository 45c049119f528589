import cv2
import numpy as np
import pytest

from mmseg_r2mrf.datasets.transforms import to_defocus_label

from mmseg.registry import TRANSFORMS


@pytest.fixture
def mask_file(tmp_path):
    path = str(tmp_path / 'mask.png')
    cv2.imwrite(path, np.array([[0, 90, 200, 255]], np.uint8))
    return path


@pytest.mark.parametrize('polarity,expected', [('blur', [0, 0, 1, 1]), ('focus', [1, 1, 0, 0])])
def test_polarity_and_binarisation(mask_file, polarity, expected):
    load = TRANSFORMS.build(dict(type='LoadDefocusAnnotations'))
    results = load(dict(seg_map_path=mask_file, mask_polarity=polarity, seg_fields=[]))
    np.testing.assert_array_equal(results['gt_seg_map'], [expected])
    assert results['gt_seg_map'].dtype == np.uint8
    assert results['seg_fields'] == ['gt_seg_map']


def test_rgb_mask_becomes_one_channel(tmp_path):
    path = str(tmp_path / 'rgb.bmp')
    cv2.imwrite(path, np.array([[[0, 0, 0], [255, 255, 255]]], np.uint8))
    load = TRANSFORMS.build(dict(type='LoadDefocusAnnotations', mask_polarity='focus'))
    np.testing.assert_array_equal(load(dict(seg_map_path=path))['gt_seg_map'], [[1, 0]])


def test_polarity_must_be_known_and_consistent(mask_file):
    with pytest.raises(ValueError, match='no mask polarity'):
        TRANSFORMS.build(dict(type='LoadDefocusAnnotations'))(dict(seg_map_path=mask_file))
    load = TRANSFORMS.build(dict(type='LoadDefocusAnnotations', mask_polarity='blur'))
    with pytest.raises(ValueError, match='contradicts'):
        load(dict(seg_map_path=mask_file, mask_polarity='focus'))
    with pytest.raises(ValueError, match='mask_polarity'):
        TRANSFORMS.build(dict(type='LoadDefocusAnnotations', mask_polarity='white'))


def test_label_masks_pass_through_and_bad_values_name_the_file(mask_file, tmp_path):
    labels = np.array([[0, 1, 255, 1]], np.uint8)
    np.testing.assert_array_equal(to_defocus_label(labels, 'label'), labels)
    load = TRANSFORMS.build(dict(type='LoadDefocusAnnotations', mask_polarity='label'))
    with pytest.raises(ValueError, match='mask.png.*90'):
        load(dict(seg_map_path=mask_file))


def test_nothing_stays_at_255_after_binarisation():
    mask = np.arange(256, dtype=np.uint8).reshape(16, 16)
    for polarity in ('blur', 'focus'):
        label = to_defocus_label(mask, polarity)
        assert set(np.unique(label)) == {0, 1}
        assert label[mask >= 128].all() == (polarity == 'blur')
