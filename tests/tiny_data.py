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


REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def tiny_data_options(data_root: str) -> list:
    """``--cfg-options`` that point the tiny config at ``data_root``."""
    return [f'train_dataloader.dataset.data_root={data_root}',
            f'test_dataloader.dataset.data_root={data_root}']


def run_tool(tool: str, *args: str, env: dict = None, timeout: int = 300):
    """Run ``tools/<tool>`` with this interpreter, as a user would; returns CompletedProcess."""
    import subprocess
    import sys
    full_env = dict(os.environ, PYTHONUNBUFFERED='1', **(env or {}))
    if tool.endswith('.sh'):
        command = ['bash', osp.join(REPO_ROOT, 'tools', tool), *args]
        full_env.setdefault('PYTHON', sys.executable)
    else:
        command = [sys.executable, osp.join(REPO_ROOT, 'tools', tool), *args]
    return subprocess.run(command, cwd=REPO_ROOT, env=full_env, capture_output=True,
                          text=True, timeout=timeout)


def load_tool(tool: str):
    """Import ``tools/<tool>.py`` as a module, to test its functions directly."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(f'tools_{tool}',
                                                  osp.join(REPO_ROOT, 'tools', f'{tool}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
