"""Tiny fake copies of the published defocus dataset layouts (Shi et al., DUT-DBD)."""
import os
import os.path as osp
from typing import Dict, Sequence

import cv2
import numpy as np


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


def write_fake_shi(root: str, splits: Dict[str, Sequence[str]], size=(48, 64)) -> Dict[str, str]:
    """A fake Shi et al. release with its own split lists (the shipped ones name 704 files).

    Args:
        root (str): Folder to create (``image/``, ``gt/``, masks 255 = blurred).
        splits (dict): ``'train'``, ``'val'``, ``'test'`` -> stems; the training images are
            those of ``'train'`` and ``'val'``.
        size (tuple): (height, width) of every image.

    Returns:
        dict: ``test_split_file`` and ``val_split_file``, the lists written under ``root``:
        arguments of ``ShiDefocusDataset``.
    """
    files = {}
    for index, stem in enumerate(sorted(set().union(*splits.values()))):
        write_pair(osp.join(root, 'image'), osp.join(root, 'gt'), stem, size=size, seed=index)
    for split in ('test', 'val'):
        files[f'{split}_split_file'] = osp.join(root, f'{split}.txt')
        with open(files[f'{split}_split_file'], 'w') as f:
            f.write(''.join(stem + '\n' for stem in splits.get(split, ())))
    return files


def write_fake_dut(root: str, num_train: int = 2, num_test: int = 3, size=(48, 64)) -> str:
    """A fake DUT-DBD release: ``.bmp`` masks with 255 = in focus, in the release's folders.

    Args:
        root (str): Folder to create.
        num_train (int): Images in ``DUT600S_Training``.
        num_test (int): Images in ``DUT500S-Testing``.
        size (tuple): (height, width) of every image.

    Returns:
        str: ``root``.
    """
    for split, count in (('600S_Training', num_train), ('500S-Testing', num_test)):
        for index in range(count):
            write_pair(osp.join(root, 'DUT' + split),
                       osp.join(root, 'DUT' + split.replace('S', 'GT', 1)), f'{index + 1:04d}',
                       mask_suffix='.bmp', polarity='focus', size=size, seed=100 + index)
    return root
