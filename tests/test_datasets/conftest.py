"""Fixtures over the fake dataset layouts of tests/fake_layouts.py, and shared set-up."""
import os.path as osp
from typing import Callable, List

import mmengine
import numpy as np
import pytest
from mmengine.config import Config

from mmseg_r2mrf.datasets import SHI_TEST_SPLIT

from fake_layouts import blurred_left_half, write_pair


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
