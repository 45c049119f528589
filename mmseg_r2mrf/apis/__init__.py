"""Inference API: ``DefocusDetector(config, checkpoint).predict(image)``, and evaluation of any
blur-map predictor with ``evaluate_predictor``."""
from .defocus_detector import DefocusDetector, read_image
from .evaluate import evaluate_predictor

__all__ = ['DefocusDetector', 'evaluate_predictor', 'read_image']
