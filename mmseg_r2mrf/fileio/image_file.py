"""Reading image files: one place for the project's readers (datasets, apis and tools use them).

OpenCV decodes a truncated JPEG without an error (it only prints a warning and returns a
partly grey image), so :func:`read_image_size` decodes with Pillow, which raises on a truncated
file; :func:`read_image` reads an image as the config's ``LoadImageFromFile`` does, after that
check. What a mask's values mean is checked by the mask loader itself
(:func:`~mmseg_r2mrf.datasets.transforms.load_defocus_annotations.to_defocus_label`).
"""
import os.path as osp
from pathlib import Path
from typing import Optional, Tuple, Union

import mmcv
import numpy as np
from mmengine import fileio
from PIL import Image, ImageFile

from mmseg_r2mrf_onnx import as_bgr


def read_image_size(path: str) -> Tuple[int, int]:
    """Return the stored (height, width) of an image file, after decoding all of it.

    The size is the size as stored, without an EXIF orientation applied, as the project's
    loaders read images and masks.

    Args:
        path (str): Image file.

    Returns:
        tuple[int, int]: (height, width).

    Raises:
        ValueError: The file is not a readable image or is truncated; the message names it.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    # A library elsewhere may have allowed truncated images globally; the check must not.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(path) as image:
            image.load()  # every pixel: what catches a truncated file
            width, height = image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f'cannot read the image file {path}: it is unreadable or truncated '
                         f'({error})') from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return height, width


def read_image(path: Union[str, Path],
               color_type: str = 'color',
               imdecode_backend: str = 'cv2',
               backend_args: Optional[dict] = None,
               verify: bool = True) -> np.ndarray:
    """Read an image file as mmcv's ``LoadImageFromFile`` with these options does.

    The result is BGR, uint8, 3 channels: grey images get three equal channels and an alpha
    channel is dropped. The defaults are ``LoadImageFromFile``'s, whose ``'color'`` applies a
    JPEG's EXIF orientation; the dataset configs ask for ``'color_ignore_orientation'``, as
    their masks are stored unrotated (:class:`~mmseg_r2mrf.apis.DefocusDetector` passes its
    config's options).

    Args:
        path (str or Path): Image file.
        color_type (str): ``flag`` of :func:`mmcv.imfrombytes`.
        imdecode_backend (str): ``backend`` of :func:`mmcv.imfrombytes`.
        backend_args (dict, optional): File backend of :func:`mmengine.fileio.get`.
        verify (bool): First decode the whole file with Pillow, which raises on a truncated
            file (OpenCV would decode a truncated JPEG with a grey bottom). False for a file
            checked already.

    Returns:
        np.ndarray: (H, W, 3) uint8 in BGR order.

    Raises:
        FileNotFoundError: No such file.
        ValueError: The file is not a readable image, is truncated (with ``verify``) or does
            not decode to a uint8 image; the message names the file.
    """
    path = str(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'no such image file: {path}')
    if verify:
        read_image_size(path)  # raises ValueError naming the file
    image = mmcv.imfrombytes(fileio.get(path, backend_args=backend_args), flag=color_type,
                             backend=imdecode_backend)
    if image is None:
        raise ValueError(f'cannot read the image file {path}: {imdecode_backend} cannot decode '
                         f'it{_sample_format_hint(path)}')
    try:
        return as_bgr(image)
    except (TypeError, ValueError) as error:  # e.g. a 16-bit PNG read with 'unchanged'
        raise ValueError(f'cannot use the image file {path}: {error}') from error


#: Pillow modes of images whose samples OpenCV's colour decoding refuses, and what they hold.
_WIDE_SAMPLE_MODES = {'F': '32-bit floating-point', 'I': '32-bit integer'}


def _sample_format_hint(path: str) -> str:
    """Why a decoder may have refused a file Pillow reads (e.g. a float32 TIFF), if known."""
    try:
        with Image.open(path) as image:
            mode = image.mode
    except (OSError, ValueError):
        return ''
    if mode not in _WIDE_SAMPLE_MODES:
        return ''
    return (f' (its samples are {_WIDE_SAMPLE_MODES[mode]}, Pillow mode {mode!r}; save it as an '
            '8-bit image)')
