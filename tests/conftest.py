"""Shared test set-up: small, deterministic, CPU-only."""
import os

import pytest
import torch

# CI has 2 cores; pytest runs the suite in one process.
torch.set_num_threads(min(2, os.cpu_count() or 1))

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _mmseg_scope():
    """Every test builds through mmseg's registries, as configs with default_scope do."""
    import mmseg_r2mrf  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')
    yield
