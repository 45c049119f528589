"""Defocus releases whose splits are separate image/mask folders (DUT, Zhao et al.)."""
import os.path as osp
from typing import Dict, Optional, Sequence, Tuple, Union

from .defocus_dataset import DefocusDataset

# One folder name, or spellings of the same folder, preferred first.
FolderNames = Union[str, Sequence[str]]


def first_existing(root: Optional[str], candidates: FolderNames) -> str:
    """The first of ``candidates`` that is a folder under ``root``, else the first candidate.

    Args:
        root (str, optional): Dataset root.
        candidates (str | Sequence[str]): Folder names, preferred first.

    Returns:
        str: A folder name relative to ``root`` (a missing one fails later, naming the folder).
    """
    if isinstance(candidates, str):
        candidates = (candidates, )
    for name in candidates:
        if osp.isdir(osp.join(root or '', name)):
            return name
    return candidates[0]


class FolderSplitDefocusDataset(DefocusDataset):
    """A :class:`DefocusDataset` whose ``split`` picks an image folder and a mask folder.

    Subclasses declare ``FOLDERS``: for each split, the image folder and the mask folder, each
    one name or several spellings (the first one found under ``data_root`` is used).

    Args:
        split (str): One of ``FOLDERS``' keys. Defaults to ``'train'``.
        data_prefix (dict, optional): Override the folders chosen by ``split``.
        seg_map_suffix (Sequence[str]): Accepted mask suffixes, any case.
        **kwargs: See :class:`DefocusDataset`.
    """
    FOLDERS: Dict[str, Tuple[FolderNames, FolderNames]] = {}

    def __init__(self,
                 split: str = 'train',
                 data_prefix: Optional[dict] = None,
                 seg_map_suffix: Sequence[str] = ('.bmp', '.png'),
                 **kwargs) -> None:
        if split not in self.FOLDERS:
            raise ValueError(f'split must be one of {tuple(self.FOLDERS)}, got {split!r}')
        self.split = split
        if data_prefix is None:
            images, masks = self.FOLDERS[split]
            root = kwargs.get('data_root')
            data_prefix = dict(img_path=first_existing(root, images),
                               seg_map_path=first_existing(root, masks))
        super().__init__(data_prefix=data_prefix, seg_map_suffix=seg_map_suffix, **kwargs)
