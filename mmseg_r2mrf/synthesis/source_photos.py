"""Sharp source photographs: those shipped inside installed packages and the user's own.

Every photograph is prepared once: brought to at most :data:`PREPARED_LONG_SIDE` px on its
longer side and segmented twice by Felzenszwalb and Huttenlocher's graph-based segmentation
(scikit-image): coarsely into whole objects (a person, a cup, a building), the subjects of the
synthetic shots, and finely into their parts (a face, a sleeve), which other layouts and the
textureless surfaces use.
"""
import hashlib
import os
import os.path as osp
import re
import warnings
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

#: Sharp photographs shipped in installed wheels, by name, with their package and licence.
#: Left out because they already hold defocus (their blurred parts would be labelled sharp):
#: scikit-image's ``chelsea``/``cat`` and scikit-learn's ``flower.jpg``; also ``clock`` (motion
#: blur), ``coins`` (soft, small), ``lfw_subset`` (25 px faces), ``horse``/``page``/``text``
#: (silhouette, documents), ``hubble_deep_field``/``retina``/``moon`` (not scenes).
#: ``motorcycle`` is the Middlebury stereo pair's left view, with its ground-truth disparity.
PACKAGED_PHOTOS = {
    'astronaut': 'scikit-image skimage.data.astronaut (NASA, public domain)',
    'camera': 'scikit-image skimage.data.camera (CC0, Lav Varshney)',
    'rocket': 'scikit-image skimage.data.rocket (NASA/SpaceX, public domain)',
    'brick': 'scikit-image skimage.data.brick (CC0, CC0Textures Bricks25)',
    'grass': 'scikit-image skimage.data.grass (CC0, linolafett on DeviantArt)',
    'gravel': 'scikit-image skimage.data.gravel (CC0, CC0Textures Gravel04)',
    'immunohistochemistry': 'scikit-image skimage.data.immunohistochemistry (CMMI, no known '
                            'copyright restrictions)',
    'motorcycle': 'scikit-image skimage.data.stereo_motorcycle (Middlebury 2014 stereo, '
                  'Scharstein et al., GCPR 2014; research use with citation)',
    'coffee': 'scikit-image skimage.data.coffee (CC0, Rachel Michetti)',
    'china': 'scikit-learn load_sample_image("china.jpg") (CC BY 2.0, danielbuechele)',
    'grace_hopper': 'matplotlib sample_data grace_hopper.jpg (US Navy, public domain)',
}
PHOTO_NAMES = tuple(PACKAGED_PHOTOS)
#: Default split of the packaged photographs: no two splits share a photograph.
DEFAULT_TEST_PHOTOS = ('coffee', 'china', 'gravel')
DEFAULT_VAL_PHOTOS = ('rocket', 'brick')
DEFAULT_TRAIN_PHOTOS = tuple(name for name in PHOTO_NAMES
                             if name not in DEFAULT_TEST_PHOTOS + DEFAULT_VAL_PHOTOS)
SPLITS = ('train', 'val', 'test')
#: Shares of the user's photographs that the hash-based default split sends to val and test.
HASH_SPLIT_SHARES = dict(val=0.15, test=0.15)
#: Photographs are prepared at most this long (the benchmarks' scale, Shi's 640 px).
PREPARED_LONG_SIDE = 640
#: Settings of the graph-based segmentations (``skimage.segmentation.felzenszwalb``) at
#: :data:`PREPARED_LONG_SIDE`: measured here, the fine one gives 30-70 regions per photograph
#: that follow its parts (a coat, a face, a cup), the coarse one 5-11 whole objects (the
#: cameraman, the astronaut, the pagoda). Part of the recipe: other numbers, another dataset.
SEGMENTATION = dict(scale=400, sigma=0.8, min_size=400)
OBJECT_SEGMENTATION = dict(scale=1500, sigma=1.5, min_size=2500)
#: A sky (or a plain backdrop as far as the eye goes) is a whole object of the coarse
#: segmentation that runs along at least ``min_top_share`` of the photograph's top row and is
#: flat: the median absolute Laplacian of its grey values (0-255, after a 1 px Gaussian) is
#: below ``max_detail``. Measured here at :data:`PREPARED_LONG_SIDE`: the skies of china, camera
#: and rocket have 0.21, 0.15 and 0.20; the textured tops of the other photographs 0.56
#: (astronaut's wall) and above.
SKY = dict(min_top_share=0.25, max_detail=0.4)
#: Image suffixes that ``--photos`` folders are searched for (any case).
PHOTO_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff', '.webp')


