"""Tiny R²MRF models and batches for the model tests (a few MMACs each, CPU only)."""
import copy
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pytest
import torch
from mmengine.config import ConfigDict
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

BN = dict(type='BN', requires_grad=True)
# ResNet-18 with 8 stem/base channels: stem 8, stages 8/16/32/64 channels, strides 4-32.
TINY_LEVEL_CHANNELS = {2: [8, 8], 4: [8, 8, 16, 32], 5: [8, 8, 16, 32, 64]}


def _tiny_r2mrf_cfg(num_levels: int = 5, num_classes: int = 2, num_steps: int = 2,
                   **head_kwargs) -> ConfigDict:
    """An EncoderDecoder: tiny ResNetWithStem, AMDF, R2MRFHead.

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
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_val=0,
                               seg_pad_val=255, size_divisor=32),
        backbone=dict(type='ResNetWithStem', depth=18, stem_channels=8, base_channels=8,
                      num_stages=stages, strides=(1, 2, 2, 2)[:stages],
                      dilations=(1, 1, 1, 1)[:stages], out_indices=tuple(range(stages)),
                      norm_cfg=BN),
        neck=dict(type='AMDF', in_channels=TINY_LEVEL_CHANNELS[num_levels],
                  level_channels=8, out_channels=8, norm_cfg=BN),
        decode_head=head,
        train_cfg=dict(),
        test_cfg=dict(mode='whole'))


def _synthetic_pair(height: int, width: int, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """A textured BGR image whose left half is blurred, and its 0/1 mask (1 = blurred)."""
    import cv2
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    blurred = cv2.GaussianBlur(image, (0, 0), 2.5)
    mask = np.zeros((height, width), np.uint8)
    mask[:, :width // 2] = 1
    image[:, :width // 2] = blurred[:, :width // 2]
    return image, mask


def _make_batch(sizes: Sequence[Tuple[int, int]], num_classes: int = 2,
               seed: int = 0) -> dict:
    """Raw model input (before the data preprocessor): images and labelled data samples.

    Images are synthetic pairs; with ``num_classes > 2`` the label holds a class per
    vertical stripe.
    """
    inputs: List[torch.Tensor] = []
    samples: List[SegDataSample] = []
    for i, (h, w) in enumerate(sizes):
        image, mask = _synthetic_pair(h, w, seed + i)
        if num_classes > 2:
            mask = (np.arange(w)[None, :].repeat(h, 0) * num_classes // w).astype(np.uint8)
        inputs.append(torch.from_numpy(image).permute(2, 0, 1).contiguous())
        sample = SegDataSample(metainfo=dict(img_shape=(h, w), ori_shape=(h, w)))
        sample.gt_sem_seg = PixelData(data=torch.from_numpy(mask.astype(np.int64))[None])
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


@pytest.fixture
def tiny_r2mrf_cfg():
    """:func:`_tiny_r2mrf_cfg`: the config of a tiny R²MRF segmentor."""
    return _tiny_r2mrf_cfg


@pytest.fixture
def make_batch():
    """:func:`_make_batch`: raw images and labelled data samples."""
    return _make_batch


@pytest.fixture
def run_beside_parent():
    """Runs a ``*WithStem`` backbone and its parent class, given the same weights, on one input.

    Returns ``(outputs of the backbone, outputs of the parent)``, both in eval mode.
    """

    def run(model: torch.nn.Module, parent: torch.nn.Module, x: torch.Tensor):
        parent.load_state_dict(model.state_dict())
        model.eval()
        parent.eval()
        with torch.no_grad():
            return model(x), parent(x)

    return run


@pytest.fixture
def build_tiny():
    """Builds :func:`_tiny_r2mrf_cfg` through the registry with a fixed seed."""
    from mmseg.registry import MODELS

    def build(seed: Optional[int] = 0, **kwargs):
        if seed is not None:
            torch.manual_seed(seed)
        return MODELS.build(copy.deepcopy(_tiny_r2mrf_cfg(**kwargs)))

    return build
