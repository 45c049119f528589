"""mmseg-r2mrf: R²MRF defocus blur detection (Tang et al., AAAI 2020) for MMSegmentation.

Importing this package first applies the compatibility layer for today's torch/mmcv
(:mod:`mmseg_r2mrf.compat`), then registers every component into mmseg's registries.
Configs load it with ``custom_imports = dict(imports=['mmseg_r2mrf'])``.
"""
from . import compat  # noqa: F401  (must run before any mmseg module is imported)

# isort: split
from . import datasets, engine, evaluation, models  # noqa: F401

# isort: split
from . import apis  # noqa: F401  (DefocusDetector; after the registries)
from .version import __version__

__all__ = ['__version__']
