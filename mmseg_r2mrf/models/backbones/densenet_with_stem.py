"""Five-level DenseNet: mmpretrain's DenseNet plus its stem as level 1 (R²MRF's F1)."""
from mmpretrain.models.backbones import DenseNet
from torch import nn

from mmseg.registry import MODELS

from ..utils import StemOutputMixin


@MODELS.register_module()
class DenseNetWithStem(StemOutputMixin, DenseNet):
    """mmpretrain's :class:`~mmpretrain.models.backbones.DenseNet` returning
    ``(stem, *stages)``.

    With ``out_indices=(0, 1, 2, 3)`` DenseNet gives four levels at strides 8, 16, 32 and
    32 (its last transition has no pooling); the stem is the fifth, at stride 4 after the
    max-pool (default) or stride 2 before it. For DenseNet-161 the channels are
    96, 192, 384, 1056 and 2208. Pretrained weights: an mmpretrain DenseNet checkpoint with
    ``init_cfg=dict(type='Pretrained', checkpoint=PATH, prefix='backbone.')``.

    Args:
        stem_output (str): ``'after_pool'`` (default, stride 4) or ``'before_pool'``
            (stride 2).
        **kwargs: Arguments of mmpretrain's DenseNet.
    """

    def __init__(self, stem_output: str = 'after_pool', **kwargs) -> None:
        kwargs.setdefault('out_indices', (0, 1, 2, 3))
        # mmpretrain rewrites negative indices in place: give it a list of its own.
        kwargs['out_indices'] = list(kwargs['out_indices'])
        super().__init__(stem_output=stem_output, **kwargs)

    def _stem_pool(self) -> nn.Module:
        # mmpretrain's stem is Sequential(conv 7x7 stride 2, norm, act, max-pool stride 2).
        return self.stem[-1]