@dataclass
class SourcePhoto:
    """One sharp photograph prepared for rendering.

    Attributes:
        name (str): Photo name (a packaged name, or derived from the file's path).
        image (np.ndarray): (H, W, 3) uint8 BGR, longer side at most
            :data:`PREPARED_LONG_SIDE`.
        regions (np.ndarray): (H, W) int32 region ids of a graph-based segmentation:
            object-sized parts of the photograph, whose outlines the synthetic subjects follow,
            so that depth edges fall on the photograph's own object boundaries.
        objects (np.ndarray): (H, W) int32 ids of a coarse segmentation: whole objects.
        disparity (np.ndarray, optional): (H, W) float32 measured disparity scaled to [0, 1]
            (1 = nearest), or None where the depth layout is drawn at random.
        source (str): Where it came from (package and licence, or file path).
        sky (np.ndarray, optional): (H, W) bool, the sky (:func:`find_sky`), which drawn
            layouts keep behind everything else; None for no sky.
    """
    name: str
    image: np.ndarray
    regions: np.ndarray
    objects: np.ndarray
    disparity: Optional[np.ndarray] = None
    source: str = ''
    sky: Optional[np.ndarray] = None


def _read_packaged(name: str):
    """Return (RGB or grey image, disparity or None) of a packaged photograph."""
    import skimage.data
    if name not in PACKAGED_PHOTOS:
        raise KeyError(f'unknown source photo {name!r}; known: {", ".join(PHOTO_NAMES)}')
    if name == 'motorcycle':
        left, _, disparity = skimage.data.stereo_motorcycle()
        return left, disparity
    if name == 'china':
        import sklearn.datasets
        return sklearn.datasets.load_sample_image('china.jpg'), None
    if name == 'grace_hopper':
        from matplotlib import cbook
        from PIL import Image
        with Image.open(cbook.get_sample_data('grace_hopper.jpg', asfileobj=False)) as image:
            return np.asarray(image.convert('RGB')), None
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


def find_sky(rgb: np.ndarray, objects: np.ndarray, min_top_share: float = SKY['min_top_share'],
             max_detail: float = SKY['max_detail']) -> np.ndarray:
    """The sky of a photograph: flat whole objects along its top (see :data:`SKY`).

    A flat region at the top of a photograph is the sky or a backdrop far away, and nothing in
    view lies behind it. Layouts that ignored this put a sharp sky beside a blurred building
    in front of it, which no local cue can tell from a blurred sky.

    Args:
        rgb (np.ndarray): (H, W, 3) uint8 image.
        objects (np.ndarray): (H, W) ids of its coarse segmentation.
        min_top_share (float): Least share of the top row an object must run along.
        max_detail (float): Largest median absolute Laplacian (grey levels) of a flat object.

    Returns:
        np.ndarray: (H, W) bool, empty where the photograph shows no sky.
    """
    import cv2
    grey = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY).astype(np.float32)
    detail = np.abs(cv2.Laplacian(cv2.GaussianBlur(grey, (0, 0), 1.0), cv2.CV_32F))
    sky = np.zeros(objects.shape, bool)
    top_ids, top_counts = np.unique(objects[0], return_counts=True)
    for i, count in zip(top_ids, top_counts):
        mask = objects == i
        if count >= min_top_share * objects.shape[1] and np.median(detail[mask]) < max_detail:
            sky |= mask
    return sky


