"""The synthetic defocus set written by ``tools/make_synthetic_defocus.py``."""
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
        └── test.txt    stems of the test split (other source photographs)

    Args:
        split (str): ``'train'`` or ``'test'`` (reads ``<split>.txt``). Defaults to ``'train'``.
        **kwargs: See :class:`DefocusDataset`; ``ann_file`` overrides the split list.
    """
    MASK_POLARITY = 'label'
    SPLITS = ('train', 'test')
    DATA_PREFIX = ShiDefocusDataset.DATA_PREFIX  # the same folders

    def __init__(self, split: str = 'train', **kwargs) -> None:
        # An unknown split fails in DefocusDataset before this list is looked for.
        kwargs.setdefault('ann_file', f'{split}.txt')
        super().__init__(split=split, **kwargs)
