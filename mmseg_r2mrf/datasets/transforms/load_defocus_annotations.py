"""Loads a defocus mask and converts it to the project's labels (1 blurred, 0 in focus, 255 ignore).

Every dataset of the project goes through this one transform, so that the polarity of the files
and the binarisation at 128 are decided in a single place (:func:`to_defocus_label`).
"""
from typing import Optional

import mmcv
import mmengine.fileio as fileio
import numpy as np
from mmcv.transforms import BaseTransform

from mmseg.registry import TRANSFORMS

from ...structures import BLURRED, IGNORE_INDEX, LABEL_VALUES, SHARP

#: What a mask file's bright value (255) means: ``'blur'`` (Shi et al.: 255 = blurred),
#: ``'focus'`` (DUT-DBD, Zhao et al.: 255 = in focus), or ``'label'`` for files that already hold
#: the project's labels 0/1/255 (the synthetic set).
MASK_POLARITIES = ('blur', 'focus', 'label')
#: The labels under their earlier names (:mod:`mmseg_r2mrf.structures` defines them).
BLUR_LABEL, FOCUS_LABEL, IGNORE_LABEL = BLURRED, SHARP, IGNORE_INDEX


def to_defocus_label(mask: np.ndarray, polarity: str, threshold: int = 128) -> np.ndarray:
    """Convert a mask as stored in a file to the project's labels.

    Published masks are not always strictly 0/255 (JPEG-compressed or anti-aliased edges), so
    ``'blur'`` and ``'focus'`` masks are binarised at ``threshold``; none of their pixels can end
    at 255, mmseg's ignore index. ``'label'`` masks must already hold only 0, 1 and 255.

    Args:
        mask (np.ndarray): (H, W) integer mask as read from the file.
        polarity (str): One of :data:`MASK_POLARITIES`.
        threshold (int): Grey level from which a pixel counts as bright. Defaults to 128.

    Returns:
        np.ndarray: (H, W) uint8 labels, 1 = blurred, 0 = in focus (255 = ignore for ``'label'``).

    Raises:
        ValueError: For an unknown polarity, a mask that is not 2-D, or a ``'label'`` mask with
            other values than 0, 1 and 255.
    """
    if polarity not in MASK_POLARITIES:
        raise ValueError(f'mask_polarity must be one of {MASK_POLARITIES}, got {polarity!r}')
    if mask.ndim != 2:
        raise ValueError(f'expected a one-channel (H, W) mask, got shape {mask.shape}')
    if polarity == 'label':
        values = np.unique(mask)
        unexpected = np.setdiff1d(values, LABEL_VALUES)
        if unexpected.size:
            raise ValueError('a label mask may hold only 0 (in focus), 1 (blurred) and 255 '
                             f'(ignored), found {unexpected[:8].tolist()}')
        return mask.astype(np.uint8)
    bright = mask >= threshold
    blurred = bright if polarity == 'blur' else ~bright
    return blurred.astype(np.uint8) * BLURRED


def read_defocus_mask(path: str,
                      polarity: str,
                      backend_args: Optional[dict] = None) -> np.ndarray:
    """Decode a mask file as :func:`load_defocus_label` does, before any conversion.

    Args:
        path (str): Mask file.
        polarity (str): One of :data:`MASK_POLARITIES`; ``'label'`` files are read unchanged,
            the others as one 8-bit grey channel.
        backend_args (dict, optional): mmengine file backend arguments. Defaults to None.

    Returns:
        np.ndarray: (H, W) mask as stored.

    Raises:
        ValueError: A file that cannot be decoded or a label file with several channels.
    """
    flag = 'unchanged' if polarity == 'label' else 'grayscale_ignore_orientation'
    mask = mmcv.imfrombytes(fileio.get(path, backend_args=backend_args), flag=flag, backend='cv2')
    if mask is None:
        raise ValueError(f'cannot decode the mask {path}')
    if mask.ndim != 2:  # only an unconverted ('label') read keeps channels
        raise ValueError(f'{path}: a label mask must be a one-channel (grey) file holding 0, 1 '
                         f'and 255, but it has {mask.shape[2]} channels (a colour or palette '
                         'image?)')
    return mask


def is_binary_mask(mask: np.ndarray, polarity: str) -> bool:
    """Whether a ``'blur'``/``'focus'`` mask holds only 0 and 255 (label masks: always True).

    Grey levels in between (JPEG artefacts, anti-aliased edges, 0/1 masks given the wrong
    polarity) are binarised at the threshold without error; the datasets warn about them.
    """
    return polarity == 'label' or not np.isin(mask, (0, 255), invert=True).any()


