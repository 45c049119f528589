"""Tiny on-disk data for tests that run the real tools."""
import os
import os.path as osp

import cv2
import numpy as np

TINY_CONFIG = osp.join(osp.dirname(osp.abspath(__file__)), 'data', 'configs', 'tiny_seg.py')


def make_tiny_seg_dataset(root: str, num_images: int = 4, size: int = 32, seed: int = 0) -> str:
    """Write ``image/*.png`` and 0/1 ``gt/*.png`` masks: a blurred half and a sharp half.

    Args:
        root (str): Folder to create.
        num_images (int): Number of image/mask pairs.
        size (int): Side of each square image.
        seed (int): Seed of the random textures.

    Returns:
        str: ``root``.
    """
    rng = np.random.default_rng(seed)
    os.makedirs(osp.join(root, 'image'), exist_ok=True)
    os.makedirs(osp.join(root, 'gt'), exist_ok=True)
    for index in range(num_images):
        image = rng.integers(0, 256, (size, size, 3), dtype=np.uint8)
        blurred = cv2.GaussianBlur(image, (0, 0), 3)
        mask = np.zeros((size, size), np.uint8)
        mask[:, size // 2:] = 1
        image[mask == 1] = blurred[mask == 1]
        cv2.imwrite(osp.join(root, 'image', f'{index:03d}.png'), image)
        cv2.imwrite(osp.join(root, 'gt', f'{index:03d}.png'), mask)
    return root
