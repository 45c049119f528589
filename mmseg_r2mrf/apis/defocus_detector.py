"""Defocus blur maps from a trained checkpoint or a released model, one image at a time, of any
size."""
import copy
import os.path as osp
from pathlib import Path
from typing import List, Optional, Union

import numpy as np
import torch
from mmengine.config import Config, ConfigDict
from mmengine.dataset import Compose
from mmengine.runner.checkpoint import _load_checkpoint_to_model

from mmseg_r2mrf_onnx import BlurMapPredictor

from mmseg.apis import init_model

from ..compat import check_checkpoint_fits, safe_load_checkpoint
from ..fileio import read_image
from ..pretrained import find_release, list_pretrained
from ..structures import blur_probability

ImageInput = Union[str, Path, np.ndarray]

#: Options of the config's ``LoadImageFromFile`` step that decide how a file is decoded.
LOAD_OPTIONS = ('color_type', 'imdecode_backend', 'backend_args')


#: Pipeline steps that read ground truth, which inference does not have.
ANNOTATION_LOADERS = ('LoadAnnotations', 'LoadDefocusAnnotations')


class DefocusDetector(BlurMapPredictor):
    """Predict per-pixel defocus blur probabilities with a trained segmentor.

    The model is built with mmseg's :func:`~mmseg.apis.init_model` (which drops training-only
    settings and pretrained-weight loading), then the checkpoint is read with
    :func:`~mmseg_r2mrf.compat.safe_load_checkpoint` (weights only; a missing, empty, truncated
    or non-checkpoint file is named with its problem) and must fit the model: missing,
    unexpected or differently shaped weights are a
    :class:`~mmseg_r2mrf.compat.CheckpointMismatchError` listing the keys, not a silently
    random model, unless ``allow_partial``. :meth:`from_pretrained` loads a released model
    that ships with the package, offline. Images
    go through the config's ``test_pipeline`` (without ``LoadAnnotations``) and the model's
    ``test_step``, as in ``tools/test.py``; image files are decoded with the options
    (``color_type``, ``imdecode_backend``, ``backend_args``) of the pipeline's image loader, so
    that, e.g., a JPEG's EXIF orientation is applied or ignored as the test pipeline does.

    Large photographs (``large_image``):

    * ``'resize'`` (default): an image whose longer side exceeds ``long_side`` is shrunk to
      it (area averaging), predicted whole, and its map enlarged back (bilinear). The model
      learned blur at the scale of its training images (the config's ``train_long_side``,
      the benchmarks' 400-640 px): a 12-megapixel photograph at full resolution shows blur
      discs several times larger than any it saw, and costs a hundred sliding windows.
    * ``'slide'``: full resolution; an image whose longer side exceeds ``slide_above`` is
      predicted with mmseg's sliding window (``test_cfg=dict(mode='slide', crop_size,
      stride)``), which bounds the memory.

    Other images use the config's own ``test_cfg``.

    Args:
        config (str, Path or Config): Model config.
        checkpoint (str or Path): Checkpoint of that model.
        device (str): ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.
        large_image (str): ``'resize'`` or ``'slide'``, see above.
        long_side (int, optional): Working resolution of ``'resize'``: the longer side, in
            pixels, above which images are shrunk. Default: the config's ``train_long_side``,
            else :data:`DEFAULT_LONG_SIDE`.
        slide_above (int, optional): Longer-side length in pixels above which ``'slide'``
            uses the sliding window; None: never.
        crop_size (int): Side of the sliding-window crops.
        stride (int): Step between crops (smaller than ``crop_size``: crops overlap and
            their logits are averaged).
        cfg_options (dict, optional): Overrides for the config, as ``--cfg-options``.
        allow_partial (bool): Load a checkpoint that fits the model only partly (what fits is
            loaded, the rest keeps its initialisation), with a warning listing the keys.

    Raises:
        FileNotFoundError: No such config or checkpoint file.
        CheckpointReadError: A checkpoint file that is empty, truncated or no checkpoint.
        UnsafeCheckpointError: A checkpoint whose pickle holds more than weights.
        CheckpointMismatchError: A checkpoint that does not fit the model (without
            ``allow_partial``).
    """

    def __init__(self,
                 config: Union[str, Path, Config],
                 checkpoint: Union[str, Path],
                 device: str = 'cpu',
                 large_image: str = 'resize',
                 long_side: Optional[int] = None,
                 slide_above: Optional[int] = 1024,
                 crop_size: int = 512,
                 stride: int = 384,
                 cfg_options: Optional[dict] = None,
                 allow_partial: bool = False):
        if isinstance(config, (str, Path)) and not osp.isfile(config):
            raise FileNotFoundError(f'no such config file: {config}')
        if not osp.isfile(checkpoint):
            raise FileNotFoundError(f'no such checkpoint file: {checkpoint}')
        if str(device).startswith('cuda') and not torch.cuda.is_available():
            raise RuntimeError(f'device {device!r} asked for, but CUDA is not available')
        self._check_large_image_options(large_image, long_side, crop_size, stride)
        # init_model changes the Config it is given: a caller's Config is left as it was.
        config = Config.fromfile(str(config)) if not isinstance(config, Config) else \
            copy.deepcopy(config)
        self.model = init_model(config, checkpoint=None, device=device,
                                cfg_options=cfg_options)
        weights = safe_load_checkpoint(str(checkpoint), map_location='cpu')
        check_checkpoint_fits(self.model, weights, str(checkpoint), allow_partial)
        # The runner's own loader (wrapper prefix, metadata); mismatches were checked above.
        _load_checkpoint_to_model(self.model, weights, strict=False, logger='current')
        self.model.eval()
        #: Name of the release (:meth:`from_pretrained`), None for a config and checkpoint.
        self.release: Optional[str] = None
        self._set_large_image_options(large_image, long_side,
                                      self.model.cfg.get('train_long_side'), slide_above,
                                      crop_size, stride)
        # mmseg reads test_cfg by attribute (test_cfg.mode), hence a ConfigDict.
        self.slide_cfg = ConfigDict(mode='slide', crop_size=(crop_size, crop_size),
                                    stride=(stride, stride))
        self.default_test_cfg = self.model.test_cfg
        pipeline = self._test_pipeline(self.model.cfg)
        self.load_options = {key: pipeline[0][key] for key in LOAD_OPTIONS if key in pipeline[0]}
        # Images reach the pipeline as arrays (paths are read by read_image with the loader's
        # options), so that a path and the same array give the same result.
        self.pipeline = Compose([dict(type='LoadImageFromNDArray')] + pipeline[1:])

    @classmethod
    def from_pretrained(cls,
                        name: Optional[str] = None,
                        device: str = 'cpu',
                        root: Optional[str] = None,
                        **kwargs) -> 'DefocusDetector':
        """A detector of a released model, loaded offline from the installed package.

        The release's weights and config are checked against the sha256 of its index first
        (:func:`~mmseg_r2mrf.pretrained.find_release`): a changed file is refused.

        Args:
            name (str, optional): The release, e.g. ``'r2mrf_effnetlite0_syndof-v1'``;
                default the newest (the first of :meth:`list_pretrained`).
            device (str): ``'cpu'``, ``'cuda'`` or ``'cuda:N'``.
            root (str, optional): Folder of the releases; default the package's
                ``mmseg_r2mrf/pretrained/``.
            **kwargs: Other arguments of :class:`DefocusDetector` (``slide_above``, ...).

        Returns:
            DefocusDetector: The detector; its ``release`` attribute is the release's name.

        Raises:
            ReleaseNotFoundError: No release installed, none of that name, or a file missing.
            ReleaseIntegrityError: A release file whose sha256 is not the released one.
        """
        release = find_release(name, root)
        detector = cls(release.config, release.weights, device=device, **kwargs)
        detector.release = release.name
        return detector

    @staticmethod
    def list_pretrained(root: Optional[str] = None) -> List[str]:
        """Names of the installed releases, newest first ([] when none is installed).

        Args:
            root (str, optional): Folder of the releases; default the package's.

        Returns:
            list[str]: Release names for :meth:`from_pretrained`.
        """
        return list_pretrained(root)

    @staticmethod
    def _test_pipeline(cfg: Config) -> list:
        """The config's test pipeline without annotation loaders; checks its image loader."""
        pipeline = cfg.get('test_pipeline')
        if pipeline is None:
            pipeline = cfg.test_dataloader.dataset.pipeline
        pipeline = [t for t in pipeline if t.get('type') not in ANNOTATION_LOADERS]
        if not pipeline or 'LoadImage' not in pipeline[0].get('type', ''):
            raise ValueError('the config test_pipeline must start with an image loader, got '
                             f'{pipeline[:1]}')
        return pipeline

    def read_image(self, path: Union[str, Path], verify: bool = True) -> np.ndarray:
        """Read an image file as the config's test pipeline does (see :func:`read_image`).

        Args:
            path (str or Path): Image file.
            verify (bool): Decode it with Pillow first, which catches a truncated file.

        Returns:
            np.ndarray: (H, W, 3) uint8 in BGR order, as :meth:`predict` takes it.
        """
        return read_image(path, verify=verify, **self.load_options)

    @torch.no_grad()
    def _predict_at_full_size(self, image: np.ndarray) -> np.ndarray:
        self.model.test_cfg = (self.slide_cfg if self.uses_sliding_window(image.shape) else
                               self.default_test_cfg)
        data = self.pipeline(dict(img=image))
        batch = dict(inputs=[data['inputs']], data_samples=[data['data_samples']])
        try:
            result = self.model.test_step(batch)[0]
        finally:
            self.model.test_cfg = self.default_test_cfg
        # The metric's rule, so that predictions here are what tools/test.py scores.
        blur = blur_probability(result.seg_logits.data).astype(np.float32, copy=False)
        if blur.shape != image.shape[:2]:
            raise RuntimeError(f'prediction of shape {blur.shape} for an image of shape '
                               f'{image.shape[:2]}: the test_pipeline must keep ori_shape')
        return blur

