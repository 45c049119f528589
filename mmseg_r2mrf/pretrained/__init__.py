"""Released models that ship with the package, usable offline.

A release is ``<name>.pth`` (weights only), ``<name>.py`` (config), ``<name>.json`` (index with
the sha256 of both) and ``<name>.md`` (model card). See :mod:`.releases` for the layout and the
naming, :func:`make_release` (:mod:`.release_builder`) to make one, and
:meth:`mmseg_r2mrf.apis.DefocusDetector.from_pretrained` to use one.
"""
from .release_builder import CARD_FIELDS, MAX_WEIGHTS_BYTES, inference_config, make_release
from .releases import (PRETRAINED_DIR, Release, ReleaseIntegrityError, ReleaseNotFoundError,
                       file_sha256, find_release, list_pretrained, release_order)

__all__ = [
    'CARD_FIELDS', 'MAX_WEIGHTS_BYTES', 'PRETRAINED_DIR', 'Release', 'ReleaseIntegrityError',
    'ReleaseNotFoundError', 'file_sha256', 'find_release', 'inference_config',
    'list_pretrained', 'make_release', 'release_order'
]
