"""Tiny R²MRF models and batches for the model tests (a few MMACs each, CPU only)."""
import copy
from typing import List, Optional, Sequence, Tuple

import numpy as np
import pytest
import torch
from mmengine.structures import PixelData

from mmseg.structures import SegDataSample

# Aliased: the fixture below takes the name.
from tiny_data import half_blurred_pair
from tiny_data import tiny_r2mrf_cfg as _tiny_r2mrf_cfg


def _synthetic_pair(height: int, width: int, seed: int = 0) -> Tuple[np.ndarray, np.ndarray]:
    """A textured BGR image whose left half is blurred, and its 0/1 mask (1 = blurred)."""
    return half_blurred_pair(np.random.default_rng(seed), height, width, sigma=2.5,
                             blurred_half='left')


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
    """:func:`tiny_data.tiny_r2mrf_cfg`: the config of a tiny R²MRF segmentor."""
    return _tiny_r2mrf_cfg


@pytest.fixture
def make_batch():
    """:func:`_make_batch`: raw images and labelled data samples."""
    return _make_batch


@pytest.fixture
def run_beside_parent():
    """Runs a ``*WithStem`` backbone and its parent class, given the same weights, on one input.

    Asserts that the backbone returns one level more than the parent (its stem, first) and
    that its other levels equal the parent's stages; returns the backbone's outputs (eval mode).
    """

    def run(model: torch.nn.Module, parent: torch.nn.Module,
            x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        parent.load_state_dict(model.state_dict())
        model.eval()
        parent.eval()
        with torch.no_grad():
            outs, stages = model(x), parent(x)
        assert len(outs) == len(stages) + 1
        for out, stage in zip(outs[1:], stages):
            assert torch.equal(out, stage)
        return outs

    return run


@pytest.fixture
def build_tiny():
    """Builds :func:`tiny_data.tiny_r2mrf_cfg` through the registry with a fixed seed."""
    from mmseg.registry import MODELS

    def build(seed: Optional[int] = 0, **kwargs):
        if seed is not None:
            torch.manual_seed(seed)
        return MODELS.build(copy.deepcopy(_tiny_r2mrf_cfg(**kwargs)))

    return build
