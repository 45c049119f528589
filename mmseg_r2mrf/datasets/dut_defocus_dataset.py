"""DUT-DBD (Zhao et al., CVPR 2018): defocus blur detection with 255 = in focus."""
import os.path as osp
from typing import Optional, Sequence

from mmseg.registry import DATASETS
from .defocus_dataset import DefocusDataset


def first_existing(root: Optional[str], candidates: Sequence[str]) -> str:
    """The first of ``candidates`` that is a folder under ``root``, else the first candidate.

    Args:
        root (str, optional): Dataset root.
        candidates (Sequence[str]): Folder names, preferred first.

    Returns:
        str: A folder name relative to ``root`` (a missing one fails later, naming the folder).
    """
    for name in candidates:
        if osp.isdir(osp.join(root or '', name)):
            return name
    return candidates[0]


@DATASETS.register_module()
class DUTDefocusDataset(DefocusDataset):
    """The DUT-DBD release: 600 training and 500 test images, ``.bmp`` masks, 255 = in focus.

    .. code-block:: none

        data/dut
        ├── DUT600S_Training     *.jpg
        ├── DUT600GT_Training    *.bmp (0/255, 255 = in focus)
        ├── DUT500S-Testing      *.jpg
        └── DUT500GT-Testing     *.bmp

    The release mixes ``_`` and ``-`` in the folder names; either spelling is found.

    Args:
        split (str): ``'train'`` or ``'test'``. Defaults to ``'train'``.
        data_prefix (dict, optional): Override the folders chosen by ``split``.
        **kwargs: See :class:`DefocusDataset`.
    """
    MASK_POLARITY = 'focus'
    FOLDERS = dict(
        train=(('DUT600S_Training', 'DUT600S-Training'),
               ('DUT600GT_Training', 'DUT600GT-Training')),
        test=(('DUT500S-Testing', 'DUT500S_Testing'),
              ('DUT500GT-Testing', 'DUT500GT_Testing')))

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
