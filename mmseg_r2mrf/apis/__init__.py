"""Inference API: ``DefocusDetector(config, checkpoint)`` or ``DefocusDetector.from_pretrained()``,
``.predict(image)`` and ``.summarize(image)``; evaluation of any blur-map predictor with
``evaluate_predictor``."""
from .blur_summary import SUMMARY_FIELDS, summarize_blur_map
from .defocus_detector import DefocusDetector, read_image
from .evaluate import evaluate_predictor

__all__ = [
    'DefocusDetector', 'SUMMARY_FIELDS', 'evaluate_predictor', 'read_image', 'summarize_blur_map'
]
