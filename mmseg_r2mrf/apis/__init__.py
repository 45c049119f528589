"""Inference API: ``DefocusDetector(config, checkpoint)`` or ``DefocusDetector.from_pretrained()``,
``.predict(image)`` and ``.summarize(image)``; ``OnnxDefocusDetector`` (re-exported from the
numpy-only runtime :mod:`mmseg_r2mrf_onnx`) for exported models; evaluation of any blur-map
predictor with ``evaluate_predictor``."""
from mmseg_r2mrf_onnx import OnnxDefocusDetector

from ..fileio import read_image
from .blur_summary import SUMMARY_FIELDS, summarize_blur_map
from .defocus_detector import DefocusDetector
from .evaluate import evaluate_predictor

__all__ = [
    'DefocusDetector', 'OnnxDefocusDetector', 'SUMMARY_FIELDS', 'evaluate_predictor',
    'read_image', 'summarize_blur_map'
]
