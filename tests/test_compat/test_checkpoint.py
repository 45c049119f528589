"""The weights-only allow-list: exactly mmengine's checkpoint classes, numpy 1 and 2 alike."""
import io
import pickle
import zipfile

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

from mmseg_r2mrf.compat import (
    CheckpointMismatchError,
    CheckpointReadError,
    UnsafeCheckpointError,
    check_checkpoint_fits,
    describe_checkpoint_file,
    safe_load_checkpoint,
)
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


def _torch_bytes(obj, **kwargs) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer, **kwargs)
    return buffer.getvalue()


@pytest.mark.parametrize('content, problem', [
    (b'', 'is empty (0 bytes)'),
    (b'epoch 3, loss 0.2\n', 'it is a text file'),
    (b'<!DOCTYPE html>\n<html><body>Sign in</body></html>', 'it is an HTML page'),
    (b'{"state_dict": {}}', 'it is JSON text'),
    (b'version https://git-lfs.github.com/spec/v1\noid sha256:0\nsize 9\n',
     'it is a git-lfs pointer file'),
    (b'\x89PNG\r\n\x1a\n' + bytes(32), 'it is a PNG image'),
    (b'\xff\xd8\xff\xe0' + bytes(32), 'it is a JPEG image'),
    (len(b'{"w":{}}').to_bytes(8, 'little') + b'{"w":{}}', 'it is a safetensors file'),
    (_torch_bytes({'w': torch.ones(64)})[:300], 'is truncated: a zip archive'),
    (_torch_bytes({'w': torch.ones(64)}, _use_new_zipfile_serialization=False)[:200],
     'truncated, corrupt or no PyTorch checkpoint'),
], ids=['empty', 'text', 'html', 'json', 'git-lfs', 'png', 'jpeg', 'safetensors',
        'truncated-zip', 'truncated-legacy'])
def test_broken_file_is_named_with_its_problem(tmp_path, content, problem):
    path = tmp_path / 'model.pth'
    path.write_bytes(content)
    with pytest.raises(CheckpointReadError) as error:
        safe_load_checkpoint(str(path))
    assert str(path) in str(error.value) and problem in str(error.value)
    assert not isinstance(error.value, UnsafeCheckpointError)


def test_describe_accepts_complete_checkpoints(tmp_path):
    for name, kwargs in (('zip.pth', {}), ('legacy.pth', dict(
            _use_new_zipfile_serialization=False))):
        (tmp_path / name).write_bytes(_torch_bytes({'w': torch.ones(2)}, **kwargs))
        assert describe_checkpoint_file(str(tmp_path / name)) is None
    assert describe_checkpoint_file(str(tmp_path / 'absent.pth')) == 'does not exist'


def test_check_checkpoint_fits_lists_the_keys():
    model = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3), torch.nn.BatchNorm2d(4))
    fitting = {f'module.{key}': value for key, value in model.state_dict().items()}
    check_checkpoint_fits(model, {'state_dict': fitting}, 'fits.pth')  # a wrapper's prefix

    other = dict(model.state_dict())
    other['0.weight'] = torch.zeros(8, 3, 3, 3)
    del other['1.running_var']
    other['head.bias'] = torch.zeros(1)
    with pytest.raises(CheckpointMismatchError) as error:
        check_checkpoint_fits(model, {'state_dict': other}, 'other.pth')
    message = str(error.value)
    assert 'other.pth' in message and '--allow-partial' in message
    assert '1 missing keys: 1.running_var' in message
    assert '1 unexpected keys: head.bias' in message
    assert '0.weight (8, 3, 3, 3) vs (4, 3, 3, 3)' in message
    check_checkpoint_fits(model, other, 'other.pth', allow_partial=True)  # warns only


def test_check_checkpoint_fits_shortens_long_lists():
    model = torch.nn.Sequential(*[torch.nn.Linear(1, 1) for _ in range(8)])
    with pytest.raises(CheckpointMismatchError, match=r'16 missing keys: .*\(\+11 more\)'):
        check_checkpoint_fits(model, {'state_dict': {}}, 'empty_state.pth')
