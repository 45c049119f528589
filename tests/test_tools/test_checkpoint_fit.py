"""tools/test.py and --resume refuse a checkpoint of another model; --allow-partial loads it.

mmengine only warns about missing and mismatched keys: tools/test.py used to score random
weights with exit status 0, and --resume crashed later inside the optimizer.
"""
import pytest
import torch

from mmseg_r2mrf.compat import safe_load_checkpoint

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool, tiny_data_options


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('fit')
    data_root = make_tiny_seg_dataset(str(root / 'data'))
    result = run_tool('train.py', TINY_CONFIG, '--work-dir', str(root / 'run'), '--cfg-options',
                      *tiny_data_options(data_root), 'train_cfg.max_iters=2')
    assert result.returncode == 0, result.stderr[-3000:]
    checkpoint = safe_load_checkpoint(str(root / 'run' / 'iter_2.pth'))
    state = checkpoint['state_dict']
    # Another model's checkpoint: a wider head and no final classifier bias.
    state['decode_head.conv_seg.weight'] = torch.zeros(1, 4, 1, 1)
    del state['decode_head.conv_seg.bias']
    other = root / 'other_model.pth'
    torch.save(checkpoint, str(other))
    return dict(root=root, data_root=data_root, other=other)


def _output(result) -> str:
    return result.stdout + result.stderr


def _test(trained, checkpoint, work_dir, *extra):
    return run_tool('test.py', TINY_CONFIG, str(checkpoint), '--work-dir', str(work_dir), *extra,
                    '--cfg-options',
                    *tiny_data_options(trained['data_root']))


def test_test_tool_refuses_a_checkpoint_of_another_model(trained, tmp_path):
    result = _test(trained, trained['other'], tmp_path)
    assert result.returncode == 2
    output = _output(result)
    assert 'test.py: error: ' in output and 'Traceback' not in output
    assert str(trained['other']) in output
    assert '1 missing keys: decode_head.conv_seg.bias' in output
    assert 'decode_head.conv_seg.weight (1, 4, 1, 1) vs (1, 8, 1, 1)' in output
    assert not list(tmp_path.glob('*/*.json')), 'metrics were written'


def test_allow_partial_loads_it_with_a_warning(trained, tmp_path):
    result = _test(trained, trained['other'], tmp_path, '--allow-partial')
    assert result.returncode == 0, _output(result)[-3000:]
    assert 'does not fit the model' in _output(result)
    assert list(tmp_path.glob('*/*.json')), 'no metrics were written'


def test_resume_refuses_it_before_the_optimizer(trained):
    work_dir = trained['root'] / 'resume'
    work_dir.mkdir()
    (work_dir / 'iter_2.pth').write_bytes(trained['other'].read_bytes())
    (work_dir / 'last_checkpoint').write_text('iter_2.pth')
    result = run_tool('train.py', TINY_CONFIG, '--work-dir', str(work_dir), '--resume',
                      '--cfg-options', *tiny_data_options(trained['data_root']))
    assert result.returncode == 2
    assert 'train.py: error: ' in _output(result) and 'Traceback' not in _output(result)
    assert str(work_dir / 'iter_2.pth') in _output(result)
    assert 'optim' not in _output(result).split('train.py: error: ')[-1].lower()


@pytest.mark.parametrize('content, problem', [(b'', 'is empty'),
                                              (b'<html><body>404</body></html>', 'HTML page')])
def test_test_tool_names_a_broken_file(trained, tmp_path, content, problem):
    broken = tmp_path / 'broken.pth'
    broken.write_bytes(content)
    result = _test(trained, broken, tmp_path / 'test')
    assert result.returncode == 2 and 'Traceback' not in _output(result)
    assert f'cannot load checkpoint {broken}: the file' in _output(result)
    assert problem in _output(result)
