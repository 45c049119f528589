"""Safe checkpoint loading for mmengine 0.10.7 on torch >= 2.6.

mmengine 0.10.7 calls ``torch.load(filename, map_location=...)``; since torch 2.6 that means
``weights_only=True``, which refuses mmengine's own checkpoints
(``Unsupported global: mmengine.logging.history_buffer.HistoryBuffer``). Turning the safety off
(``weights_only=False`` or ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``) would let any checkpoint file
run arbitrary code. Instead we allow-list exactly the classes that mmengine checkpoints hold,
under the names that numpy 1 and numpy 2 pickle them with, and route mmengine's local-file
loader through :func:`safe_load_checkpoint`, which names the file and the refused global.

URLs need the same care: mmengine downloads ``http(s)://`` checkpoints (and the
``torchvision://``, ``open-mmlab://`` and ``mmcls://`` ones that resolve to URLs) with
``torch.hub.load_state_dict_from_url``, whose ``weights_only`` still defaults to False in
torch 2.14. :func:`safe_load_url` takes its place.

A file that is no checkpoint at all (empty, text, HTML, JSON, an image, a git-lfs pointer, a
truncated download) is told apart from an unsafe one by :func:`describe_checkpoint_file`, so the
error says what the file is; :func:`check_checkpoint_fits` turns a checkpoint that does not fit
the model (mmengine only warns) into an error listing the keys.
"""
import importlib
import logging
import os.path as osp
import pickle
import re
import zipfile
from collections import OrderedDict
from typing import Any, List, Mapping, Optional, Tuple

import mmengine.runner.checkpoint as mmengine_checkpoint
import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

# (module, attribute) pairs that mmengine checkpoints pickle besides tensors and containers.
# numpy 2 moved numpy.core to numpy._core; a checkpoint keeps the path it was written with.
_NUMPY_CORE_MODULES = ('numpy._core.multiarray', 'numpy.core.multiarray')
_NUMPY_CORE_NAMES = ('_reconstruct', 'scalar')
_PLAIN_GLOBALS = (
    ('mmengine.logging.history_buffer', 'HistoryBuffer'),  # message_hub.log_scalars
    ('numpy', 'ndarray'),  # HistoryBuffer's history
    ('numpy', 'dtype'),  # dtype of every array and numpy scalar
)


def _numpy_dtype_classes() -> List[type]:
    """The per-dtype classes (numpy >= 1.25) that a pickled ``type(np.dtype(...))`` names."""
    import numpy as np
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is None:
        return []
    return [getattr(dtypes, name) for name in dir(dtypes) if name.endswith('DType')]


def _resolve(module_name: str, attr: str) -> Optional[Any]:
    try:
        return getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError):
        return None


def _history_buffer_getattr(owner: Any, name: str) -> Any:
    """``getattr`` as HistoryBuffer pickles use it, and no other way.

    ``HistoryBuffer.__getstate__`` stores its statistics methods (``HistoryBuffer.min``, ...);
    pickle protocol 2 writes each as ``getattr(HistoryBuffer, 'min')``. A general ``getattr``
    would let a pickle walk from any allowed object to ``os.system``, so only public methods of
    HistoryBuffer itself are resolved.
    """
    from mmengine.logging import HistoryBuffer
    method = getattr(HistoryBuffer, name, None) if owner is HistoryBuffer else None
    if name.startswith('_') or not callable(method):
        raise pickle.UnpicklingError(
            f'Unsupported global: GLOBAL getattr({getattr(owner, "__name__", type(owner))!r}, '
            f'{name!r})')
    return method


def _build_safe_globals() -> List[Any]:
    safe: List[Any] = [(_history_buffer_getattr, 'builtins.getattr')]
    for module_name, attr in _PLAIN_GLOBALS:
        obj = _resolve(module_name, attr)
        if obj is None:
            raise ImportError(f'cannot resolve {module_name}.{attr} for the checkpoint allow-list')
        safe.append(obj)
    safe.extend(_numpy_dtype_classes())
    for attr in _NUMPY_CORE_NAMES:
        # The object from the running numpy, registered under both pickled paths.
        obj = next(o for o in (_resolve(m, attr) for m in _NUMPY_CORE_MODULES) if o is not None)
        safe.extend((obj, f'{module}.{attr}') for module in _NUMPY_CORE_MODULES)
    return safe


CHECKPOINT_SAFE_GLOBALS: List[Any] = _build_safe_globals()


class UnsafeCheckpointError(pickle.UnpicklingError):
    """A checkpoint whose pickle references something outside the allow-list."""


class CheckpointReadError(ValueError):
    """A checkpoint file that cannot be read: empty, not a checkpoint, truncated or corrupt."""


class CheckpointMismatchError(ValueError):
    """A checkpoint whose weights do not fit the model it is loaded into."""


