"""Shared test set-up: small, deterministic, CPU-only."""
import os
import shutil

import pytest
import torch

from tiny_data import REPO_ROOT

# CI has 2 cores; pytest runs the suite in one process. OMP_NUM_THREADS, where set (e.g. 1 beside
# a training run), is left to torch.
if not os.environ.get('OMP_NUM_THREADS'):
    torch.set_num_threads(min(2, os.cpu_count() or 1))


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(autouse=True)
def _mmseg_scope():
    """Every test builds through mmseg's registries, as configs with default_scope do."""
    from mmengine.registry import init_default_scope

    import mmseg_r2mrf  # noqa: F401
    init_default_scope('mmseg')
    yield


@pytest.fixture(scope='session')
def tiny(tmp_path_factory) -> tuple:
    """Config and checkpoint of the tiny one-channel blur detector (tests/tiny_detector.py)."""
    from tiny_detector import make_tiny_detector
    return make_tiny_detector(str(tmp_path_factory.mktemp('tiny')))


@pytest.fixture(scope='session')
def exif_rotated(tiny, tmp_path_factory) -> dict:
    """A JPEG stored 24 x 40 with EXIF orientation 6 (shown rotated, 40 x 24), and the tiny
    detector with the dataset configs' loader, which ignores the orientation as the masks do.

    Returns:
        dict: ``image`` (the JPEG), ``stored_shape`` ((H, W) as stored), ``config`` and
        ``checkpoint`` (the tiny detector, ``color_type='color_ignore_orientation'``).
    """
    from mmengine.config import Config
    from PIL import Image

    from tiny_data import textured_image
    folder = tmp_path_factory.mktemp('exif')
    image = str(folder / 'rotated.jpg')
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    Image.fromarray(textured_image(24, 40)[..., ::-1]).save(image, exif=exif.tobytes(),
                                                            quality=95)
    config = Config.fromfile(tiny[0])
    config.test_pipeline[0].color_type = 'color_ignore_orientation'
    config_path = str(folder / 'tiny_ignore_orientation.py')
    config.dump(config_path)
    return dict(image=image, stored_shape=(24, 40), config=config_path, checkpoint=tiny[1])


@pytest.fixture
def mmengine_log():
    """What mmengine's current logger records during the test, as text (``.text``)."""
    import io
    import logging

    from mmengine.logging import MMLogger

    class _Log:
        stream = io.StringIO()

        @property
        def text(self) -> str:
            return self.stream.getvalue()

    log = _Log()
    handler = logging.StreamHandler(log.stream)
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    yield log
    logger.removeHandler(handler)


@pytest.fixture(scope='session')
def release_dir(tmp_path_factory) -> str:
    """A release of the tiny detector (``tiny_detector.TINY_RELEASE``) with its source files."""
    from tiny_detector import make_tiny_release
    return make_tiny_release(str(tmp_path_factory.mktemp('release')))


@pytest.fixture
def release_copy(release_dir, tmp_path) -> str:
    """A copy of :func:`release_dir` that a test may damage."""
    folder = str(tmp_path / 'copy')
    shutil.copytree(release_dir, folder)
    return folder