def load_defocus_label(path: str,
                       polarity: str,
                       threshold: int = 128,
                       backend_args: Optional[dict] = None) -> np.ndarray:
    """Read a mask file as project labels: 1 = blurred, 0 = in focus, 255 = ignore.

    The file is decoded with OpenCV as stored, without an EXIF orientation applied (like the
    images, loaded with ``color_type='color_ignore_orientation'``). ``'blur'`` and ``'focus'``
    masks are read as one 8-bit grey channel (colour, palette and 16-bit masks are converted)
    before binarisation. ``'label'`` masks hold class ids, not grey levels, so they are read
    unconverted: a grey conversion would turn a 16-bit 1 into 0 and a palette index into the
    luminance of its colour. A one-channel 8- or 16-bit label file is accepted; a colour or
    palette file is refused (OpenCV expands a palette to colours, losing the indices).

    Both :class:`LoadDefocusAnnotations` and the datasets' build-time check call this function,
    so a mask that passes the check loads to the labels that were checked.

    Args:
        path (str): Mask file.
        polarity (str): One of :data:`MASK_POLARITIES`.
        threshold (int): Binarisation level for ``'blur'``/``'focus'`` masks. Defaults to 128.
        backend_args (dict, optional): mmengine file backend arguments. Defaults to None.

    Returns:
        np.ndarray: (H, W) uint8 labels, see :func:`to_defocus_label`.

    Raises:
        ValueError: An unknown polarity, or a file that cannot be decoded, is not a one-channel
            label file or holds values outside the label encoding; the message names the file.
    """
    return file_mask_to_label(read_defocus_mask(path, polarity, backend_args), polarity, path,
                              threshold)


def file_mask_to_label(mask: np.ndarray, polarity: str, path: str,
                       threshold: int = 128) -> np.ndarray:
    """:func:`to_defocus_label` of a mask read from ``path``; its errors name the file."""
    try:
        return to_defocus_label(mask, polarity, threshold)
    except ValueError as error:
        raise ValueError(f'{path}: {error}') from error


@TRANSFORMS.register_module()
class LoadDefocusAnnotations(BaseTransform):
    """Load a defocus mask as project labels: 1 = blurred, 0 = in focus, 255 = ignore.

    The file's polarity normally comes from the dataset (each defocus dataset declares it and
    puts ``mask_polarity`` in every sample), so a config needs no argument. The file is read by
    :func:`load_defocus_label`: as stored, without applying an EXIF orientation (image and mask
    are both or neither rotated); ``'blur'``/``'focus'`` masks as one grey channel (RGB, palette
    and 16-bit masks are converted), ``'label'`` masks unconverted.

    Required Keys:

    - seg_map_path (str)
    - mask_polarity (str, optional when given here)

    Added Keys:

    - gt_seg_map (np.uint8)
    - seg_fields (list)

    Args:
        mask_polarity (str, optional): Force a polarity (see :data:`MASK_POLARITIES`). If both
            this and the sample's ``mask_polarity`` are set, they must agree. Defaults to None.
        threshold (int): Binarisation level for ``'blur'``/``'focus'`` masks. Defaults to 128.
        backend_args (dict, optional): mmengine file backend arguments. Defaults to None.
    """

    def __init__(self,
                 mask_polarity: Optional[str] = None,
                 threshold: int = 128,
                 backend_args: Optional[dict] = None) -> None:
        if mask_polarity is not None and mask_polarity not in MASK_POLARITIES:
            raise ValueError(
                f'mask_polarity must be one of {MASK_POLARITIES}, got {mask_polarity!r}')
        if not 0 < threshold <= 255:
            raise ValueError(f'threshold must be in (0, 255], got {threshold}')
        self.mask_polarity = mask_polarity
        self.threshold = threshold
        self.backend_args = backend_args.copy() if backend_args else None

    def _polarity(self, results: dict) -> str:
        declared = results.get('mask_polarity')
        if self.mask_polarity is None and declared is None:
            raise ValueError(
                f'no mask polarity for {results["seg_map_path"]}: use a defocus dataset, which '
                "declares it, or set LoadDefocusAnnotations(mask_polarity='blur'|'focus'|'label')")
        if self.mask_polarity is not None and declared is not None \
                and self.mask_polarity != declared:
            raise ValueError(
                f'LoadDefocusAnnotations(mask_polarity={self.mask_polarity!r}) contradicts the '
                f'dataset, which declares {declared!r} for {results["seg_map_path"]}')
        return self.mask_polarity or declared

    def transform(self, results: dict) -> dict:
        """Read ``results['seg_map_path']`` and add ``gt_seg_map`` in project labels.

        Args:
            results (dict): Sample dict from the dataset.

        Returns:
            dict: ``results`` with ``gt_seg_map`` and ``seg_fields`` updated.
        """
        results['gt_seg_map'] = load_defocus_label(results['seg_map_path'],
                                                   self._polarity(results), self.threshold,
                                                   self.backend_args)
        results.setdefault('seg_fields', []).append('gt_seg_map')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(mask_polarity={self.mask_polarity!r}, '
                f'threshold={self.threshold})')
