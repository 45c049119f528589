"""Five-level ResNet / ResNeXt: mmseg's backbones plus their stem as level 1 (R²MRF's F1)."""
from mmseg.models.backbones import ResNet, ResNetV1c, ResNeXt
from mmseg.registry import MODELS

from ..utils import StemOutputMixin


@MODELS.register_module()
class ResNetWithStem(StemOutputMixin, ResNet):
    """mmseg's :class:`~mmseg.models.backbones.ResNet` returning ``(stem, *stages)``.

    With the default four stages this gives R²MRF's five levels F1..F5. Every argument of
    ResNet is accepted unchanged, including ``init_cfg=dict(type='Pretrained',
    checkpoint=PATH)`` (torchvision and open-mmlab ResNet checkpoints use the same keys).

    Args:
        stem_output (str): ``'after_pool'`` (default, stride 4, as the authors' lineage)
            or ``'before_pool'`` (stride 2, the paper's "conv1").
        **kwargs: Arguments of ResNet.
    """


@MODELS.register_module()
class ResNeXtWithStem(StemOutputMixin, ResNeXt):
    """mmseg's :class:`~mmseg.models.backbones.ResNeXt` returning ``(stem, *stages)``.

    Any depth and width: ``groups=32, base_width=4`` is ResNeXt-101 32x4d (R²MRF's
    backbone), ``groups=32, base_width=8`` torchvision's ``resnext101_32x8d``, whose
    checkpoint keys match mmseg's (its ``fc.*`` keys are simply unused).

    Args:
        stem_output (str): ``'after_pool'`` (default, stride 4) or ``'before_pool'``
            (stride 2).
        **kwargs: Arguments of ResNeXt.
    """


@MODELS.register_module()
class ResNetV1cWithStem(StemOutputMixin, ResNetV1c):
    """mmseg's :class:`~mmseg.models.backbones.ResNetV1c` (deep stem) returning
    ``(stem, *stages)``.

    Args:
        stem_output (str): ``'after_pool'`` (default, stride 4) or ``'before_pool'``
            (stride 2).
        **kwargs: Arguments of ResNetV1c.
    """
