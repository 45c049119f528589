"""Shi et al.'s CUHK blur detection dataset, defocus part."""
import os.path as osp
from typing import List

from mmseg.registry import DATASETS
from .defocus_dataset import DefocusDataset

#: The 100 test images used by BTBNet, R²MRF's comparisons and later work (stems, one a line).
SHI_TEST_SPLIT = osp.join(osp.dirname(osp.abspath(__file__)), 'splits', 'shi_defocus_test100.txt')


@DATASETS.register_module()
class ShiDefocusDataset(DefocusDataset):
    """Shi et al. (CVPR 2014) as published: ``image/`` and ``gt/``, masks with 255 = blurred.

    .. code-block:: none

        data/shi
        ├── image   out_of_focus0001.jpg ... out_of_focus0704.jpg (some .JPG), motion*.jpg
        └── gt      out_of_focus0001.png ... (0/255, 255 = blurred)

    The 296 ``motion*`` images (motion blur) are excluded. Split ``'test'`` is the 100 images of
    the shipped list (:data:`SHI_TEST_SPLIT`), ``'train'`` the other 604 defocus images, ``'all'``
    all 704.

    Args:
        split (str): ``'train'``, ``'test'`` or ``'all'``. Defaults to ``'train'``.
        test_split_file (str): List of the test stems. Defaults to the shipped list.
        **kwargs: See :class:`DefocusDataset`.
    """
    MASK_POLARITY = 'blur'
    SPLITS = ('train', 'test', 'all')
    DATA_PREFIX = dict(img_path='image', seg_map_path='gt')

    def __init__(self,
                 split: str = 'train',
                 test_split_file: str = SHI_TEST_SPLIT,
                 **kwargs) -> None:
        self.test_split_file = test_split_file
        super().__init__(split=split, **kwargs)

    def keep_stem(self, stem: str) -> bool:
        """Drop the motion-blurred images, which are not defocus."""
        return not stem.lower().startswith('motion')

    def select_stems(self, stems: List[str]) -> List[str]:
        """Apply the train/test split of :data:`SHI_TEST_SPLIT` (or ``ann_file`` if given)."""
        if self.ann_file or self.split == 'all':
            return super().select_stems(stems)
        test = self._read_split_list(self.test_split_file, stems)
        if self.split == 'test':
            return test
        test_set = set(test)
        return [stem for stem in stems if stem not in test_set]
