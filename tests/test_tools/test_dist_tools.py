"""tools/dist_train.sh and tools/dist_test.sh: 2 CPU processes over torchrun and gloo, through
mmengine, as mmseg's scripts are called."""
import re
import socket

from mmseg_r2mrf.compat import safe_load_checkpoint

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _miou(output: str) -> float:
    found = re.findall(r'mIoU: ([0-9.]+)', output)
    assert found, output[-4000:]
    return float(found[-1])


def test_two_process_cpu_training_then_testing(tmp_path):
    data_root = make_tiny_seg_dataset(str(tmp_path / 'data'))
    work_dir = tmp_path / 'work'
    # CUDA hidden: the CPU (gloo) path is what this test checks, on any machine.
    env = {'PORT': str(_free_port()), 'OMP_NUM_THREADS': '1', 'CUDA_VISIBLE_DEVICES': ''}
    result = run_tool('dist_train.sh', TINY_CONFIG, '2', '--work-dir', str(work_dir),
                      '--cfg-options', *tiny_data_options(data_root), env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert 'Distributed launcher: pytorch' in output
    assert 'Distributed training: True' in output
    assert output.count('using the gloo backend') == 2  # once per process
    checkpoint = str(work_dir / 'iter_4.pth')
    assert safe_load_checkpoint(checkpoint)['meta']['iter'] == 4

    # The 4 test images split over 2 ranks give the single-process mIoU.
    result = run_tool('dist_test.sh', TINY_CONFIG, checkpoint, '2', '--work-dir',
                      str(tmp_path / 'dist_test'), '--cfg-options',
                      *tiny_data_options(data_root), env=env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert 'Distributed launcher: pytorch' in output
    assert output.count('using the gloo backend') == 2
    result = run_tool('test.py', TINY_CONFIG, checkpoint, '--work-dir',
                      str(tmp_path / 'single_test'), '--cfg-options',
                      *tiny_data_options(data_root))
    single = result.stdout + result.stderr
    assert result.returncode == 0, single[-4000:]
    assert _miou(output) == _miou(single)
