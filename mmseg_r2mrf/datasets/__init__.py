from . import transforms  # noqa: F401
from .defocus_dataset import DefocusDataset
from .dut_defocus_dataset import DUTDefocusDataset
from .folder_split_dataset import FolderSplitDefocusDataset
from .shi_defocus_dataset import SHI_TEST_SPLIT, SHI_VAL_SPLIT, ShiDefocusDataset
from .synthetic_defocus_dataset import SyntheticDefocusDataset
from .zhao_defocus_dataset import ZhaoDefocusDataset

__all__ = [
    'DefocusDataset', 'DUTDefocusDataset', 'FolderSplitDefocusDataset', 'SHI_TEST_SPLIT',
    'SHI_VAL_SPLIT', 'ShiDefocusDataset', 'SyntheticDefocusDataset', 'ZhaoDefocusDataset'
]
