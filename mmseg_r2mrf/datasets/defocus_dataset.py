"""The base of every defocus dataset: folder pairing, declared mask polarity, early validation."""
import logging
import os
import os.path as osp
import re
from typing import Dict, List, Optional, Sequence, Tuple, Union

import mmengine
from mmengine.logging import print_log

from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from ..fileio import read_image_size
from .transforms.load_defocus_annotations import (
    MASK_POLARITIES,
    file_mask_to_label,
    is_binary_mask,
    read_defocus_mask,
)

IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png', '.bmp', '.tif', '.tiff')


def natural_key(stem: str) -> list:
    """Sort key that puts ``2`` before ``10`` (Zhao et al.'s files are ``1.jpg`` ...)."""
    return [int(part) if part.isdigit() else part.lower() for part in re.split(r'(\d+)', stem)]


@DATASETS.register_module()
class DefocusDataset(BaseSegDataset):
    """Image/mask folders of a defocus blur detection dataset, with the project's labels.

    Images and masks are paired by file stem; suffixes are matched without regard to case
    (Shi et al.'s release mixes ``.jpg`` and ``.JPG``). Each dataset declares what its mask files
    mean (``mask_polarity``) and puts it in every sample, where
    :class:`~mmseg_r2mrf.datasets.transforms.LoadDefocusAnnotations` converts the masks to
    1 = blurred, 0 = in focus, 255 = ignore.

    Bad data fails at construction, before any training, with an error naming the file: a missing
    or empty folder, an image without a mask, a mask without an image, a split list naming a
    missing file, an unreadable or truncated file, a mask whose size differs from its image, a
    mask that the pipelines' loader would refuse. Sizes are compared as stored, without EXIF
    orientation, as the pipelines load them
    (``LoadImageFromFile(color_type='color_ignore_orientation')``).

    Subclasses with a ``split`` argument list its values in ``SPLITS``; those whose folders do
    not follow from ``data_root`` alone override :meth:`default_data_prefix`.

    Args:
        mask_polarity (str, optional): ``'blur'`` (255 = blurred), ``'focus'`` (255 = in focus) or
            ``'label'`` (files hold 0/1/255). Defaults to the class's ``MASK_POLARITY``.
        img_suffixes (Sequence[str]): Accepted image suffixes, any case.
        seg_map_suffix (str | Sequence[str]): Accepted mask suffixes, any case.
        verify_files (bool): Decode every selected image and mask at construction to catch
            truncated files, size mismatches and masks that the loader would refuse (a few
            seconds for a thousand images). Defaults to True.
        split (str, optional): One of the class's ``SPLITS``; must be None for a class without.
        data_prefix (dict, optional): Image and mask folders (``img_path``, ``seg_map_path``)
            under ``data_root``. Defaults to :meth:`default_data_prefix`.
        ann_file (str): Optional split list, one file stem a line; relative to ``data_root``.
        **kwargs: The rest of :class:`mmseg.datasets.BaseSegDataset`'s arguments.
    """
    METAINFO = dict(classes=('focus', 'blur'), palette=[[0, 0, 0], [255, 255, 255]])
    MASK_POLARITY: Optional[str] = None
    #: The values of ``split``; empty for a dataset without splits.
    SPLITS: Tuple[str, ...] = ()
    #: The default ``data_prefix`` (BaseSegDataset's: images and masks directly in data_root).
    DATA_PREFIX: Dict[str, str] = dict(img_path='', seg_map_path='')

    def __init__(self,
                 mask_polarity: Optional[str] = None,
                 img_suffixes: Sequence[str] = IMAGE_SUFFIXES,
                 seg_map_suffix: Union[str, Sequence[str]] = '.png',
                 verify_files: bool = True,
                 split: Optional[str] = None,
                 data_prefix: Optional[dict] = None,
                 **kwargs) -> None:
        if split not in (self.SPLITS or (None, )):
            expected = f'one of {self.SPLITS}' if self.SPLITS else 'None (select files by ann_file)'
            raise ValueError(f'{type(self).__name__}: split must be {expected}, got {split!r}')
        # Set before anything else: default_data_prefix and select_stems read it.
        self.split = split
        self.mask_polarity = mask_polarity or self.MASK_POLARITY
        if self.mask_polarity not in MASK_POLARITIES:
            raise ValueError(f'{type(self).__name__} needs mask_polarity in {MASK_POLARITIES}, '
                             f'got {self.mask_polarity!r}')
        self.img_suffixes = tuple(s.lower() for s in img_suffixes)
        seg_suffixes = (seg_map_suffix, ) if isinstance(seg_map_suffix, str) else seg_map_suffix
        self.seg_map_suffixes = tuple(s.lower() for s in seg_suffixes)
        self.verify_files = verify_files
        kwargs.setdefault('reduce_zero_label', False)
        if kwargs['reduce_zero_label']:
            raise ValueError('reduce_zero_label would turn in-focus pixels into ignored ones')
        if data_prefix is None:
            data_prefix = self.default_data_prefix(kwargs.get('data_root'))
        super().__init__(
            img_suffix=self.img_suffixes[0], seg_map_suffix=self.seg_map_suffixes[0],
            data_prefix=data_prefix, **kwargs)

    def default_data_prefix(self, data_root: Optional[str]) -> Dict[str, str]:
        """Image and mask folders when ``data_prefix`` is not given (:attr:`DATA_PREFIX`).

        Args:
            data_root (str, optional): Dataset root; ``self.split`` is already set.

        Returns:
            dict: ``img_path`` and ``seg_map_path``, relative to ``data_root``.
        """
        return dict(self.DATA_PREFIX)

    def keep_stem(self, stem: str) -> bool:
        """Whether a file of the folders belongs to this dataset at all (all by default)."""
        return True

    def select_stems(self, stems: List[str]) -> List[str]:
        """Stems of the split: those of ``ann_file`` if given, else all of them.

        Args:
            stems (list[str]): Every paired stem found in the folders, sorted.

        Returns:
            list[str]: The split's stems.
        """
        if not self.ann_file:
            return stems
        return self._read_split_list(self.ann_file, stems)

    @staticmethod
    def _read_split_list(path: str, stems: List[str]) -> List[str]:
        if not osp.isfile(path):
            raise FileNotFoundError(f'split list {path} does not exist')
        wanted = [line.strip() for line in mmengine.list_from_file(path) if line.strip()]
        if not wanted:
            raise ValueError(f'split list {path} is empty')
        # Lists name stems; tolerate names with a suffix.
        wanted = [osp.splitext(w)[0] if osp.splitext(w)[1].lower() in IMAGE_SUFFIXES else w
                  for w in wanted]
        known = set(stems)
        missing = [w for w in wanted if w not in known]
        if missing:
            raise FileNotFoundError(
                f'split list {path} names {len(missing)} file(s) missing from the image/mask '
                f'folders, e.g. {missing[0]!r}')
        return wanted

    def _scan(self, folder: str, suffixes: tuple, kind: str) -> Dict[str, str]:
        if not folder or not osp.isdir(folder):
            raise FileNotFoundError(f'{kind} folder {folder!r} does not exist')
        files: Dict[str, str] = {}
        for name in sorted(os.listdir(folder)):
            stem, suffix = osp.splitext(name)
            if suffix.lower() not in suffixes or not self.keep_stem(stem):
                continue
            if stem in files:
                raise ValueError(f'two {kind} files share the stem {stem!r} in {folder}: '
                                 f'{files[stem]} and {name}')
            files[stem] = name
        if not files:
            raise FileNotFoundError(f'{kind} folder {folder} holds no {kind} file '
                                    f'(suffixes {", ".join(suffixes)})')
        return files

    def _verify_pair(self, img_path: str, seg_map_path: str) -> bool:
        """Check an image/mask pair as training will read it; return whether the mask is binary."""
        img_size = read_image_size(img_path)
        mask_size = read_image_size(seg_map_path)
        if img_size != mask_size:
            raise ValueError(f'mask {seg_map_path} is {mask_size[1]}x{mask_size[0]} (WxH) but '
                             f'its image {img_path} is {img_size[1]}x{img_size[0]}')
        # Decode the mask as the pipelines will (LoadDefocusAnnotations), so that the check and
        # the training see the same values. The binarisation threshold cannot make a mask fail.
        mask = read_defocus_mask(seg_map_path, self.mask_polarity, self.backend_args)
        file_mask_to_label(mask, self.mask_polarity, seg_map_path)
        return is_binary_mask(mask, self.mask_polarity)

    def _warn_grey_masks(self, grey_masks: List[str], total: int) -> None:
        shown = ', '.join(grey_masks[:5]) + (f' (+{len(grey_masks) - 5} more)'
                                             if len(grey_masks) > 5 else '')
        print_log(f'{type(self).__name__}: {len(grey_masks)} of {total} masks are not binary '
                  '(grey levels other than 0 and 255: JPEG artefacts, soft edges, or 0/1 masks '
                  f"read as '{self.mask_polarity}' masks); they are binarised at 128: {shown}",
                  logger='current', level=logging.WARNING)

    def load_data_list(self) -> List[dict]:
        """Pair images with masks, select the split, and validate the files.

        Returns:
            list[dict]: One dict per sample with ``img_path``, ``seg_map_path`` and
            ``mask_polarity``.
        """
        img_dir = self.data_prefix.get('img_path', '')
        ann_dir = self.data_prefix.get('seg_map_path', '')
        images = self._scan(img_dir, self.img_suffixes, 'image')
        masks = self._scan(ann_dir, self.seg_map_suffixes, 'mask')
        for stem in images:
            if stem not in masks:
                raise FileNotFoundError(
                    f'image {osp.join(img_dir, images[stem])} has no mask '
                    f'{osp.join(ann_dir, stem + self.seg_map_suffixes[0])}')
        for stem in masks:
            if stem not in images:
                raise FileNotFoundError(
                    f'mask {osp.join(ann_dir, masks[stem])} has no image {stem}.* in {img_dir}')
        stems = self.select_stems(sorted(images, key=natural_key))
        if not stems:
            raise ValueError(f'the split of {type(self).__name__} in {img_dir} is empty')
        data_list, grey_masks = [], []
        for stem in stems:
            img_path = osp.join(img_dir, images[stem])
            seg_map_path = osp.join(ann_dir, masks[stem])
            if self.verify_files and not self._verify_pair(img_path, seg_map_path):
                grey_masks.append(seg_map_path)
            data_list.append(
                dict(img_path=img_path, seg_map_path=seg_map_path,
                     mask_polarity=self.mask_polarity, label_map=self.label_map,
                     reduce_zero_label=False, seg_fields=[]))
        if grey_masks:
            self._warn_grey_masks(grey_masks, len(data_list))
        print_log(f'{type(self).__name__}: {len(data_list)} images from {img_dir}',
                  logger='current')
        return data_list
