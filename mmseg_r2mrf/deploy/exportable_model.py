"""A segmentor as one tensor function: uint8 image in, blur probability out (for ONNX export)."""
import torch.nn.functional as F
from torch import Tensor, nn

from mmseg.models.utils import resize

#: Names of the exported graph's input and outputs.
INPUT_NAME, PROBABILITY_NAME, LOGIT_NAME = 'image', 'blur_probability', 'blur_logit'


class ExportableDefocusModel(nn.Module):
    """What ``DefocusDetector`` computes for one image, preprocessing included, as tensors only.

    Input: ``(1, H, W, 3)`` image as OpenCV reads it (BGR order, uint8 or float in 0..255).
    Outputs: the blur probability ``(1, 1, H, W)`` in [0, 1] (sigmoid of a one-channel head;
    for a softmax head, the probability of class 1) and the logit map it comes from, both at
    the input's resolution. The steps are those of mmseg's test path: the data preprocessor
    (channel order, mean/std, its test-time padding if it has one), backbone, neck and head,
    the head's resize to the input size (bilinear), the segmentor's refiner if any, removal of
    the padding. No metadata dict is involved, so every size follows the input's.

    Args:
        segmentor (nn.Module): An ``EncoderDecoder`` (or ``DefocusEncoderDecoder``) in eval
            mode with ``SegDataPreProcessor``.
    """

    def __init__(self, segmentor: nn.Module) -> None:
        super().__init__()
        preprocessor = segmentor.data_preprocessor
        self.segmentor = segmentor
        self.bgr_to_rgb = bool(preprocessor.channel_conversion)
        self.normalize = bool(preprocessor._enable_normalize)
        if self.normalize:
            self.register_buffer('mean', preprocessor.mean.detach().clone().view(1, -1, 1, 1))
            self.register_buffer('std', preprocessor.std.detach().clone().view(1, -1, 1, 1))
        test_cfg = preprocessor.test_cfg or {}
        if test_cfg.get('size') is not None:
            raise ValueError('export needs a data_preprocessor without a fixed test_cfg.size')
        self.size_divisor = int(test_cfg.get('size_divisor') or 1)
        self.pad_val = float(preprocessor.pad_val)
        self.align_corners = bool(segmentor.decode_head.align_corners)
        self.refiner = getattr(segmentor, 'refiner', None)

    def forward(self, image: Tensor):
        x = image.permute(0, 3, 1, 2).float()
        if self.bgr_to_rgb:
            x = x.flip(1)
        if self.normalize:
            x = (x - self.mean) / self.std
        height, width = x.shape[-2:]
        if self.size_divisor > 1:
            pad_bottom = (self.size_divisor - height % self.size_divisor) % self.size_divisor
            pad_right = (self.size_divisor - width % self.size_divisor) % self.size_divisor
            x = F.pad(x, (0, pad_right, 0, pad_bottom), value=self.pad_val)
        logits = self.segmentor.decode_head(self.segmentor.extract_feat(x))
        logits = resize(logits, size=x.shape[-2:], mode='bilinear',
                        align_corners=self.align_corners, warning=False)
        if self.refiner is not None:
            logits = self.refiner(logits, x)
        logits = logits[:, :, :height, :width]
        if logits.shape[1] == 1:
            return logits.sigmoid(), logits
        return logits.softmax(dim=1)[:, 1:2], logits
