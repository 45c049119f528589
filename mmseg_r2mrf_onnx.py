"""Defocus blur maps with ONNX Runtime: numpy, OpenCV and onnxruntime only.

A deployment (a photo pipeline, a server, a camera app) runs a model exported with
``tools/export_onnx.py`` without PyTorch, mmcv or mmseg::

    from mmseg_r2mrf_onnx import OnnxDefocusDetector

    detector = OnnxDefocusDetector('r2mrf.onnx')
    blur = detector.predict('photo.jpg')      # (H, W) float32, 1 = blurred
    numbers = detector.summarize('photo.jpg')  # blurred fraction, focus box, ...

This module never imports ``mmseg_r2mrf`` (whose import registers torch modules). It is also the
one home of what both detectors share: the large-image strategy (:func:`working_shape`,
:func:`predict_large_image`) and the per-image summary (:func:`summarize_blur_map`).

The exported graph's contract (``tools/export_onnx.py``): input ``image``, ``(1, H, W, 3)``
uint8, BGR as OpenCV reads it; outputs ``blur_probability`` ``(1, 1, H, W)`` in [0, 1] and
``blur_logit`` (the scores it comes from), at the input's resolution; metadata
``train_long_side`` (working resolution), ``color_type`` (how the config's loader decodes
files) and ``threshold``.
"""
import os.path as osp
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np

ImageInput = Union[str, Path, np.ndarray]

#: Keys of a summary, in the order of ``tools/infer.py --summary``'s columns.
SUMMARY_FIELDS = ('image', 'blurred_fraction', 'mean_blur_probability', 'focus_x0', 'focus_y0',
                  'focus_x1', 'focus_y1')
#: How large photographs are predicted: shrunk to the working resolution, or at full
#: resolution with a sliding window.
LARGE_IMAGE_MODES = ('resize', 'slide')
#: Working resolution for models that do not state theirs: the longer side of Shi's and DUT's
#: images, the scale the synthetic set renders at.
DEFAULT_LONG_SIDE = 640
#: OpenCV flags of mmcv's ``color_type`` values that the dataset configs use.
_CV2_FLAGS = {'color': cv2.IMREAD_COLOR,
              'color_ignore_orientation': cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION}


def summarize_blur_map(prob: np.ndarray,
                       threshold: float = 0.5,
                       image: Optional[Union[str, Path]] = None) -> Dict[str, object]:
    """Summarise a blur probability map in the numbers a photographer asks for.

    A pixel is blurred where its probability is ``>= threshold`` (the rule of
    ``tools/infer.py --binary``) and in focus elsewhere. The focus box is the bounding box of
    all in-focus pixels, in pixel coordinates of the image: column ``x``, row ``y``, origin
    top-left, ``x0``/``y0`` inclusive and ``x1``/``y1`` exclusive, so that
    ``prob[y0:y1, x0:x1]`` is the box and ``x1 - x0`` its width. With no pixel in focus the
    four are None.

    Args:
        prob (np.ndarray): (H, W) blur probabilities in [0, 1] (1 = blurred).
        threshold (float): Probability from which a pixel counts as blurred, in [0, 1].
        image (str or Path, optional): The image's file, for the ``image`` key.

    Returns:
        dict: The keys of :data:`SUMMARY_FIELDS`: ``image`` (str or None),
        ``blurred_fraction`` (share of blurred pixels), ``mean_blur_probability`` and
        ``focus_x0``, ``focus_y0``, ``focus_x1``, ``focus_y1`` (int or None).

    Raises:
        ValueError: A map that is not 2-D, is empty, or holds values outside [0, 1] (NaN
            included), or a threshold outside [0, 1].
    """
    prob = np.asarray(prob)
    if prob.ndim != 2 or prob.size == 0:
        raise ValueError(f'expected a non-empty (H, W) blur map, got shape {prob.shape}')
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f'threshold must be in [0, 1], got {threshold}')
    if not (np.all(prob >= 0) and np.all(prob <= 1)):  # NaN fails both
        raise ValueError('blur probabilities must be in [0, 1], got values in '
                         f'[{np.nanmin(prob)}, {np.nanmax(prob)}] (NaN: {np.isnan(prob).any()})')
    blurred = prob >= threshold
    in_focus = ~blurred
    rows, cols = np.flatnonzero(in_focus.any(axis=1)), np.flatnonzero(in_focus.any(axis=0))
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1) if rows.size \
        else (None, ) * 4
    return dict(zip(SUMMARY_FIELDS, (
        None if image is None else str(image),
        float(blurred.mean()),
        float(prob.mean(dtype=np.float64)),
        *box)))


