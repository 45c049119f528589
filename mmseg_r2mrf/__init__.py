"""mmseg-r2mrf: R²MRF defocus blur detection (Tang et al., AAAI 2020) for MMSegmentation.

Importing this package first applies the compatibility layer for today's torch/mmcv
(:func:`mmseg_r2mrf.compat.apply`, idempotent, also exported as ``apply_compat``), then
registers every component into mmseg's registries.
Configs load it with ``custom_imports = dict(imports=['mmseg_r2mrf'])``.
"""
from .compat import apply as apply_compat

apply_compat()  # the compatibility layer, before any mmseg model module is imported

from . import datasets, engine, evaluation, models  # noqa: E402,F401

# isort: split
from . import apis  # noqa: E402,F401  (DefocusDetector; after the registries)
from .version import __version__  # noqa: E402

__all__ = ['__version__', 'apply_compat']
