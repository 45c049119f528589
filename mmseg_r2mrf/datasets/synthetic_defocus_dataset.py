"""The synthetic defocus set written by ``tools/make_synthetic_defocus.py``."""
import os.path as osp

from mmseg.registry import DATASETS

from .defocus_dataset import DefocusDataset
from .shi_defocus_dataset import ShiDefocusDataset


@DATASETS.register_module()
class SyntheticDefocusDataset(DefocusDataset):
    """Synthetic defocus images in Shi et al.'s layout, masks already in project labels.

    .. code-block:: none

        data/synthetic_defocus
        ├── image       *.jpg
        ├── gt          *.png  (0 = sharp, 1 = blurred, 255 = ignored)
        ├── train.txt   stems of the training split
        ├── val.txt     stems of the validation split (checkpoint selection)
        └── test.txt    stems of the test split (each split from photographs of its own)

    Args:
        split (str): ``'train'``, ``'val'`` or ``'test'`` (reads ``<split>.txt``). Defaults to
            ``'train'``.
        **kwargs: See :class:`DefocusDataset`; ``ann_file`` overrides the split list.
    """
    MASK_POLARITY = 'label'
    SPLITS = ('train', 'val', 'test')
    DATA_PREFIX = ShiDefocusDataset.DATA_PREFIX  # the same folders

    def __init__(self, split: str = 'train', **kwargs) -> None:
        # An unknown split fails in DefocusDataset before this list is looked for.
        if split == 'val' and 'ann_file' not in kwargs:
            data_root = kwargs.get('data_root') or ''
            if not osp.isfile(osp.join(data_root, 'val.txt')):
                # Sets written before the generator had a validation split hold none.
                raise FileNotFoundError(
                    f'{data_root or "."} has no val.txt: it was written by an older '
                    'tools/make_synthetic_defocus.py without a validation split; regenerate it '
                    f'with: python tools/make_synthetic_defocus.py {data_root} --force')
        kwargs.setdefault('ann_file', f'{split}.txt')
        super().__init__(split=split, **kwargs)
