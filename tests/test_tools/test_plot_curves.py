"""tools/plot_curves.py: several curves files -> one figure with a legend and a Markdown table."""
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest

from mmseg_r2mrf.cli import CommandError
from mmseg_r2mrf.evaluation import DefocusMetric

from metric_samples import metric_sample
from tiny_data import REPO_ROOT, load_tool

TOOL = osp.join(REPO_ROOT, 'tools', 'plot_curves.py')


@pytest.fixture(scope='module')
def tool():
    return load_tool('plot_curves')


def evaluate_to(folder, noise: float, seed: int = 0) -> dict:
    """Run DefocusMetric on a few noisy predictions of random masks; write its curves file."""
    rng = np.random.default_rng(seed)
    metric = DefocusMetric(output_dir=str(folder))
    for index in range(3):
        gt = (rng.random((16, 16)) < 0.5).astype(np.uint8)
        prob = np.clip(gt + rng.normal(0, noise, gt.shape), 0, 1).astype(np.float32)
        metric.process({}, [metric_sample(prob, gt, f'{index}.png')])
    return metric.evaluate(3)


def test_table_and_figure_of_two_methods(tool, tmp_path, capsys):
    good, bad = evaluate_to(tmp_path / 'good', 0.2), evaluate_to(tmp_path / 'bad', 1.0)
    out = str(tmp_path / 'fig.png')
    table = tool.main([str(tmp_path / 'good' / 'defocus_curves.json'),
                       str(tmp_path / 'bad' / 'defocus_curves.json'),
                       '--labels', 'good', 'bad', '--out', out])
    assert table in capsys.readouterr().out
    rows = {line.split('|')[1].strip(): line for line in table.splitlines()[2:]}
    assert set(rows) == {'good', 'bad'}
    for label, metrics in (('good', good), ('bad', bad)):
        cells = [cell.strip() for cell in rows[label].split('|')[4:-1]]
        assert cells == [f'{metrics[key]:.4f}' for key in metrics]
    assert good['maxF'] > bad['maxF']
    image = cv2.imread(out)
    assert image is not None and image.shape[1] > image.shape[0]

    with pytest.raises(CommandError, match='exists; pass --force'):
        tool.main([str(tmp_path / 'good' / 'defocus_curves.json'), '--out', out])
    before = cv2.imread(out)
    tool.main([str(tmp_path / 'good' / 'defocus_curves.json'), '--out', out, '--overwrite'])
    assert np.any(cv2.imread(out) != before)


def test_bad_arguments_are_clear_errors(tool, tmp_path):
    evaluate_to(tmp_path / 'a', 0.3)
    path = str(tmp_path / 'a' / 'defocus_curves.json')
    with pytest.raises(CommandError, match='2 labels for 1 result files'):
        tool.main([path, '--labels', 'x', 'y', '--out', str(tmp_path / 'f.png')])
    with pytest.raises(CommandError, match='nothing.json: no such curves file'):
        tool.main([str(tmp_path / 'nothing.json'), '--out', str(tmp_path / 'f.png')])
    (tmp_path / 'log.json').write_text('{"mode": "test"}')
    with pytest.raises(CommandError, match='log.json: not a DefocusMetric curves file'):
        tool.main([str(tmp_path / 'log.json'), '--out', str(tmp_path / 'f.png')])
    assert not osp.exists(tmp_path / 'f.png')


def test_command_line(tmp_path):
    evaluate_to(tmp_path / 'a', 0.3)
    out = tmp_path / 'cli.png'
    proc = subprocess.run([sys.executable, TOOL, str(tmp_path / 'a' / 'defocus_curves.json'),
                           '--labels', 'mine', '--out', str(out)],
                          capture_output=True, text=True, cwd=str(tmp_path), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert '| mine | blur | 0.3 |' in proc.stdout
    assert out.is_file()


def test_default_labels_are_short(tool):
    assert tool.default_label('/w/work_dirs/r2mrf_shi/20250101_000000/defocus_curves.json') == \
        'r2mrf_shi/20250101_000000'
    assert tool.default_label('results/method_a.json') == 'method_a'
