"""The weights-only allow-list: exactly mmengine's checkpoint classes, numpy 1 and 2 alike."""
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub
from mmseg_r2mrf.compat import UnsafeCheckpointError, safe_load_checkpoint
from mmseg_r2mrf.compat.checkpoint import allowed_global_names


def _mmengine_like_checkpoint(path):
    hub = MessageHub('test_checkpoint')
    hub.update_scalar('train/loss', 0.5)
    hub.update_info('best_score', np.float64(0.9))
    torch.save({'meta': {'iter': 3, 'seed': np.int64(0)},
                'state_dict': {'w': torch.ones(2)},
                'message_hub': hub.state_dict()}, str(path))


def _rewrite_pickle(path, old: bytes, new: bytes):
    """Rename globals inside a torch zip checkpoint (protocol 2 writes them as text)."""
    with zipfile.ZipFile(path) as source:
        entries = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, 'w') as target:
        for info, data in entries:
            if info.filename.endswith('data.pkl'):
                assert old in data
                data = data.replace(old, new)
            target.writestr(info, data)


def test_allow_list_is_exactly_mmengine_classes():
    names = {f'{module}.{name}' for module, name in allowed_global_names()}
    # numpy's per-dtype classes (numpy.dtypes.Float64DType, ...): what type(np.dtype) pickles as.
    dtype_classes = {n for n in names if n.startswith('numpy.dtypes.') and n.endswith('DType')}
    assert 'numpy.dtypes.Float64DType' in dtype_classes
    assert names - dtype_classes == {
        'builtins.getattr',  # restricted to HistoryBuffer's public methods, tested below
        'mmengine.logging.history_buffer.HistoryBuffer',
        'numpy.ndarray', 'numpy.dtype',
        'numpy.core.multiarray._reconstruct', 'numpy._core.multiarray._reconstruct',
        'numpy.core.multiarray.scalar', 'numpy._core.multiarray.scalar'}


def test_mmengine_checkpoint_loads(tmp_path):
    path = tmp_path / 'ckpt.pth'
    _mmengine_like_checkpoint(path)
    checkpoint = safe_load_checkpoint(str(path))
    assert isinstance(checkpoint['message_hub']['log_scalars']['train/loss'], HistoryBuffer)
    assert checkpoint['message_hub']['runtime_info']['best_score'] == pytest.approx(0.9)


def test_numpy1_checkpoint_loads(tmp_path):
    path = tmp_path / 'numpy1.pth'
    _mmengine_like_checkpoint(path)
    _rewrite_pickle(path, b'numpy._core.multiarray', b'numpy.core.multiarray')
    checkpoint = safe_load_checkpoint(str(path))
    history = checkpoint['message_hub']['log_scalars']['train/loss']
    assert history.current() == pytest.approx(0.5)


def test_getattr_is_limited_to_history_buffer_methods(tmp_path):
    path = tmp_path / 'ckpt.pth'
    _mmengine_like_checkpoint(path)
    # A pickle that reaches for a private attribute through the allowed getattr.
    _rewrite_pickle(path, b"X\x03\x00\x00\x00min", b"X\x03\x00\x00\x00_ad")
    with pytest.raises(UnsafeCheckpointError, match='getattr'):
        safe_load_checkpoint(str(path))


def test_missing_file_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match='nothing.pth'):
        safe_load_checkpoint(str(tmp_path / 'nothing.pth'))


def test_unknown_class_is_refused_by_name(tmp_path):
    buffer = io.BytesIO()
    torch.save({'fraction': __import__('fractions').Fraction(1, 3)}, buffer)
    path = tmp_path / 'fraction.pth'
    path.write_bytes(buffer.getvalue())
    with pytest.raises(UnsafeCheckpointError, match='fractions.Fraction') as error:
        safe_load_checkpoint(str(path))
    assert str(path) in str(error.value)
    assert isinstance(error.value, pickle.UnpicklingError)
