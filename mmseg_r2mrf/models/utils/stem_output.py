"""A mixin that makes a backbone also return its stem: the fifth level of R²MRF."""
from typing import Dict, Tuple

from torch import Tensor, nn


class StemOutputMixin:
    """Prepends the stem's output to the stage outputs of a backbone.

    R²MRF (Tang et al., AAAI 2020) uses five backbone levels F1..F5: the stem and the four
    stages. mmseg's ResNet/ResNeXt and mmpretrain's DenseNet return only the stages. Rather
    than copying their ``forward``, this mixin hooks the stem's max-pool for one call of the
    parent ``forward`` and puts what it saw in front of the parent's outputs, so every
    depth, width and stem variant of the parent keeps working unchanged.

    A subclass whose stem's max-pool is not ``self.maxpool`` (the ResNet family's) overrides
    :meth:`_stem_pool`.

    Args:
        stem_output (str): ``'after_pool'`` (default): the stem after its max-pool (stride 4),
            as in the authors' public lineage (R³Net, BR²Net); ``'before_pool'``: the stem
            before the max-pool (stride 2), the paper's "conv1".
        **kwargs: Arguments of the parent backbone.
    """

    STEM_OUTPUTS = ('after_pool', 'before_pool')

    def __init__(self, stem_output: str = 'after_pool', **kwargs) -> None:
        if stem_output not in self.STEM_OUTPUTS:
            raise ValueError(f'{type(self).__name__}: stem_output must be one of '
                             f'{self.STEM_OUTPUTS}, got {stem_output!r}')
        self.stem_output = stem_output
        super().__init__(**kwargs)

    def _stem_pool(self) -> nn.Module:
        """Returns the max-pool layer that ends the stem."""
        return self.maxpool

    def train(self, mode: bool = True) -> 'StemOutputMixin':
        """The parent's ``train`` (which returns None in mmseg and mmpretrain), returning
        ``self`` as ``nn.Module.train`` does, so that ``model.eval()`` can be chained."""
        super().train(mode)
        return self

    def forward(self, x: Tensor) -> Tuple[Tensor, ...]:
        """Runs the parent backbone and returns ``(stem, *stage_outputs)``.

        Args:
            x (Tensor): Images of shape (N, 3, H, W).

        Returns:
            tuple[Tensor]: The stem output followed by the parent's outputs.
        """
        seen: Dict[str, Tensor] = {}

        def keep_stem(module: nn.Module, args: Tuple[Tensor, ...], output: Tensor) -> None:
            seen['stem'] = args[0] if self.stem_output == 'before_pool' else output

        handle = self._stem_pool().register_forward_hook(keep_stem)
        try:
            outs = super().forward(x)
        finally:
            handle.remove()
        return (seen['stem'], ) + tuple(outs)