def prepare_photo(name: str, rgb: np.ndarray, disparity: Optional[np.ndarray] = None,
                  source: str = '') -> SourcePhoto:
    """Bring a photograph to the benchmarks' scale and segment it.

    Args:
        name (str): Photo name.
        rgb (np.ndarray): (H, W) grey or (H, W, 3|4) RGB(A) uint8 image.
        disparity (np.ndarray, optional): (H, W) measured disparity (larger = nearer).
        source (str): Where it came from.

    Returns:
        SourcePhoto: The prepared photograph.
    """
    import cv2
    from skimage.segmentation import felzenszwalb
    if rgb.ndim == 2:
        rgb = np.repeat(rgb[..., None], 3, axis=2)
    rgb = np.ascontiguousarray(rgb[..., :3]).astype(np.uint8)
    scale = PREPARED_LONG_SIDE / max(rgb.shape[:2])
    if scale < 1:  # never enlarge: an enlarged photo is soft, and would be labelled sharp
        size = (int(round(rgb.shape[1] * scale)), int(round(rgb.shape[0] * scale)))
        rgb = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA)
        if disparity is not None:
            disparity = cv2.resize(disparity.astype(np.float32), size,
                                   interpolation=cv2.INTER_NEAREST)
    regions = felzenszwalb(rgb, channel_axis=-1, **SEGMENTATION).astype(np.int32)
    objects = felzenszwalb(rgb, channel_axis=-1, **OBJECT_SEGMENTATION).astype(np.int32)
    if disparity is not None:
        disparity = _normalise_disparity(disparity.astype(np.float32))
    return SourcePhoto(name=name, image=np.ascontiguousarray(rgb[..., ::-1]), regions=regions,
                       objects=objects, disparity=disparity, source=source,
                       sky=find_sky(rgb, objects))


def load_source_photo(name: str) -> SourcePhoto:
    """Load and prepare one packaged photograph (see :func:`prepare_photo`).

    Args:
        name (str): One of :data:`PHOTO_NAMES`.

    Returns:
        SourcePhoto: The prepared photograph.
    """
    image, disparity = _read_packaged(name)
    return prepare_photo(name, image, disparity, source=PACKAGED_PHOTOS[name])


def load_source_photos(names: Sequence[str]) -> Dict[str, SourcePhoto]:
    """Load several packaged photographs by name (see :func:`load_source_photo`).

    Args:
        names (Sequence[str]): Photo names.

    Returns:
        dict[str, SourcePhoto]: Photos by name.
    """
    return {name: load_source_photo(name) for name in names}


def _photo_name(relative: str) -> str:
    """A file-stem-safe photo name from a path relative to its folder."""
    stem = osp.splitext(relative)[0].replace(os.sep, '__').replace('/', '__')
    return re.sub(r'[^A-Za-z0-9_.-]+', '_', stem)


def load_user_photos(folders: Sequence[str], min_side: int,
                     taken: Sequence[str] = ()) -> Dict[str, SourcePhoto]:
    """Load and prepare every image found (recursively) under the user's folders.

    Files that cannot be decoded, or whose shorter side is below ``min_side`` (a crop would not
    fit without enlarging, which softens them), are named in a warning and skipped.

    Args:
        folders (Sequence[str]): Folders to search.
        min_side (int): Least shorter side, in pixels.
        taken (Sequence[str]): Names already in use (the packaged photos): a user photo of the
            same name gets a suffix.

    Returns:
        dict[str, SourcePhoto]: Photos by name (the path under its folder, without suffix, with
        ``__`` for each folder separator).

    Raises:
        FileNotFoundError: A folder does not exist.
    """
    from PIL import Image, UnidentifiedImageError
    photos: Dict[str, SourcePhoto] = {}
    used = set(taken)
    for folder in folders:
        if not osp.isdir(folder):
            raise FileNotFoundError(f'--photos folder {folder} does not exist')
        files = []
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            files += [osp.join(root, n) for n in sorted(names) if not n.startswith('.')]
        for path in files:
            if osp.splitext(path)[1].lower() not in PHOTO_SUFFIXES:
                warnings.warn(f'skipping {path}: not an image file ({", ".join(PHOTO_SUFFIXES)})')
                continue
            try:
                with Image.open(path) as image:
                    rgb = np.asarray(image.convert('RGB'))
            except (OSError, UnidentifiedImageError, ValueError) as error:
                warnings.warn(f'skipping {path}: cannot be read as an image ({error})')
                continue
            if min(rgb.shape[:2]) < min_side:
                warnings.warn(f'skipping {path}: {rgb.shape[1]}x{rgb.shape[0]} px is too small '
                              f'(shorter side < {min_side} px, the crop size)')
                continue
            name = base = _photo_name(osp.relpath(path, folder))
            suffix = 2
            while name in used:
                name, suffix = f'{base}_{suffix}', suffix + 1
            used.add(name)
            photos[name] = prepare_photo(name, rgb, source=path)
    return photos


