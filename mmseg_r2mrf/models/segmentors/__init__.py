from .defocus_tta_model import DefocusTTAModel

__all__ = ['DefocusTTAModel']
