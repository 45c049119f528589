"""mmseg's EncoderDecoder with an optional image-guided refinement of the test-time map."""
from typing import List, Optional

from torch import Tensor

from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS


@MODELS.register_module()
class DefocusEncoderDecoder(EncoderDecoder):
    """``EncoderDecoder`` whose predicted logits can be refined along the image's edges.

    Training is unchanged. At test time (``predict``, whole or sliding-window) the logits of
    each input (or window), resized to its size by the head, go through ``refine_cfg``'s
    module together with the normalised input, e.g. :class:`~mmseg_r2mrf.models.utils.
    GuidedFilterRefiner`. Without ``refine_cfg`` it is exactly ``EncoderDecoder``.

    Args:
        refine_cfg (dict, optional): A module ``(logits, inputs) -> logits``. Defaults to None.
        **kwargs: ``EncoderDecoder``'s arguments.
    """

    def __init__(self, refine_cfg: Optional[dict] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.refiner = MODELS.build(refine_cfg) if refine_cfg is not None else None

    def encode_decode(self, inputs: Tensor, batch_img_metas: List[dict]) -> Tensor:
        logits = super().encode_decode(inputs, batch_img_metas)
        if self.refiner is None:
            return logits
        return self.refiner(logits, inputs)
