"""Bad data fails at construction, naming the file; odd but valid images are converted."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from PIL import Image

from mmseg.registry import DATASETS


@pytest.fixture
def shi_like(tmp_path, pair_writer):
    """A two-pair folder in Shi's layout, read with split 'all' (no list needed)."""
    root = str(tmp_path / 'data')
    for index, stem in enumerate(('out_of_focus0001', 'out_of_focus0002')):
        pair_writer(osp.join(root, 'image'), osp.join(root, 'gt'), stem, seed=index)
    return root


def build(root, **kwargs):
    return DATASETS.build(
        dict(type='ShiDefocusDataset', data_root=root, split='all', **kwargs))


def test_image_without_mask(shi_like):
    os.remove(osp.join(shi_like, 'gt', 'out_of_focus0002.png'))
    with pytest.raises(FileNotFoundError, match='out_of_focus0002.jpg has no mask'):
        build(shi_like)


def test_mask_without_image(shi_like):
    os.remove(osp.join(shi_like, 'image', 'out_of_focus0001.jpg'))
    with pytest.raises(FileNotFoundError, match='out_of_focus0001.png has no image'):
        build(shi_like)


def test_mask_size_differs_from_image(shi_like):
    cv2.imwrite(osp.join(shi_like, 'gt', 'out_of_focus0002.png'), np.zeros((12, 15), np.uint8))
    with pytest.raises(ValueError, match='out_of_focus0002.png is 15x12'):
        build(shi_like)


def test_truncated_image(shi_like):
    path = osp.join(shi_like, 'image', 'out_of_focus0001.jpg')
    cv2.imwrite(path, np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8))
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(ValueError, match='out_of_focus0001.jpg.*truncated'):
        build(shi_like)


def test_unreadable_mask(shi_like):
    with open(osp.join(shi_like, 'gt', 'out_of_focus0001.png'), 'wb') as f:
        f.write(b'not a png at all')
    with pytest.raises(ValueError, match='out_of_focus0001.png'):
        build(shi_like)


def test_empty_folder(shi_like):
    for name in os.listdir(osp.join(shi_like, 'image')):
        os.remove(osp.join(shi_like, 'image', name))
    with pytest.raises(FileNotFoundError, match=r'image folder .*image holds no image'):
        build(shi_like)


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"folder '.*nowhere.image' does not exist"):
        build(str(tmp_path / 'nowhere'))


def test_split_list_naming_missing_file(shi_like):
    split = osp.join(shi_like, 'mine.txt')
    with open(split, 'w') as f:
        f.write('out_of_focus0001\nout_of_focus0999\n')
    with pytest.raises(FileNotFoundError, match='mine.txt.*out_of_focus0999'):
        build(shi_like, ann_file='mine.txt')


def test_grey_rgba_and_16_bit_images_are_converted(shi_like, label_of, load_pipeline):
    rng = np.random.default_rng(1)
    image_dir = osp.join(shi_like, 'image')
    for name in os.listdir(image_dir):
        os.remove(osp.join(image_dir, name))
    cv2.imwrite(osp.join(image_dir, 'out_of_focus0001.png'),
                rng.integers(0, 256, (12, 16), dtype=np.uint8))
    cv2.imwrite(osp.join(image_dir, 'out_of_focus0002.png'),
                rng.integers(0, 65536, (12, 16, 4), dtype=np.uint16))
    dataset = build(shi_like, pipeline=load_pipeline)
    for index in range(2):
        sample = dataset[index]
        assert sample['img'].shape == (12, 16, 3) and sample['img'].dtype == np.uint8
        np.testing.assert_array_equal(sample['gt_seg_map'], label_of(12, 16))


def test_masks_not_strictly_binary_are_binarised_at_128(shi_like, load_pipeline, mmengine_log):
    mask = np.array([[0, 127, 128, 255] * 4] * 12, np.uint8)
    grey = osp.join(shi_like, 'gt', 'out_of_focus0001.png')
    cv2.imwrite(grey, mask)
    label = build(shi_like, pipeline=load_pipeline)[0]['gt_seg_map']
    np.testing.assert_array_equal(label, np.array([[0, 0, 1, 1] * 4] * 12))
    # One warning for the dataset, naming the grey mask and not the binary one.
    warnings = [line for line in mmengine_log.text.splitlines() if 'not binary' in line]
    assert len(warnings) == 1 and '1 of 2 masks' in warnings[0] and grey in warnings[0]
    assert 'out_of_focus0002.png' not in warnings[0]


def test_exif_orientation_is_applied_to_neither(shi_like, dataset_config):
    """A JPEG tagged 'rotate 90°' stays as stored, like its mask, in every shipped pipeline."""
    from mmengine.dataset import Compose
    path = osp.join(shi_like, 'image', 'out_of_focus0001.jpg')
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    Image.fromarray(np.zeros((12, 16, 3), np.uint8)).save(path, exif=exif)
    info = build(shi_like).get_data_info(0)
    for name in ('shi', 'dut', 'synthetic_defocus'):
        loaded = Compose(dataset_config(name).test_pipeline[:2])(dict(info))
        assert loaded['img'].shape[:2] == loaded['gt_seg_map'].shape == (12, 16), name


@pytest.mark.parametrize('dataset_type,split', [
    ('ShiDefocusDataset', 'trainval'), ('SyntheticDefocusDataset', 'all'),
    ('DUTDefocusDataset', 'cuhk_test'), ('DefocusDataset', 'train')])
def test_unknown_split_is_rejected_naming_the_choices(shi_like, dataset_type, split):
    dataset_cls = DATASETS.get(dataset_type)
    with pytest.raises(ValueError, match=rf"{dataset_type}: split must be .*{split!r}") as error:
        DATASETS.build(dict(type=dataset_type, data_root=shi_like, split=split,
                            mask_polarity='blur'))
    for choice in dataset_cls.SPLITS:
        assert repr(choice) in str(error.value)

