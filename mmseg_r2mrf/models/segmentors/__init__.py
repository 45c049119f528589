from .defocus_encoder_decoder import DefocusEncoderDecoder
from .defocus_tta_model import DefocusTTAModel

__all__ = ['DefocusEncoderDecoder', 'DefocusTTAModel']