def working_shape(shape: Sequence[int], long_side: int) -> Tuple[int, int]:
    """The (H, W) at which an image of ``shape`` is predicted: its longer side at most
    ``long_side``, the aspect kept, never enlarged."""
    height, width = int(shape[0]), int(shape[1])
    scale = long_side / max(height, width)
    if scale >= 1:
        return height, width
    return max(1, round(height * scale)), max(1, round(width * scale))


def predict_large_image(image: np.ndarray, long_side: int,
                        predict: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``predict`` at the working resolution, the map enlarged back to the image's size.

    Shrinking averages pixels (OpenCV's area interpolation, as mmcv's ``'area'``); the map is
    enlarged bilinearly and kept in [0, 1].

    Args:
        image (np.ndarray): (H, W, 3) uint8 image.
        long_side (int): Working resolution (longer side, pixels).
        predict (callable): (h, w, 3) image -> (h, w) float32 map.

    Returns:
        np.ndarray: (H, W) float32 map.
    """
    height, width = image.shape[:2]
    work_height, work_width = working_shape(image.shape, long_side)
    if (work_height, work_width) == (height, width):
        return predict(image)
    small = cv2.resize(image, (work_width, work_height), interpolation=cv2.INTER_AREA)
    blur = cv2.resize(predict(small), (width, height), interpolation=cv2.INTER_LINEAR)
    return np.clip(blur, 0.0, 1.0)


def sliding_windows(height: int, width: int, crop_size: int,
                    stride: int) -> List[Tuple[int, int, int, int]]:
    """The (y1, y2, x1, x2) windows of mmseg's ``slide_inference`` over an image."""
    rows = max(height - crop_size + stride - 1, 0) // stride + 1
    cols = max(width - crop_size + stride - 1, 0) // stride + 1
    windows = []
    for row in range(rows):
        for col in range(cols):
            y2, x2 = min(row * stride + crop_size, height), min(col * stride + crop_size, width)
            windows.append((max(y2 - crop_size, 0), y2, max(x2 - crop_size, 0), x2))
    return windows


def _probability(logits: np.ndarray) -> np.ndarray:
    """(C, H, W) scores -> (H, W) probability of label 1, as the exported graph computes it."""
    if logits.shape[0] == 1:
        return (1.0 / (1.0 + np.exp(-logits[0]))).astype(np.float32)
    shifted = np.exp(logits - logits.max(axis=0, keepdims=True))
    return (shifted[1] / shifted.sum(axis=0)).astype(np.float32)


class BlurMapPredictor:
    """What both detectors share: checking the large-image options, :meth:`predict` with the
    large-image strategy, and :meth:`summarize`.

    A subclass calls :meth:`_set_large_image_options` in its constructor and provides
    ``read_image(path)`` and ``_predict_at_full_size(image)`` (a uint8 BGR image -> its
    (H, W) float32 map, with the sliding window where :meth:`uses_sliding_window` says).
    """

    large_image: str
    long_side: int
    slide_above: Optional[int]
    crop_size: int
    stride: int

    @staticmethod
    def _check_large_image_options(large_image: str, long_side: Optional[int], crop_size: int,
                                   stride: int) -> None:
        if large_image not in LARGE_IMAGE_MODES:
            raise ValueError(f'large_image must be one of {LARGE_IMAGE_MODES}, got '
                             f'{large_image!r}')
        if long_side is not None and long_side < 32:
            raise ValueError(f'long_side must be at least 32 pixels, got {long_side}')
        if not 0 < stride <= crop_size:
            raise ValueError(f'need 0 < stride <= crop_size, got stride {stride}, crop_size '
                             f'{crop_size}')

    def _set_large_image_options(self, large_image: str, long_side: Optional[int],
                                 model_long_side: Optional[object], slide_above: Optional[int],
                                 crop_size: int, stride: int) -> None:
        """Checks and keeps the options; ``long_side`` defaults to the model's
        (``model_long_side``), else :data:`DEFAULT_LONG_SIDE`."""
        self._check_large_image_options(large_image, long_side, crop_size, stride)
        self.large_image = large_image
        self.long_side = int(long_side or model_long_side or DEFAULT_LONG_SIDE)
        self.slide_above = slide_above
        self.crop_size, self.stride = crop_size, stride

    def read_image(self, path: Union[str, Path], verify: bool = True) -> np.ndarray:
        raise NotImplementedError

    def _predict_at_full_size(self, image: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def uses_sliding_window(self, shape: Sequence[int]) -> bool:
        """Whether an image of this (H, W, ...) shape is predicted with the sliding window."""
        return (self.large_image == 'slide' and self.slide_above is not None
                and max(shape[:2]) > self.slide_above)

    def predict(self, image: ImageInput) -> np.ndarray:
        """Blur probability map of one image.

        Args:
            image (str, Path or np.ndarray): An image file, or a uint8 BGR array ((H, W, 3);
                (H, W) grey and (H, W, 4) BGRA are accepted too).

        Returns:
            np.ndarray: (H, W) float32 in [0, 1] at the image's size; 1 = blurred.
        """
        image = self.read_image(image) if isinstance(image, (str, Path)) else as_bgr(image)
        if self.large_image == 'slide':
            return self._predict_at_full_size(image)
        return predict_large_image(image, self.long_side, self._predict_at_full_size)

    def summarize(self, image: ImageInput, threshold: float = 0.5) -> Dict[str, object]:
        """The per-image numbers of ``tools/infer.py --summary`` for one image.

        Args:
            image (str, Path or np.ndarray): As :meth:`predict` takes it.
            threshold (float): Probability from which a pixel counts as blurred.

        Returns:
            dict: ``image`` (the path, None for an array), ``blurred_fraction``,
            ``mean_blur_probability`` and the in-focus bounding box ``focus_x0``,
            ``focus_y0`` (inclusive), ``focus_x1``, ``focus_y1`` (exclusive), None when
            nothing is in focus; see :func:`summarize_blur_map`.
        """
        path = image if isinstance(image, (str, Path)) else None
        return summarize_blur_map(self.predict(image), threshold, image=path)


class OnnxDefocusDetector(BlurMapPredictor):
    """Per-pixel defocus blur probabilities from an exported model, on ONNX Runtime.

    The same outputs and large-image strategy as ``mmseg_r2mrf.apis.DefocusDetector``: an
    image whose longer side exceeds ``long_side`` is shrunk to it and its map enlarged back
    (``large_image='resize'``, default), or it is predicted at full resolution with a sliding
    window above ``slide_above`` (``'slide'``; window scores averaged as mmseg does).

    Args:
        model (str or Path): An ``.onnx`` file written by ``tools/export_onnx.py``.
        providers (Sequence[str], optional): ONNX Runtime execution providers. Default: CUDA
            where onnxruntime has it, then the CPU.
        large_image (str): ``'resize'`` or ``'slide'``.
        long_side (int, optional): Working resolution; default the model's
            ``train_long_side`` metadata, else :data:`DEFAULT_LONG_SIDE`.
        slide_above (int, optional): With ``'slide'``: longer side above which the sliding
            window is used; None: never.
        crop_size (int): Side of the sliding-window crops.
        stride (int): Step between crops.
        threads (int, optional): ONNX Runtime's intra-op threads (default: its own choice).

    Raises:
        FileNotFoundError: No such file.
        ValueError: A file that is not an ONNX model, or one without this module's contract.
    """

    def __init__(self,
                 model: Union[str, Path],
                 providers: Optional[Sequence[str]] = None,
                 large_image: str = 'resize',
                 long_side: Optional[int] = None,
                 slide_above: Optional[int] = 1024,
                 crop_size: int = 512,
                 stride: int = 384,
                 threads: Optional[int] = None) -> None:
        import onnxruntime

        model = str(model)
        if not osp.isfile(model):
            raise FileNotFoundError(f'no such ONNX model file: {model}')
        self._check_large_image_options(large_image, long_side, crop_size, stride)
        if providers is None:
            available = onnxruntime.get_available_providers()
            providers = [p for p in ('CUDAExecutionProvider', 'CPUExecutionProvider')
                         if p in available]
        options = onnxruntime.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        try:
            self.session = onnxruntime.InferenceSession(model, options, providers=list(providers))
        except Exception as error:  # onnxruntime raises its own, unexported exception types
            raise ValueError(f'{model}: not a readable ONNX model ({error})') from error
        names = ([i.name for i in self.session.get_inputs()],
                 [o.name for o in self.session.get_outputs()])
        if names != (['image'], ['blur_probability', 'blur_logit']):
            raise ValueError(f'{model}: inputs {names[0]} and outputs {names[1]}; expected a '
                             "model of tools/export_onnx.py (input 'image', outputs "
                             "'blur_probability', 'blur_logit')")
        self.model_path = model
        self.metadata = dict(self.session.get_modelmeta().custom_metadata_map)
        self._set_large_image_options(large_image, long_side,
                                      self.metadata.get('train_long_side'), slide_above,
                                      crop_size, stride)
        self.color_type = self.metadata.get('color_type', 'color')
        if self.color_type not in _CV2_FLAGS:
            raise ValueError(f'{model}: color_type {self.color_type!r} is not one of '
                             f'{sorted(_CV2_FLAGS)}')

    def read_image(self, path: Union[str, Path], verify: bool = True) -> np.ndarray:
        """Read an image file as the model's config reads it (BGR, uint8, 3 channels).

        Args:
            path (str or Path): Image file.
            verify (bool): Unused (kept for ``tools/infer.py``, which also drives
                ``DefocusDetector``): OpenCV decodes without a separate check.

        Raises:
            FileNotFoundError: No such file.
            ValueError: A file OpenCV cannot decode; the message names it.
        """
        path = str(path)
        if not osp.isfile(path):
            raise FileNotFoundError(f'no such image file: {path}')
        image = cv2.imdecode(np.fromfile(path, dtype=np.uint8), _CV2_FLAGS[self.color_type])
        if image is None:
            raise ValueError(f'cannot read the image file {path}: OpenCV cannot decode it')
        return image

    def _scores(self, image: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        probability, logits = self.session.run(None, {'image': image[None]})
        return probability[0, 0], logits[0]

    def _predict_at_full_size(self, image: np.ndarray) -> np.ndarray:
        if not self.uses_sliding_window(image.shape):
            return self._scores(image)[0]
        height, width = image.shape[:2]
        total = count = None
        for y1, y2, x1, x2 in sliding_windows(height, width, self.crop_size, self.stride):
            logits = self._scores(np.ascontiguousarray(image[y1:y2, x1:x2]))[1]
            if total is None:
                total = np.zeros((logits.shape[0], height, width), np.float32)
                count = np.zeros((height, width), np.float32)
            total[:, y1:y2, x1:x2] += logits
            count[y1:y2, x1:x2] += 1
        return _probability(total / count)


def as_bgr(image: np.ndarray) -> np.ndarray:
    """A uint8 (H, W, 3) BGR array from a grey, BGR or BGRA one."""
    if image.dtype != np.uint8:
        raise TypeError(f'expected a uint8 image array, got dtype {image.dtype}')
    if image.ndim == 2:
        return np.ascontiguousarray(np.repeat(image[..., None], 3, axis=2))
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image)
    if image.ndim == 3 and image.shape[2] == 4:
        return np.ascontiguousarray(image[..., :3])
    raise ValueError(f'expected an (H, W), (H, W, 3) or (H, W, 4) image array, got shape '
                     f'{image.shape}')
