"""A tiny one-channel blur detector (config + checkpoint) for tests of the inference API/tool.

The model of tests/data/configs/tiny_seg.py (a small mmseg EncoderDecoder with a one-channel
FCNHead: sigmoid, threshold 0.5), randomly initialised: the tests check the inference machinery,
not what the model has learnt.
"""
import os
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmseg.registry import MODELS

from tiny_data import TINY_CONFIG, randomise_bn

# The tiny segmentor of the tool tests (tests/data/configs/tiny_seg.py): one definition.
_TINY_SEG = Config.fromfile(TINY_CONFIG)
TINY_MODEL = _TINY_SEG.model.to_dict()
#: Name of the tiny detector's release (:func:`make_tiny_release`).
TINY_RELEASE = 'tiny_blur-v1'


def make_tiny_detector(folder: str, seed: int = 0):
    """Write ``tiny_detector.py`` (config) and ``tiny_detector.pth`` (checkpoint).

    Args:
        folder (str): Existing folder for both files.
        seed (int): Seed of the random weights.

    Returns:
        tuple[str, str]: Config and checkpoint paths.
    """
    init_default_scope('mmseg')
    # Its test pipeline loads annotations, as dataset configs do; inference drops that step.
    config = Config(dict(model=TINY_MODEL, test_pipeline=_TINY_SEG.test_pipeline,
                         default_scope='mmseg'))
    config_path = osp.join(folder, 'tiny_detector.py')
    config.dump(config_path)
    torch.manual_seed(seed)
    model = MODELS.build(config.model)
    model.init_weights()
    # Non-trivial BN, so that the map is not a constant 0.5.
    randomise_bn(model, seed)
    checkpoint_path = osp.join(folder, 'tiny_detector.pth')
    torch.save({'meta': {'dataset_meta': {'classes': ('focus', 'blur')}},
                'state_dict': model.state_dict()}, checkpoint_path)
    return config_path, checkpoint_path


def make_tiny_release(folder: str, name: str = TINY_RELEASE, seed: int = 0) -> str:
    """A release of the tiny detector in ``folder`` (made by :func:`make_release`).

    Args:
        folder (str): Folder of the release (created); its ``source`` subfolder gets the
            config and checkpoint it is made from.
        name (str): Release name.
        seed (int): Seed of the random weights.

    Returns:
        str: ``folder``.
    """
    from mmseg_r2mrf.apis import make_release
    source = osp.join(folder, 'source')
    os.makedirs(source, exist_ok=True)
    config, checkpoint = make_tiny_detector(source, seed)
    make_release(checkpoint, config, name, out_dir=folder,
                 card_fields=dict(seed=seed, weights_licence='Apache-2.0 (test)'))
    return folder
