"""Defocus blur maps from a trained checkpoint, for one image at a time, of any size."""
import copy
import os.path as osp
from pathlib import Path
from typing import Optional, Tuple, Union

import mmcv
import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose
from mmengine.runner import load_checkpoint
from mmseg.apis import init_model

from ..datasets.image_file_check import read_image_size

ImageInput = Union[str, Path, np.ndarray]


def read_image(path: Union[str, Path]) -> np.ndarray:
    """Read an image file as mmseg's ``LoadImageFromFile`` does: BGR, uint8, 3 channels.

    Grey images get three equal channels and an alpha channel is dropped.

    Args:
        path (str or Path): Image file.

    Returns:
        np.ndarray: (H, W, 3) uint8 in BGR order.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file is not a readable image or is truncated (OpenCV alone would
            decode a truncated JPEG with a grey bottom); the message names the file.
    """
    path = str(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'no such image file: {path}')
    read_image_size(path, full_decode=True)  # raises ValueError naming the file
    image = mmcv.imread(path, flag='color', channel_order='bgr', backend='cv2')
    if image is None:
        raise ValueError(f'cannot read the image file {path}: OpenCV cannot decode it')
    return image


def _as_bgr(image: np.ndarray) -> np.ndarray:
    if image.dtype != np.uint8:
        raise TypeError(f'expected a uint8 image array, got dtype {image.dtype}')
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[..., None], 3, axis=2))
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:  # BGRA: drop alpha as imread does
        return np.ascontiguousarray(image[..., :3])
    raise ValueError(f'expected an (H, W), (H, W, 3) or (H, W, 4) image array, got shape '
                     f'{image.shape}')


#: Pipeline steps that read ground truth, which inference does not have.
ANNOTATION_LOADERS = ('LoadAnnotations', 'LoadDefocusAnnotations')


class DefocusDetector:
    """Predict per-pixel defocus blur probabilities with a trained segmentor.

    The model is built with mmseg's :func:`~mmseg.apis.init_model` (which drops training-only
    settings and pretrained-weight loading), then the checkpoint is loaded **strictly**: a
    checkpoint that does not fit the config is an error, not a silently random model. Images
    go through the config's ``test_pipeline`` (without ``LoadAnnotations``) and the model's
    ``test_step``, as in ``tools/test.py``.

    Images whose longer side exceeds ``slide_above`` are predicted with mmseg's sliding
    window (``test_cfg=dict(mode='slide', crop_size, stride)``), which bounds the memory a
    large photograph needs; smaller images use the config's own ``test_cfg``.

    Args:
        config (str, Path or Config): Model config.
        checkpoint (str or Path): Checkpoint of that model.
        device (str): ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.
        slide_above (int, optional): Longer-side length in pixels above which the sliding
            window is used; None: never.
        crop_size (int): Side of the sliding-window crops.
        stride (int): Step between crops (smaller than ``crop_size``: crops overlap and
            their logits are averaged).
        cfg_options (dict, optional): Overrides for the config, as ``--cfg-options``.
    """

    def __init__(self,
                 config: Union[str, Path, Config],
                 checkpoint: Union[str, Path],
                 device: str = 'cpu',
                 slide_above: Optional[int] = 1024,
                 crop_size: int = 512,
                 stride: int = 384,
                 cfg_options: Optional[dict] = None):
        if isinstance(config, (str, Path)) and not osp.isfile(config):
            raise FileNotFoundError(f'no such config file: {config}')
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'no such checkpoint file: {checkpoint}')
        if str(device).startswith('cuda') and not torch.cuda.is_available():
            raise RuntimeError(f'device {device!r} asked for, but CUDA is not available')
        if not 0 < stride <= crop_size:
            raise ValueError(f'need 0 < stride <= crop_size, got stride {stride}, crop_size '
                             f'{crop_size}')
        config = Config.fromfile(str(config)) if not isinstance(config, Config) else \
            copy.deepcopy(config)
        self.model = init_model(config, checkpoint=None, device=device,
                                cfg_options=cfg_options)
        load_checkpoint(self.model, str(checkpoint), map_location='cpu', strict=True)
        self.model.eval()
        self.device = device
        self.slide_above = slide_above
        # mmseg reads test_cfg by attribute (test_cfg.mode), hence a ConfigDict.
        self.slide_cfg = ConfigDict(mode='slide', crop_size=(crop_size, crop_size),
                                    stride=(stride, stride))
        self.default_test_cfg = copy.deepcopy(self.model.test_cfg)
        self.pipeline = Compose(self._array_pipeline(self.model.cfg))

    @staticmethod
    def _array_pipeline(cfg: Config) -> list:
        pipeline = cfg.get('test_pipeline')
        if pipeline is None:
            pipeline = cfg.test_dataloader.dataset.pipeline
        pipeline = [copy.deepcopy(t) for t in pipeline
                    if t.get('type') not in ANNOTATION_LOADERS]
        if not pipeline or 'LoadImage' not in pipeline[0].get('type', ''):
            raise ValueError('the config test_pipeline must start with an image loader, got '
                             f'{pipeline[:1]}')
        # Images reach the pipeline as arrays (paths are read by read_image), so that a path
        # and the same array give the same result.
        pipeline[0] = dict(type='LoadImageFromNDArray')
        return pipeline

    def uses_sliding_window(self, shape: Tuple[int, ...]) -> bool:
        """Whether an image of this (H, W, ...) shape is predicted with the sliding window."""
        return self.slide_above is not None and max(shape[:2]) > self.slide_above

    @torch.no_grad()
    def predict(self, image: ImageInput) -> np.ndarray:
        """Blur probability map of one image.

        Args:
            image (str, Path or np.ndarray): An image file, or a uint8 array in mmseg's BGR
                order ((H, W, 3); (H, W) grey and (H, W, 4) BGRA are accepted too).

        Returns:
            np.ndarray: (H, W) float32 in [0, 1] at the image's size; 1 = blurred.
        """
        image = read_image(image) if isinstance(image, (str, Path)) else _as_bgr(image)
        self.model.test_cfg = (self.slide_cfg if self.uses_sliding_window(image.shape) else
                               self.default_test_cfg)
        data = self.pipeline(dict(img=image))
        batch = dict(inputs=[data['inputs']], data_samples=[data['data_samples']])
        try:
            result = self.model.test_step(batch)[0]
        finally:
            self.model.test_cfg = self.default_test_cfg
        scores = result.seg_logits.data
        if scores.shape[0] == 1:  # one-channel head: mmseg already applied the sigmoid
            blur = scores[0]
        elif scores.shape[0] == 2:  # two-class head: raw logits; class 1 = blurred
            blur = scores.softmax(dim=0)[1]
        else:
            raise ValueError(f'expected a one- or two-channel head, got {scores.shape[0]} '
                             'channels')
        blur = blur.float().clamp_(0, 1).cpu().numpy()
        if blur.shape != image.shape[:2]:
            raise RuntimeError(f'prediction of shape {blur.shape} for an image of shape '
                               f'{image.shape[:2]}: the test_pipeline must keep ori_shape')
        return blur
