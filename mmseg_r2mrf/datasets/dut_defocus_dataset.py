"""DUT-DBD (Zhao et al., CVPR 2018): defocus blur detection with 255 = in focus."""
from mmseg.registry import DATASETS

from .folder_split_dataset import FolderSplitDefocusDataset


@DATASETS.register_module()
class DUTDefocusDataset(FolderSplitDefocusDataset):
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
        **kwargs: See :class:`FolderSplitDefocusDataset`.
    """
    MASK_POLARITY = 'focus'
    FOLDERS = dict(
        train=(('DUT600S_Training', 'DUT600S-Training'),
               ('DUT600GT_Training', 'DUT600GT-Training')),
        test=(('DUT500S-Testing', 'DUT500S_Testing'),
              ('DUT500GT-Testing', 'DUT500GT_Testing')))