#: First bytes of files that are sometimes saved as ``.pth`` by mistake, and what they are.
_NOT_A_CHECKPOINT_SIGNATURES = (
    (b'version https://git-lfs', 'a git-lfs pointer file (run `git lfs pull` to fetch the '
     'real file)'),
    (b'\x89PNG', 'a PNG image'),
    (b'\xff\xd8\xff', 'a JPEG image'),
    (b'GIF8', 'a GIF image'),
    (b'BM', 'a BMP image'),
    (b'\x1f\x8b', 'a gzip archive (unpack it first)'),
)
_TORCH_ZIP_MAGIC = b'PK\x03\x04'
_PICKLE_PROTOCOL_2_PLUS = b'\x80'  # torch's legacy (non-zip) format starts with a pickle


def _describe_text(head: bytes) -> Optional[str]:
    """What a file is that starts with ``head``, if it is text."""
    try:
        text = head.decode('utf-8').lstrip().lower()
    except UnicodeDecodeError:
        return None
    if text.startswith(('<!doctype html', '<html', '<head', '<body')):
        return 'an HTML page (a login or error page saved instead of the download?)'
    if text.startswith(('{', '[')):
        return 'JSON text'
    if text.startswith('<'):
        return 'XML or HTML text'
    return 'a text file'


def describe_checkpoint_file(filename: str) -> Optional[str]:
    """Tell what is wrong with a checkpoint file from its size and first bytes, if anything.

    This does not unpickle anything; a file that passes may still be refused as unsafe.

    Args:
        filename (str): Path of the file.

    Returns:
        str or None: The problem (``'does not exist'``, ``'is empty (0 bytes)'``, ``'is not
        a checkpoint: it is a PNG image'``, ``'is truncated: ...'``...), or None if the file
        looks like a complete PyTorch checkpoint.
    """
    if not osp.isfile(filename):
        return 'does not exist'
    size = osp.getsize(filename)
    if size == 0:
        return 'is empty (0 bytes): an interrupted save, a full disk or a failed download'
    with open(filename, 'rb') as f:
        head = f.read(64)
    if head.startswith(_TORCH_ZIP_MAGIC):
        # A zip archive is complete only with its central directory, written last.
        if not zipfile.is_zipfile(filename):
            return (f'is truncated: a zip archive of {size} bytes without its central '
                    'directory (an interrupted save or download)')
        return None
    if head.startswith(_PICKLE_PROTOCOL_2_PLUS):
        return None
    for signature, what in _NOT_A_CHECKPOINT_SIGNATURES:
        if head.startswith(signature):
            return f'is not a checkpoint: it is {what}'
    if len(head) >= 10 and head[8:10] == b'{"':
        return ('is not a checkpoint: it is a safetensors file (load it with '
                'safetensors.torch.load_file)')
    what = _describe_text(head)
    if what is not None:
        return f'is not a checkpoint: it is {what}'
    return f'is not a checkpoint: its first bytes {head[:8]!r} are no PyTorch format'


def _refused_global(message: str) -> str:
    """The global that torch's weights-only unpickler refused, from its message."""
    match = re.search(r'(?:Unsupported global: GLOBAL|unsupported GLOBAL) ([\w.]+)', message)
    if match:
        return match.group(1)
    match = re.search(r'Unsupported (?:global|class)[^\n]*', message)
    return match.group(0) if match else _NO_GLOBAL


#: What :func:`_refused_global` says when the error names no refused global: not unsafe, broken.
_NO_GLOBAL = 'an object outside the allow-list'


def _unsafe_checkpoint_error(source: str, error: Exception) -> UnsafeCheckpointError:
    return UnsafeCheckpointError(
        f'Refused to load checkpoint {source}: its pickle references '
        f'{_refused_global(str(error))}, which is not among the classes that mmengine '
        'checkpoints contain (mmseg_r2mrf.compat.CHECKPOINT_SAFE_GLOBALS). Nothing from the file '
        'was run. Only load checkpoints from sources you trust; if this one is trusted and '
        'holds other plain data, re-save its state_dict.')


def safe_load_checkpoint(filename: str, map_location: Optional[Any] = None) -> Any:
    """Load a local checkpoint with ``weights_only=True`` and the mmengine allow-list.

    Args:
        filename (str): Path of the checkpoint file.
        map_location: As in :func:`torch.load`.

    Returns:
        The unpickled checkpoint (a dict for mmengine checkpoints).

    Raises:
        FileNotFoundError: If the file does not exist.
        CheckpointReadError: If the file is empty, is no checkpoint (text, HTML, JSON, an
            image, a git-lfs pointer: the message says which), or is truncated or corrupt.
        UnsafeCheckpointError: If the pickle references anything outside the allow-list;
            nothing in the file is executed.
    """
    filename = osp.expanduser(str(filename))
    problem = describe_checkpoint_file(filename)
    if problem == 'does not exist':
        raise FileNotFoundError(f'checkpoint file {filename} does not exist')
    if problem is not None:
        raise CheckpointReadError(f'cannot load checkpoint {filename}: the file {problem}')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        if _refused_global(str(error)) == _NO_GLOBAL:
            raise CheckpointReadError(
                f'cannot load checkpoint {filename}: the file is corrupt ({error})') from None
        raise _unsafe_checkpoint_error(filename, error) from None
    except (EOFError, RuntimeError, zipfile.BadZipFile, KeyError, IndexError, ValueError,
            TypeError, OSError) as error:
        if isinstance(error, OSError) and not isinstance(error, zipfile.BadZipFile) and \
                error.errno is not None:
            raise  # a real I/O error (permissions, a failing disk): keep it as it is
        raise CheckpointReadError(
            f'cannot load checkpoint {filename}: the file is truncated, corrupt or no PyTorch '
            f'checkpoint ({type(error).__name__}: {error})') from None


