"""Deployment: the segmentor as one tensor function, exported to ONNX and checked.

The ONNX Runtime side, which needs no torch, is the top-level module :mod:`mmseg_r2mrf_onnx`.
"""
from .exportable_model import INPUT_NAME, LOGIT_NAME, PROBABILITY_NAME, ExportableDefocusModel
from .onnx_export import (
    DEFAULT_CHECK_SIZES,
    DEFAULT_OPSET,
    PARITY_TOLERANCE,
    OnnxExportError,
    compare_with_pytorch,
    detector_parity,
    export_detector,
)

__all__ = [
    'DEFAULT_CHECK_SIZES', 'DEFAULT_OPSET', 'ExportableDefocusModel', 'INPUT_NAME', 'LOGIT_NAME',
    'OnnxExportError', 'PARITY_TOLERANCE', 'PROBABILITY_NAME', 'compare_with_pytorch',
    'detector_parity', 'export_detector'
]
