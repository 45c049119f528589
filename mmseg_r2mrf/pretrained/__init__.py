"""Released models that ship with the package, usable offline.

A release is ``<name>.pth`` (weights only), ``<name>.py`` (config), ``<name>.json`` (index with
the sha256 of both) and ``<name>.md`` (model card). See :mod:`.releases` for the layout and the
naming, :func:`mmseg_r2mrf.apis.make_release` to make one, and
:meth:`mmseg_r2mrf.apis.DefocusDetector.from_pretrained` to use one.
"""
from .releases import (PRETRAINED_DIR, Release, ReleaseIntegrityError, ReleaseNotFoundError,
                       file_sha256, find_release, list_pretrained, release_order)

__all__ = [
    'PRETRAINED_DIR', 'Release', 'ReleaseIntegrityError', 'ReleaseNotFoundError',
    'file_sha256', 'find_release', 'list_pretrained', 'release_order'
]
