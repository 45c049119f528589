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
"""
import importlib
import os.path as osp
import pickle
import re
from typing import Any, List, Optional, Tuple

import torch
import mmengine.runner.checkpoint as mmengine_checkpoint
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


def _refused_global(message: str) -> str:
    """The global that torch's weights-only unpickler refused, from its message."""
    match = re.search(r'(?:Unsupported global: GLOBAL|unsupported GLOBAL) ([\w.]+)', message)
    if match:
        return match.group(1)
    match = re.search(r'Unsupported [^\n]*', message)
    return match.group(0) if match else 'an object outside the allow-list'


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
        UnsafeCheckpointError: If the pickle references anything outside the allow-list;
            nothing in the file is executed.
    """
    filename = osp.expanduser(str(filename))
    if not osp.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    try:
        return torch.load(filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as error:
        raise _unsafe_checkpoint_error(filename, error) from None


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
