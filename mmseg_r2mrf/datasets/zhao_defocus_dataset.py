"""Zhao et al.'s redistribution of CUHK and DUT (used by most later papers), 255 = in focus."""
from mmseg.registry import DATASETS

from .folder_split_dataset import FolderSplitDefocusDataset


@DATASETS.register_module()
class ZhaoDefocusDataset(FolderSplitDefocusDataset):
    """Zhao et al.'s redistribution: files renumbered ``1.jpg``/``1.bmp``, 255 = in focus.

    .. code-block:: none

        data/zhao
        ├── train_data
        │   ├── 1204source   1.jpg ... (CUHK 604 + DUT 600)
        │   └── 1204gt       1.bmp ...
        └── test_data
            ├── CUHK   xu100-source, xu100-gt   (Shi et al.'s 100 test images)
            └── DUT    dut500-source, dut500-gt

    Args:
        split (str): ``'train'``, ``'cuhk_test'`` or ``'dut_test'``. Defaults to ``'train'``.
        data_prefix (dict, optional): Override the folders chosen by ``split``.
        **kwargs: See :class:`FolderSplitDefocusDataset`.
    """
    MASK_POLARITY = 'focus'
    FOLDERS = dict(
        train=('train_data/1204source', 'train_data/1204gt'),
        cuhk_test=('test_data/CUHK/xu100-source', 'test_data/CUHK/xu100-gt'),
        dut_test=('test_data/DUT/dut500-source', 'test_data/DUT/dut500-gt'))