def hash_split(name: str) -> str:
    """The default split of a user photograph: a stable hash of its name.

    Args:
        name (str): Photo name.

    Returns:
        str: ``'val'`` for about 15 % of names, ``'test'`` for about 15 %, else ``'train'``;
        the same name always goes to the same split, whatever the other photographs.
    """
    value = int(hashlib.sha1(name.encode('utf-8')).hexdigest()[:8], 16) / 16**8
    if value < HASH_SPLIT_SHARES['val']:
        return 'val'
    if value < HASH_SPLIT_SHARES['val'] + HASH_SPLIT_SHARES['test']:
        return 'test'
    return 'train'


def _resolve(requested: Sequence[str], photos: Dict[str, str]) -> List[str]:
    """Photo names of ``requested`` entries: a name, a file name, a stem or a path."""
    resolved = []
    for entry in requested:
        matches = [name for name, source in photos.items()
                   if entry in (name, osp.basename(source),
                                osp.splitext(osp.basename(source))[0], source)]
        if not matches:
            raise ValueError(f'no source photo named {entry!r}; known: '
                             f'{", ".join(sorted(photos))}')
        if len(matches) > 1:
            raise ValueError(f'{entry!r} names several photos ({", ".join(matches)}): use one '
                             'of these names')
        resolved.append(matches[0])
    return resolved


def split_photos(photos: Dict[str, str],
                 requested: Optional[Dict[str, Optional[Sequence[str]]]] = None,
                 needed: Sequence[str] = SPLITS) -> Dict[str, Tuple[str, ...]]:
    """Assign every photograph to one split (train, val or test), never to two.

    A split given in ``requested`` holds exactly those photographs. The others go to their
    default split if that one was not requested: a packaged photograph to the split of
    :data:`DEFAULT_TRAIN_PHOTOS`/:data:`DEFAULT_VAL_PHOTOS`/:data:`DEFAULT_TEST_PHOTOS`, a user
    photograph to :func:`hash_split`'s. Where a needed split that was not requested is left
    empty (few photographs), the training photograph with the smallest hash moves to it.

    Args:
        photos (dict[str, str]): All source photographs: name -> where it came from (see
            :attr:`SourcePhoto.source`; a file path for the user's photographs).
        requested (dict, optional): Split -> photo names (or file names) wanted there.
        needed (Sequence[str]): Splits that must not be empty (those with crops to render).

    Returns:
        dict[str, tuple[str, ...]]: Photo names of each split, in ``photos``' order.

    Raises:
        ValueError: An unknown name, a photo in two splits, or a needed split left empty.
    """
    requested = {k: v for k, v in (requested or {}).items() if v is not None}
    fixed = {split: _resolve(names, photos) for split, names in requested.items()}
    seen: Dict[str, str] = {}
    for split, names in fixed.items():
        for name in names:
            if name in seen and seen[name] != split:
                raise ValueError(f'photo {name!r} is in both the {seen[name]} and the {split} '
                                 'split: the split is by photograph')
            seen[name] = split
    defaults = {name: split for split, names in (('train', DEFAULT_TRAIN_PHOTOS),
                                                 ('val', DEFAULT_VAL_PHOTOS),
                                                 ('test', DEFAULT_TEST_PHOTOS))
                for name in names}
    assignment = {split: list(fixed.get(split, [])) for split in SPLITS}
    for name in photos:
        if name in seen:
            continue
        split = defaults.get(name) or hash_split(name)
        if split not in fixed:
            assignment[split].append(name)
    for split in needed:
        if assignment[split] or split in fixed:
            continue
        donors = sorted((n for n in assignment['train'] if n not in seen),
                        key=lambda n: hashlib.sha1(n.encode('utf-8')).hexdigest())
        if len(donors) > 1 or (donors and 'train' not in needed):
            assignment['train'].remove(donors[0])
            assignment[split].append(donors[0])
    for split in needed:
        if not assignment[split]:
            raise ValueError(f'no source photographs for the {split} split: give more photos '
                             f'or name some with --{split}-photos')
    order = {name: i for i, name in enumerate(photos)}
    return {split: tuple(sorted(names, key=order.get)) for split, names in assignment.items()}
