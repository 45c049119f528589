"""Inference API: ``DefocusDetector(config, checkpoint).predict(image)``."""
from .defocus_detector import DefocusDetector, read_image

__all__ = ['DefocusDetector', 'read_image']
