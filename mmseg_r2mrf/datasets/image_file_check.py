"""Checks that an image or mask file can be decoded, before training starts.

OpenCV decodes a truncated JPEG without an error (it only prints a warning and returns a
partly grey image), so the check decodes with Pillow, which raises on a truncated file. What a
mask's values mean is checked by the mask loader itself
(:func:`~mmseg_r2mrf.datasets.transforms.load_defocus_label`).
"""
from typing import Tuple

from PIL import Image, ImageFile


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

