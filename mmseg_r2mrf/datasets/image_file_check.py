"""Checks that an image or mask file can be decoded, before training starts.

OpenCV decodes a truncated JPEG without an error (it only prints a warning and returns a
partly grey image), so the checks decode with Pillow, which raises on a truncated file.
"""
from typing import Tuple

import numpy as np
from PIL import Image, ImageFile


def read_image_size(path: str, full_decode: bool = True) -> Tuple[int, int]:
    """Return the stored (height, width) of an image file, optionally decoding all of it.

    The size is the size as stored, without an EXIF orientation applied, as the project's
    loaders read images and masks.

    Args:
        path (str): Image file.
        full_decode (bool): Decode every pixel, which is what catches truncated files.
            Defaults to True.

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
            if full_decode:
                image.load()
            width, height = image.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f'cannot read the image file {path}: it is unreadable or truncated '
                         f'({error})') from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
    return height, width


def read_mask_array(path: str) -> np.ndarray:
    """Decode a mask file with Pillow (raising on truncation) and return its values.

    Args:
        path (str): Mask file.

    Returns:
        np.ndarray: The stored values, (H, W) or (H, W, C).

    Raises:
        ValueError: The file is unreadable or truncated; the message names it.
    """
    previous = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with Image.open(path) as image:
            return np.asarray(image)
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
        raise ValueError(f'cannot read the mask file {path}: it is unreadable or truncated '
                         f'({error})') from error
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = previous
