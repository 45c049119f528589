"""A pure-PyTorch ``mmcv.ops`` for mmcv-lite.

mmsegmentation 1.2.2 imports ``point_sample`` and ``sigmoid_focal_loss`` from ``mmcv.ops`` at
module level (``mmseg/utils/mask_classification.py``, ``mmseg/models/losses/focal_loss.py``, ...),
so with mmcv-lite even ``import mmseg.utils`` fails on the missing ``mmcv._ext``. R²MRF needs no
compiled op. When, and only when, ``mmcv._ext`` is missing, :func:`install_mmcv_ops_fallback`
puts a small module in place of ``mmcv.ops`` that provides:

* ``point_sample`` (and the rest of ``mmcv/ops/point_sample.py``): mmcv's own file, which is
  pure Python over ``grid_sample``, loaded without the package ``__init__`` that needs ``_ext``;
* ``sigmoid_focal_loss``: the loss of mmcv's CUDA/C++ kernel, through torchvision's;
* for any other name, a ``ModuleNotFoundError`` that says to install full mmcv. mmseg guards
  its optional ops (``CrissCrossAttention``, ``PSAMask``) with ``except ModuleNotFoundError``.
"""
import importlib.abc
import importlib.util
import sys
import types
import warnings
from typing import Optional

import torch
import torch.nn.functional as F
import torchvision

FULL_MMCV_HINT = ('mmcv-lite has no compiled ops. Install full mmcv 2.1.0 '
                  '(see tools/build_mmcv.sh in mmseg-r2mrf) to use it.')

# Submodules of mmcv/ops that are pure Python and safe to load on their own.
_PURE_SUBMODULES = ('point_sample', )
_POINT_SAMPLE_EXPORTS = ('point_sample', 'rel_roi_point_to_rel_img_point', 'SimpleRoIAlign')


def has_compiled_mmcv_ops() -> bool:
    """Whether the installed mmcv ships its compiled extension ``mmcv._ext``."""
    return importlib.util.find_spec('mmcv._ext') is not None


def sigmoid_focal_loss(input: torch.Tensor,
                       target: torch.Tensor,
                       gamma: float = 2.0,
                       alpha: float = 0.25,
                       weight: Optional[torch.Tensor] = None,
                       reduction: str = 'mean') -> torch.Tensor:
    """Sigmoid focal loss with the contract of ``mmcv.ops.sigmoid_focal_loss``.

    mmcv takes class indices and divides the ``'mean'`` sum by N; torchvision takes one-hot
    targets and averages over every element: this converts between the two.

    Args:
        input (Tensor): Logits of shape (N, C).
        target (Tensor): Class indices of shape (N,), in ``[0, C]``; ``C`` means background
            (every class negative).
        gamma (float): Focusing parameter.
        alpha (float): Weight of the positive term; negatives get ``1 - alpha``.
        weight (Tensor, optional): mmcv's per-class weight; not supported (OpenMMLab's losses
            pass None and apply their weights themselves).
        reduction (str): ``'none'``, ``'mean'`` (sum divided by N, as mmcv does) or ``'sum'``.

    Returns:
        Tensor: The loss, of shape (N, C) for ``'none'``, else a scalar.
    """
    if input.dim() != 2 or target.dim() != 1 or input.size(0) != target.size(0):
        raise ValueError('sigmoid_focal_loss expects input (N, C) and target (N,), got '
                         f'{tuple(input.shape)} and {tuple(target.shape)}')
    if reduction not in ('none', 'mean', 'sum'):
        raise ValueError(f'unknown reduction {reduction!r}')
    if weight is not None and weight.numel() > 0:
        raise NotImplementedError(f'the mmcv-lite sigmoid_focal_loss takes no weight. '
                                  f'{FULL_MMCV_HINT}')
    num_classes = input.size(1)
    one_hot = F.one_hot(target.long(), num_classes + 1)[:, :num_classes].to(input.dtype)
    loss = torchvision.ops.sigmoid_focal_loss(input, one_hot, alpha=alpha, gamma=gamma,
                                              reduction='none')
    if reduction == 'mean':
        return loss.sum() / input.size(0)
    if reduction == 'sum':
        return loss.sum()
    return loss


class _LiteOpsModule(types.ModuleType):
    """Stands in for ``mmcv.ops``: pure ops resolve, compiled ones raise on access."""

    def __getattr__(self, name: str):
        if name.startswith('__'):
            raise AttributeError(name)
        raise ModuleNotFoundError(f'mmcv.ops.{name} is a compiled op. {FULL_MMCV_HINT}',
                                  name=f'mmcv.ops.{name}')


class _LiteOpsFinder(importlib.abc.MetaPathFinder):
    """Refuses ``import mmcv.ops.<compiled op module>`` with the same clear message."""

    def find_spec(self, fullname, path=None, target=None):
        # Only reached for modules not imported yet: the pure ones are in sys.modules.
        if fullname.startswith('mmcv.ops.'):
            raise ModuleNotFoundError(f'{fullname} needs compiled ops. {FULL_MMCV_HINT}',
                                      name=fullname)
        return None


#: Start of the warning mmcv-lite's ``mmcv/cnn/bricks/transformer.py`` gives at import.
_MISSING_DEFORMABLE_ATTENTION = r'Fail to import ``MultiScaleDeformableAttention``'


def _load_pure_submodule(name: str, ops_dir: str) -> types.ModuleType:
    full_name = f'mmcv.ops.{name}'
    spec = importlib.util.spec_from_file_location(full_name, f'{ops_dir}/{name}.py')
    module = importlib.util.module_from_spec(spec)
    sys.modules[full_name] = module
    spec.loader.exec_module(module)
    return module


def install_mmcv_ops_fallback() -> bool:
    """Put the pure-PyTorch ``mmcv.ops`` in place when mmcv has no compiled extension.

    Returns:
        bool: True if the fallback was installed (now or earlier), False when full mmcv is
        present and nothing was changed.
    """
    if isinstance(sys.modules.get('mmcv.ops'), _LiteOpsModule):
        return True
    if has_compiled_mmcv_ops():
        return False
    # mmcv-lite's transformer bricks warn at import that this compiled op is missing; R²MRF
    # never uses it, and the warning would open every tool's output. Only that message.
    warnings.filterwarnings('ignore', message=_MISSING_DEFORMABLE_ATTENTION, category=UserWarning)
    import mmcv

    ops_dir = f'{mmcv.__path__[0]}/ops'
    lite_ops = _LiteOpsModule('mmcv.ops', doc=__doc__)
    lite_ops.__path__ = []  # a package, so that `import mmcv.ops.x` consults our finder
    lite_ops.sigmoid_focal_loss = sigmoid_focal_loss
    for submodule_name in _PURE_SUBMODULES:
        _load_pure_submodule(submodule_name, ops_dir)
    # The names mmcv/ops/__init__.py exports from point_sample.py.
    point_sample_module = sys.modules['mmcv.ops.point_sample']
    for name in _POINT_SAMPLE_EXPORTS:
        setattr(lite_ops, name, getattr(point_sample_module, name))
    sys.modules['mmcv.ops'] = lite_ops
    mmcv.ops = lite_ops
    sys.meta_path.insert(0, _LiteOpsFinder())
    return True
