"""Per-image numbers of a blur map: how much of it is blurred, and where the focus is.

The rule lives in :mod:`mmseg_r2mrf_onnx` (numpy only), shared with the ONNX Runtime detector.
"""
from mmseg_r2mrf_onnx import SUMMARY_FIELDS, summarize_blur_map

__all__ = ['SUMMARY_FIELDS', 'summarize_blur_map']
