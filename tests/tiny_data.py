"""Tiny on-disk data, models and helpers for tests that run the real tools and models."""
import copy
import os
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from torch.nn.modules.batchnorm import _BatchNorm

TINY_CONFIG = osp.join(osp.dirname(osp.abspath(__file__)), 'data', 'configs', 'tiny_seg.py')


def half_blurred_pair(rng: np.random.Generator, height: int, width: int, sigma: float = 3.0,
                      blurred_half: str = 'right') -> tuple:
    """A random BGR uint8 texture, Gaussian-blurred on one half, and its 0/1 mask (1 = blurred).

    Args:
        rng (np.random.Generator): Source of the texture.
        height (int): Image height.
        width (int): Image width.
        sigma (float): Standard deviation of the blur.
        blurred_half (str): ``'right'`` or ``'left'``.

    Returns:
        tuple[np.ndarray, np.ndarray]: (H, W, 3) image and (H, W) uint8 mask.
    """
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    blurred = cv2.GaussianBlur(image, (0, 0), sigma)
    mask = np.zeros((height, width), np.uint8)
    half = slice(width // 2, None) if blurred_half == 'right' else slice(None, width // 2)
    mask[:, half] = 1
    image[:, half] = blurred[:, half]
    return image, mask


def textured_image(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A BGR uint8 image: random texture, blurred on its right half."""
    return half_blurred_pair(np.random.default_rng(seed), height, width)[0]


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
        image, mask = half_blurred_pair(rng, size, size)
        cv2.imwrite(osp.join(root, 'image', f'{index:03d}.png'), image)
        cv2.imwrite(osp.join(root, 'gt', f'{index:03d}.png'), mask)
    return root


def make_tiny_synthetic_layout(root: str, height: int = 32, width: int = 48) -> None:
    """Four pairs in the synthetic set's layout (labels 0/1): one in train, two in val, one
    in test."""
    rng = np.random.default_rng(0)
    os.makedirs(osp.join(root, 'image'))
    os.makedirs(osp.join(root, 'gt'))
    for index in range(4):
        image, mask = half_blurred_pair(rng, height, width)
        cv2.imwrite(osp.join(root, 'image', f'{index}.jpg'), image)
        cv2.imwrite(osp.join(root, 'gt', f'{index}.png'), mask)
    for split, stems in (('train', '0\n'), ('val', '1\n2\n'), ('test', '3\n')):
        with open(osp.join(root, f'{split}.txt'), 'w') as f:
            f.write(stems)


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


def exit_status(tool, argv) -> int:
    """The exit status of ``tool`` (from :func:`load_tool`) run with ``argv`` as its command
    line does it: expected errors become a message on stderr and a status (``run_main``)."""
    from mmseg_r2mrf.cli import run_main
    return run_main(lambda: tool.main(argv), prog=tool.__name__.removeprefix('tools_') + '.py')


BN = dict(type='BN', requires_grad=True)
# R²MRF's preprocessing (ImageNet normalisation, padding to a multiple of 32), from its model base.
R2MRF_DATA_PREPROCESSOR = Config.fromfile(
    osp.join(REPO_ROOT, 'configs', '_base_', 'models', 'r2mrf.py')).model.data_preprocessor
# ResNet-18 with 8 stem/base channels: stem 8, stages 8/16/32/64 channels, strides 4-32.
TINY_LEVEL_CHANNELS = {2: [8, 8], 4: [8, 8, 16, 32], 5: [8, 8, 16, 32, 64]}


def tiny_r2mrf_cfg(num_levels: int = 5, num_classes: int = 2, num_steps: int = 2,
                   **head_kwargs) -> ConfigDict:
    """An EncoderDecoder: tiny ResNetWithStem, AMDF, R2MRFHead (a few MMACs, CPU only).

    Args:
        num_levels (int): 2, 4 or 5 backbone levels (the stem plus 1, 3 or 4 stages).
        num_classes (int): 2 gives one sigmoid channel; more gives softmax.
        num_steps (int): Recurrent steps per branch.
        **head_kwargs: Overrides of the head's arguments.

    Returns:
        ConfigDict: The model config.
    """
    stages = num_levels - 1
    binary = num_classes == 2
    head = dict(
        type='R2MRFHead', in_channels=[8] * (num_levels + 1), channels=4,
        num_steps=num_steps, num_classes=num_classes, out_channels=1 if binary else None,
        threshold=0.5 if binary else None, norm_cfg=BN,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=binary, loss_weight=1.0))
    head.update(head_kwargs)
    return ConfigDict(
        type='EncoderDecoder',
        data_preprocessor=copy.deepcopy(R2MRF_DATA_PREPROCESSOR),
        backbone=dict(type='ResNetWithStem', depth=18, stem_channels=8, base_channels=8,
                      num_stages=stages, strides=(1, 2, 2, 2)[:stages],
                      dilations=(1, 1, 1, 1)[:stages], out_indices=tuple(range(stages)),
                      norm_cfg=BN),
        neck=dict(type='AMDF', in_channels=TINY_LEVEL_CHANNELS[num_levels],
                  level_channels=8, out_channels=8, norm_cfg=BN),
        decode_head=head,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def randomise_bn(model: torch.nn.Module, seed: int = 0) -> torch.nn.Module:
    """Give every BatchNorm non-trivial parameters and running statistics, in place.

    Freshly initialised BN layers are an identity in eval mode, which would hide a misplaced
    or skipped BN, and give constant maps.

    Args:
        model (nn.Module): Model whose BN layers are changed.
        seed (int): Seed of the random values.

    Returns:
        nn.Module: ``model``, in the mode it was in.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for module in model.modules():
            if not isinstance(module, _BatchNorm):
                continue
            shape = module.running_mean.shape
            if module.affine:
                module.weight.copy_(torch.rand(shape, generator=generator) + 0.5)
                module.bias.copy_(torch.randn(shape, generator=generator) * 0.1)
            module.running_mean.copy_(torch.randn(shape, generator=generator) * 0.1)
            module.running_var.copy_(torch.rand(shape, generator=generator) + 0.5)
    return model
