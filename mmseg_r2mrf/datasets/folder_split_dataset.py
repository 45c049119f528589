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
    one name or several spellings (the first one found under ``data_root`` is used). Its keys
    are the subclass's ``SPLITS``.

    Args:
        split (str): One of ``FOLDERS``' keys. Defaults to ``'train'``.
        seg_map_suffix (Sequence[str]): Accepted mask suffixes, any case.
        **kwargs: See :class:`DefocusDataset`; ``data_prefix`` overrides the folders chosen by
            ``split``.
    """
    FOLDERS: Dict[str, Tuple[FolderNames, FolderNames]] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.SPLITS = tuple(cls.FOLDERS)

    def __init__(self,
                 split: str = 'train',
                 seg_map_suffix: Sequence[str] = ('.bmp', '.png'),
                 **kwargs) -> None:
        super().__init__(split=split, seg_map_suffix=seg_map_suffix, **kwargs)

    def default_data_prefix(self, data_root: Optional[str]) -> Dict[str, str]:
        """The folders of ``FOLDERS[split]``, in the spelling found under ``data_root``."""
        images, masks = self.FOLDERS[self.split]
        return dict(img_path=first_existing(data_root, images),
                    seg_map_path=first_existing(data_root, masks))
