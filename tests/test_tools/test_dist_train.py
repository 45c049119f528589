"""tools/dist_train.sh: 2 CPU processes over torchrun and gloo, through mmengine."""
import socket

from mmseg_r2mrf.compat import safe_load_checkpoint
from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_process_cpu_training(tmp_path):
    data_root = make_tiny_seg_dataset(str(tmp_path / 'data'))
    work_dir = tmp_path / 'work'
    result = run_tool('dist_train.sh', TINY_CONFIG, '2', '--work-dir', str(work_dir),
                      '--cfg-options', *tiny_data_options(data_root),
                      env={'PORT': str(_free_port()), 'OMP_NUM_THREADS': '1'})
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert 'Distributed launcher: pytorch' in output
    assert 'Distributed training: True' in output
    assert output.count('using the gloo backend') == 2  # once per process
    assert safe_load_checkpoint(str(work_dir / 'iter_4.pth'))['meta']['iter'] == 4
