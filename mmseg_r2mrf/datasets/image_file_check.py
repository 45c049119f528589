"""Earlier home of :func:`read_image_size`, now in :mod:`mmseg_r2mrf.fileio` (re-exported)."""
from ..fileio import read_image_size

__all__ = ['read_image_size']
