"""tools/make_release.py: a release from CONFIG CHECKPOINT NAME, card fields, no overwrite."""
import json

import pytest

from mmseg_r2mrf.apis import DefocusDetector

from tiny_data import exit_status, load_tool, run_tool
from tiny_detector import make_tiny_detector

NAME = 'tiny_blur-v3'


@pytest.fixture(scope='module')
def make_release_tool():
    return load_tool('make_release')


def test_release_from_the_command_line(tmp_path):
    config, checkpoint = make_tiny_detector(str(tmp_path))
    (tmp_path / 'card.json').write_text(json.dumps(
        {'metrics': {'maxF': 0.5, 'MAE': 0.25}, 'seed': 7}))
    out_dir = tmp_path / 'release'
    result = run_tool('make_release.py', config, checkpoint, NAME, '--out-dir', str(out_dir),
                      '--fields-json', str(tmp_path / 'card.json'), '--field', 'seed=3',
                      '--field', 'machine=2 CPU cores, no GPU')
    assert result.returncode == 0, result.stderr
    assert f'release {NAME}:' in result.stdout and 'still TODO' in result.stdout
    card = (out_dir / f'{NAME}.md').read_text()
    assert '| Metrics on the synthetic test split | maxF 0.5, MAE 0.25 |' in card
    assert '| Seed | 3 |' in card and '| Machine | 2 CPU cores, no GPU |' in card
    assert DefocusDetector.list_pretrained(str(out_dir)) == [NAME]
    assert DefocusDetector.from_pretrained(root=str(out_dir)).release == NAME


def test_refusals(make_release_tool, tmp_path, capsys):
    config, checkpoint = make_tiny_detector(str(tmp_path))
    argv = [config, checkpoint, NAME, '--out-dir', str(tmp_path / 'release')]
    assert make_release_tool.main(argv) == 0
    capsys.readouterr()
    assert exit_status(make_release_tool, argv) == 2
    assert f'release {NAME} exists' in capsys.readouterr().err
    assert make_release_tool.main(argv + ['--force']) == 0
    assert exit_status(make_release_tool, argv + ['--field', 'colour=blue']) == 2
    assert 'unknown card field(s) colour' in capsys.readouterr().err
    assert exit_status(make_release_tool, [config, str(tmp_path / 'missing.pth'), NAME,
                                           '--out-dir', str(tmp_path / 'other')]) == 2
    assert 'missing.pth' in capsys.readouterr().err
    with pytest.raises(SystemExit):
        make_release_tool.main([config, checkpoint, NAME, '--field', 'no-equals-sign'])
