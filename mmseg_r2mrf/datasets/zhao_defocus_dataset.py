"""Zhao et al.'s redistribution of CUHK and DUT (used by most later papers), 255 = in focus."""
from typing import Optional, Sequence

from mmseg.registry import DATASETS
from .defocus_dataset import DefocusDataset


@DATASETS.register_module()
class ZhaoDefocusDataset(DefocusDataset):
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
        **kwargs: See :class:`DefocusDataset`.
    """
    MASK_POLARITY = 'focus'
    FOLDERS = dict(
        train=('train_data/1204source', 'train_data/1204gt'),
        cuhk_test=('test_data/CUHK/xu100-source', 'test_data/CUHK/xu100-gt'),
        dut_test=('test_data/DUT/dut500-source', 'test_data/DUT/dut500-gt'))

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
            data_prefix = dict(img_path=images, seg_map_path=masks)
        super().__init__(data_prefix=data_prefix, seg_map_suffix=seg_map_suffix, **kwargs)
