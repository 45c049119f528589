"""Inference API: ``DefocusDetector(config, checkpoint)`` or ``DefocusDetector.from_pretrained()``,
``.predict(image)`` and ``.summarize(image)``; ``OnnxDefocusDetector`` (re-exported from the
numpy-only runtime :mod:`mmseg_r2mrf_onnx`) for exported models; evaluation of any blur-map
predictor with ``evaluate_predictor``; ``make_release`` to ship a trained model."""
from mmseg_r2mrf_onnx import OnnxDefocusDetector

from ..fileio import read_image
from .blur_summary import SUMMARY_FIELDS, summarize_blur_map
from .defocus_detector import DefocusDetector
from .evaluate import evaluate_predictor
from .release_builder import CARD_FIELDS, MAX_WEIGHTS_BYTES, inference_config, make_release

__all__ = [
    'CARD_FIELDS', 'DefocusDetector', 'MAX_WEIGHTS_BYTES', 'OnnxDefocusDetector',
    'SUMMARY_FIELDS', 'evaluate_predictor', 'inference_config', 'make_release', 'read_image',
    'summarize_blur_map'
]
