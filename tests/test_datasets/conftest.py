"""Writers of tiny fake copies of the published defocus dataset layouts, and shared set-up."""
import os
import os.path as osp
from typing import Callable, List

import cv2
import mmengine
import numpy as np
import pytest
from mmengine.config import Config

from mmseg_r2mrf.datasets import SHI_TEST_SPLIT


def blurred_left_half(height: int, width: int) -> np.ndarray:
    """The ground truth of every fake pair: the left half blurred (True), the right in focus."""
    blurred = np.zeros((height, width), bool)
    blurred[:, :width // 2] = True
    return blurred


def write_pair(image_dir: str, mask_dir: str, stem: str, image_suffix: str = '.jpg',
               mask_suffix: str = '.png', polarity: str = 'blur', size=(12, 16),
               seed: int = 0) -> None:
    """Write one image and its mask, the mask stored in the layout's own polarity.

    Args:
        image_dir (str): Image folder (created).
        mask_dir (str): Mask folder (created).
        stem (str): File stem.
        image_suffix (str): Image suffix, e.g. ``.JPG``.
        mask_suffix (str): Mask suffix, e.g. ``.bmp``.
        polarity (str): ``'blur'`` (255 = blurred), ``'focus'`` (255 = in focus) or
            ``'label'`` (1 = blurred).
        size (tuple): (height, width).
        seed (int): Seed of the image noise.
    """
    os.makedirs(image_dir, exist_ok=True)
    os.makedirs(mask_dir, exist_ok=True)
    height, width = size
    image = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    blurred = blurred_left_half(height, width)
    if polarity == 'blur':
        mask = np.where(blurred, 255, 0)
    elif polarity == 'focus':
        mask = np.where(blurred, 0, 255)
    else:
        mask = blurred.astype(np.uint8)
    # cv2.imwrite picks the format from the suffix, whatever its case.
    assert cv2.imwrite(osp.join(image_dir, stem + image_suffix), image)
    assert cv2.imwrite(osp.join(mask_dir, stem + mask_suffix), mask.astype(np.uint8))


@pytest.fixture
def pair_writer() -> Callable:
    return write_pair


@pytest.fixture
def label_of() -> Callable:
    """Expected project labels (1 blurred, 0 in focus) of a fake pair of the given size."""
    return lambda height, width: blurred_left_half(height, width).astype(np.uint8)


@pytest.fixture
def load_pipeline() -> List[dict]:
    """The loading steps of every shipped pipeline: the image as stored, the mask as labels."""
    return [dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
            dict(type='LoadDefocusAnnotations')]


@pytest.fixture(scope='session')
def shi_test_stems() -> List[str]:
    """The stems of the shipped Shi et al. test list, in order."""
    return [line.strip() for line in mmengine.list_from_file(SHI_TEST_SPLIT) if line.strip()]


@pytest.fixture
def dataset_config(repo_root) -> Callable[[str], Config]:
    """Load a dataset config base by name, e.g. ``'shi'``."""
    return lambda name: Config.fromfile(
        osp.join(repo_root, 'configs', '_base_', 'datasets', name + '.py'))
