"""A tiny one-channel blur detector (config + checkpoint) for tests of the inference API/tool.

A small mmseg EncoderDecoder with a one-channel FCNHead (sigmoid, threshold 0.5), randomly
initialised: the tests check the inference machinery, not what the model has learnt.
"""
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS

TINY_MODEL = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size_divisor=8),
    backbone=dict(
        type='ResNet', depth=18, stem_channels=8, base_channels=8, out_indices=(1, ),
        norm_cfg=dict(type='BN', requires_grad=True)),
    decode_head=dict(
        type='FCNHead', in_channels=16, in_index=0, channels=8, num_convs=1,
        concat_input=False, num_classes=2, out_channels=1, threshold=0.5,
        norm_cfg=dict(type='BN', requires_grad=True),
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))

TINY_TEST_PIPELINE = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),  # as in dataset configs; inference drops it
    dict(type='PackSegInputs'),
]


def make_tiny_detector(folder: str, seed: int = 0):
    """Write ``tiny_detector.py`` (config) and ``tiny_detector.pth`` (checkpoint).

    Args:
        folder (str): Existing folder for both files.
        seed (int): Seed of the random weights.

    Returns:
        tuple[str, str]: Config and checkpoint paths.
    """
    init_default_scope('mmseg')
    config = Config(dict(model=TINY_MODEL, test_pipeline=TINY_TEST_PIPELINE,
                         default_scope='mmseg'))
    config_path = osp.join(folder, 'tiny_detector.py')
    config.dump(config_path)
    torch.manual_seed(seed)
    model = MODELS.build(config.model)
    model.init_weights()
    # Non-trivial BN statistics and head bias, so the map is not a constant 0.5.
    for module in model.modules():
        if isinstance(module, torch.nn.BatchNorm2d):
            module.running_mean.uniform_(-0.1, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    checkpoint_path = osp.join(folder, 'tiny_detector.pth')
    torch.save({'meta': {'dataset_meta': {'classes': ('focus', 'blur')}},
                'state_dict': model.state_dict()}, checkpoint_path)
    return config_path, checkpoint_path


def textured_image(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A BGR uint8 image: random texture, blurred on its right half."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    blurred = cv2.GaussianBlur(image, (0, 0), 3)
    image[:, width // 2:] = blurred[:, width // 2:]
    return image
