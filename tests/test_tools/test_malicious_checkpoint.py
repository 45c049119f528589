"""A checkpoint whose pickle would run code is refused by every loading path; nothing runs."""
import functools
import http.server
import os
import shutil
import threading

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader

from mmseg_r2mrf.compat import UnsafeCheckpointError

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options


class _Payload:
    """Unpickling this calls os.system: the classic malicious-checkpoint trick."""

    def __init__(self, marker: str):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


@pytest.fixture
def malicious(tmp_path):
    marker = tmp_path / 'payload_ran'
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {'w': torch.zeros(1)}, 'meta': {'x': _Payload(str(marker))}},
               str(path))
    return path, marker


def _assert_refused(result, path, marker):
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'Refused to load checkpoint' in output and str(path) in output
    assert 'system' in output  # names the refused global
    assert not marker.exists(), 'the payload ran'


def test_test_tool_refuses(tmp_path, malicious):
    path, marker = malicious
    data_root = make_tiny_seg_dataset(str(tmp_path / 'data'))
    result = run_tool('test.py', TINY_CONFIG, str(path), '--work-dir', str(tmp_path / 'w'),
                      '--cfg-options', *tiny_data_options(data_root))
    _assert_refused(result, path, marker)


@pytest.mark.parametrize('how', ['resume', 'load_from'])
def test_train_tool_refuses(tmp_path, malicious, how):
    path, marker = malicious
    data_root = make_tiny_seg_dataset(str(tmp_path / 'data'))
    work_dir = tmp_path / 'w'
    work_dir.mkdir()
    if how == 'resume':
        shutil.copy(path, work_dir / 'iter_2.pth')
        (work_dir / 'last_checkpoint').write_text(str(work_dir / 'iter_2.pth'))
        path = work_dir / 'iter_2.pth'
        extra = ['--resume', '--cfg-options']
    else:
        extra = ['--cfg-options', f'load_from={path}']
    result = run_tool('train.py', TINY_CONFIG, '--work-dir', str(work_dir), *extra,
                      *tiny_data_options(data_root))
    _assert_refused(result, path, marker)


@pytest.fixture
def http_folder(tmp_path, monkeypatch):
    """Serves ``tmp_path/served`` on localhost; torch hub's download cache goes to tmp_path."""
    served = tmp_path / 'served'
    served.mkdir()
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f'http://127.0.0.1:{server.server_address[1]}'
    server.shutdown()
    server.server_close()


def test_checkpoint_from_a_url_is_refused_too(malicious, http_folder):
    # mmengine downloads URLs (and torchvision:// / open-mmlab:// / mmcls://) through torch
    # hub, whose weights_only defaults to False: without the compat layer this payload runs.
    path, marker = malicious
    served, base_url = http_folder
    shutil.copy(path, served / 'evil.pth')
    with pytest.raises(UnsafeCheckpointError, match='evil.pth.*system'):
        CheckpointLoader.load_checkpoint(f'{base_url}/evil.pth', map_location='cpu')
    assert not marker.exists(), 'the payload ran'


def test_plain_checkpoint_from_a_url_loads(http_folder):
    served, base_url = http_folder
    torch.save({'state_dict': {'w': torch.arange(3.)}}, str(served / 'plain.pth'))
    checkpoint = CheckpointLoader.load_checkpoint(f'{base_url}/plain.pth', map_location='cpu')
    assert torch.equal(checkpoint['state_dict']['w'], torch.arange(3.))
