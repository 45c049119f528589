"""Shi et al.'s CUHK blur detection dataset, defocus part."""
import os.path as osp
from typing import List

from mmseg.registry import DATASETS

from .defocus_dataset import DefocusDataset

_SPLITS_DIR = osp.join(osp.dirname(osp.abspath(__file__)), 'splits')
#: The 100 test images used by BTBNet, R²MRF's comparisons and later work (stems, one a line).
SHI_TEST_SPLIT = osp.join(_SPLITS_DIR, 'shi_defocus_test100.txt')
#: 60 of the 604 training images, held out for checkpoint selection: the 6th, 16th, ..., 596th
#: training stem in sorted order (every 10th, starting at index 5). Fixed once; never tested on.
SHI_VAL_SPLIT = osp.join(_SPLITS_DIR, 'shi_defocus_val60.txt')


@DATASETS.register_module()
class ShiDefocusDataset(DefocusDataset):
    """Shi et al. (CVPR 2014) as published: ``image/`` and ``gt/``, masks with 255 = blurred.

    .. code-block:: none

        data/shi
        ├── image   out_of_focus0001.jpg ... out_of_focus0704.jpg (some .JPG), motion*.jpg
        └── gt      out_of_focus0001.png ... (0/255, 255 = blurred)

    The 296 ``motion*`` images (motion blur) are excluded. Splits:

    * ``'train'``: the 604 training images (the 704 defocus images minus the test list), what
      the paper and BTBNet train on;
    * ``'test'``: the 100 images of the shipped list (:data:`SHI_TEST_SPLIT`);
    * ``'val'``: 60 of the 604 training images, held out for choosing a checkpoint
      (:data:`SHI_VAL_SPLIT`, a fixed list: every 10th training stem in sorted order);
    * ``'train_without_val'``: the other 544 training images, to train beside ``'val'``;
    * ``'all'``: all 704.

    ``'val'`` is part of ``'train'``: selecting a checkpoint on it is honest only for a model
    trained on ``'train_without_val'``.

    Args:
        split (str): One of :attr:`SPLITS`. Defaults to ``'train'``.
        test_split_file (str): List of the test stems. Defaults to the shipped list.
        val_split_file (str): List of the validation stems, all of them training stems.
            Defaults to the shipped list.
        **kwargs: See :class:`DefocusDataset`.
    """
    MASK_POLARITY = 'blur'
    SPLITS = ('train', 'val', 'train_without_val', 'test', 'all')
    DATA_PREFIX = dict(img_path='image', seg_map_path='gt')

    def __init__(self,
                 split: str = 'train',
                 test_split_file: str = SHI_TEST_SPLIT,
                 val_split_file: str = SHI_VAL_SPLIT,
                 **kwargs) -> None:
        self.test_split_file = test_split_file
        self.val_split_file = val_split_file
        super().__init__(split=split, **kwargs)

    def keep_stem(self, stem: str) -> bool:
        """Drop the motion-blurred images, which are not defocus."""
        return not stem.lower().startswith('motion')

    def select_stems(self, stems: List[str]) -> List[str]:
        """Apply the split lists (or ``ann_file`` if given) to the defocus stems.

        Raises:
            FileNotFoundError: A list names a file missing from the folders.
            ValueError: The validation list names a test image.
        """
        if self.ann_file or self.split == 'all':
            return super().select_stems(stems)
        test = self._read_split_list(self.test_split_file, stems)
        if self.split == 'test':
            return test
        test_set = set(test)
        train = [stem for stem in stems if stem not in test_set]
        if self.split == 'train':
            return train
        val = self._read_split_list(self.val_split_file, stems)
        in_test = [stem for stem in val if stem in test_set]
        if in_test:
            raise ValueError(f'validation list {self.val_split_file} names {len(in_test)} test '
                             f'image(s) of {self.test_split_file}, e.g. {in_test[0]!r}')
        if self.split == 'val':
            return val
        val_set = set(val)
        return [stem for stem in train if stem not in val_set]