def safe_load_url(url: str,
                  model_dir: Optional[str] = None,
                  map_location: Optional[Any] = None,
                  progress: bool = True) -> Any:
    """mmengine's ``load_url``, downloading as it does, loading with ``weights_only=True``.

    Args:
        url (str): URL of the checkpoint.
        model_dir (str, optional): Download folder; defaults to torch hub's.
        map_location: As in :func:`torch.load`.
        progress (bool): Show a download progress bar.

    Returns:
        The unpickled checkpoint.

    Raises:
        UnsafeCheckpointError: If the pickle references anything outside the allow-list.
    """
    try:
        return torch.hub.load_state_dict_from_url(
            url, model_dir=model_dir, map_location=map_location, progress=progress,
            weights_only=True)
    except pickle.UnpicklingError as error:
        raise _unsafe_checkpoint_error(url, error) from None


#: How many keys of each kind a mismatch error lists.
_KEYS_SHOWN = 5


def _strip_wrapper_prefix(state_dict: Mapping[str, Any]) -> 'OrderedDict[str, Any]':
    """Keys as mmengine loads them: without the ``module.`` of a (distributed) model wrapper."""
    return OrderedDict((re.sub(r'^module\.', '', key), value)
                       for key, value in state_dict.items())


def _listed(kind: str, keys: List[str]) -> str:
    more = f' (+{len(keys) - _KEYS_SHOWN} more)' if len(keys) > _KEYS_SHOWN else ''
    return f'{len(keys)} {kind}: {", ".join(keys[:_KEYS_SHOWN])}{more}'


def check_checkpoint_fits(model: torch.nn.Module,
                          checkpoint: Mapping[str, Any],
                          source: str,
                          allow_partial: bool = False) -> None:
    """Raise unless every weight of ``model`` is in ``checkpoint`` with the same shape.

    mmengine loads non-strictly and only warns, so a checkpoint of another model (another
    backbone, width or number of classes) gives normal-looking metrics from random weights.

    Args:
        model (nn.Module): The model (a wrapper's ``module`` is used).
        checkpoint (Mapping): A checkpoint dict with ``state_dict``, or a state dict.
        source (str): The file or URL, for the message.
        allow_partial (bool): Log the mismatch as a warning instead of raising.

    Raises:
        CheckpointMismatchError: Listing the first missing, unexpected and mismatched keys.
    """
    model = getattr(model, 'module', model)
    state_dict = checkpoint.get('state_dict', checkpoint)
    if not isinstance(state_dict, Mapping):
        raise CheckpointMismatchError(f'checkpoint {source} holds no state_dict')
    loaded = _strip_wrapper_prefix(state_dict)
    expected = model.state_dict()
    missing = [key for key in expected if key not in loaded]
    unexpected = [key for key in loaded if key not in expected]
    mismatched = [
        f'{key} {tuple(loaded[key].shape)} vs {tuple(value.shape)}'
        for key, value in expected.items()
        if key in loaded and hasattr(loaded[key], 'shape')
        and tuple(loaded[key].shape) != tuple(value.shape)]
    if not (missing or unexpected or mismatched):
        return
    problems = '; '.join(
        _listed(kind, keys) for kind, keys in (
            ('missing keys', missing), ('unexpected keys', unexpected),
            ('keys of another shape (checkpoint vs model)', mismatched)) if keys)
    message = f'checkpoint {source} does not fit the model: {problems}'
    if allow_partial:
        print_log(f'{message}. Loading what fits (allow_partial).', logger='current',
                  level=logging.WARNING)
        return
    raise CheckpointMismatchError(
        f'{message}. Is it a checkpoint of this config? To load it partially on purpose, pass '
        '--allow-partial (allow_partial=True).')


def register_safe_checkpoint_loading() -> None:
    """Allow-list mmengine's checkpoint classes and make local and URL loads go through us."""
    torch.serialization.add_safe_globals(CHECKPOINT_SAFE_GLOBALS)
    CheckpointLoader.register_scheme(prefixes='', loader=safe_load_checkpoint, force=True)
    # load_from_http, and the schemes that resolve to URLs, call this module-level name.
    mmengine_checkpoint.load_url = safe_load_url


def allowed_global_names() -> List[Tuple[str, str]]:
    """``(module, name)`` of every allow-listed global, for documentation and tests."""
    names = []
    for entry in CHECKPOINT_SAFE_GLOBALS:
        if isinstance(entry, tuple):
            module, _, name = entry[1].rpartition('.')
        else:
            module, name = entry.__module__, entry.__qualname__
        names.append((module, name))
    return names
