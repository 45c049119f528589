"""All-in-focus photographs that ship inside installed packages (no download at run time)."""
from dataclasses import dataclass
from typing import Dict, Optional, Sequence

import numpy as np

#: Sharp photographs, by name. Photographs that already hold defocus (skimage's ``chelsea``,
#: scikit-learn's ``flower.jpg``) are left out: their blurred parts would be labelled sharp.
#: ``motorcycle`` is the Middlebury stereo pair's left view, with its ground-truth disparity.
PHOTO_NAMES = ('astronaut', 'camera', 'rocket', 'brick', 'grass', 'immunohistochemistry',
               'motorcycle', 'coffee', 'china', 'gravel')
#: Default split by source photograph: test crops never share a photograph with training ones.
DEFAULT_TEST_PHOTOS = ('coffee', 'china', 'gravel')
DEFAULT_TRAIN_PHOTOS = tuple(name for name in PHOTO_NAMES if name not in DEFAULT_TEST_PHOTOS)
#: Approximate number of SLIC superpixels per photo, whose borders the random foreground shapes
#: follow. Part of the recipe: another number gives another dataset for the same seed.
NUM_SEGMENTS = 400


@dataclass
class SourcePhoto:
    """One sharp photograph prepared for rendering.

    Attributes:
        name (str): Photo name.
        image (np.ndarray): (H, W, 3) uint8 BGR.
        segments (np.ndarray): (H, W) int32 superpixel ids; synthetic foreground shapes follow
            their borders, so depth edges fall on image edges as they do in real scenes.
        disparity (np.ndarray, optional): (H, W) float32 measured disparity scaled to [0, 1]
            (1 = nearest), or None where the depth layout is to be drawn at random.
    """
    name: str
    image: np.ndarray
    segments: np.ndarray
    disparity: Optional[np.ndarray] = None


def _read_photo(name: str):
    """Return (RGB or grey image, disparity or None) of a packaged photograph."""
    import skimage.data
    if name == 'motorcycle':
        left, _, disparity = skimage.data.stereo_motorcycle()
        return left, disparity
    if name == 'china':
        import sklearn.datasets
        return sklearn.datasets.load_sample_image('china.jpg'), None
    if name not in PHOTO_NAMES:
        raise KeyError(f'unknown source photo {name!r}; known: {", ".join(PHOTO_NAMES)}')
    return getattr(skimage.data, name)(), None


def _normalise_disparity(disparity: np.ndarray) -> np.ndarray:
    """Fill unknown disparities (inf: occlusions) from the nearest known pixel; scale to [0, 1]."""
    from scipy import ndimage
    known = np.isfinite(disparity)
    if not known.all():
        _, (rows, cols) = ndimage.distance_transform_edt(~known, return_indices=True)
        disparity = disparity[rows, cols]
    low, high = float(disparity.min()), float(disparity.max())
    return ((disparity - low) / max(high - low, 1e-6)).astype(np.float32)


def load_source_photo(name: str) -> SourcePhoto:
    """Load one packaged photograph, in BGR, with its superpixels and any measured disparity.

    Args:
        name (str): One of :data:`PHOTO_NAMES`.

    Returns:
        SourcePhoto: The prepared photograph.
    """
    from skimage.segmentation import slic
    image, disparity = _read_photo(name)
    if image.ndim == 2:
        image = np.repeat(image[..., None], 3, axis=2)
    image = np.ascontiguousarray(image[..., :3][..., ::-1])  # RGB(A) -> BGR
    segments = slic(image, n_segments=NUM_SEGMENTS, compactness=10, start_label=0,
                    channel_axis=-1).astype(np.int32)
    if disparity is not None:
        disparity = _normalise_disparity(disparity.astype(np.float32))
    return SourcePhoto(name=name, image=image, segments=segments, disparity=disparity)


def load_source_photos(names: Sequence[str]) -> Dict[str, SourcePhoto]:
    """Load several photographs by name (see :func:`load_source_photo`).

    Args:
        names (Sequence[str]): Photo names.

    Returns:
        dict[str, SourcePhoto]: Photos by name.
    """
    return {name: load_source_photo(name) for name in names}
