"""The main job (tools/demo.py) and the ablation script, shrunk to a few iterations."""
import json
import os.path as osp

import pytest

from tiny_data import run_tool

ABLATION_README = 'intro\n<!-- ablation:start -->\nold table\n<!-- ablation:end -->\nrest\n'


@pytest.fixture(scope='module')
def demo_run(tmp_path_factory):
    root = tmp_path_factory.mktemp('demo')
    data_root, work_dir = root / 'synthetic', root / 'work'
    result = run_tool('demo.py', '--data-root', str(data_root), '--work-dir', str(work_dir),
                      '--num-train', '6', '--num-test', '3', '--size', '96',
                      '--max-iters', '2', '--sheet-images', '2', timeout=900)
    return dict(result=result, data_root=data_root, work_dir=work_dir)


def test_demo_leaves_every_result_and_says_where(demo_run):
    result, work_dir = demo_run['result'], demo_run['work_dir']
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert osp.isfile(demo_run['data_root'] / 'meta.json')  # rendered the synthetic set
    with open(work_dir / 'summary.json') as f:
        summary = json.load(f)
    for side in ('model', 'baseline'):
        assert set(summary[side]) >= {'maxF', 'meanF', 'MAE'}
        assert 0 <= summary[side]['maxF'] <= 1
    assert osp.isfile(summary['checkpoint'])
    # The demo trains the main job with 3 recurrent steps, and its table says so.
    assert osp.basename(summary['config']) == 'r2mrf-t3_effnetlite0_synthetic.py'
    assert '| R²MRF (r2mrf-t3_effnetlite0_synthetic) |' in (work_dir / 'metrics.md').read_text()
    for name in ('curves.png', 'predictions.png', 'metrics.md', 'summary.json'):
        assert (work_dir / name).stat().st_size > 0
        assert str(work_dir / name) in result.stdout  # it prints where things are
    assert 'Laplacian energy baseline' in (work_dir / 'metrics.md').read_text()


def test_demo_never_reuses_a_work_dir(tmp_path):
    result = run_tool('demo.py', '--data-root', str(tmp_path / 'data'), '--work-dir',
                      str(tmp_path))
    assert result.returncode != 0 and 'exists' in result.stderr
    assert not (tmp_path / 'data').exists()  # stopped before rendering anything


def test_ablation_writes_its_table_between_the_markers(demo_run, tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text(ABLATION_README)
    result = run_tool('ablation.py', '--data-root', str(demo_run['data_root']),
                      '--work-dir', str(tmp_path / 'ablation'), '--max-iters', '1',
                      '--variants', 'R²MRF_no_RRM (T = 6)', '--readme', str(readme),
                      timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    text = readme.read_text()
    assert text.startswith('intro\n<!-- ablation:start -->\n| variant |')
    assert text.endswith('<!-- ablation:end -->\nrest\n') and 'old table' not in text
    assert '| R²MRF_no_RRM (T = 6) |' in text and 'Produced by `python tools/ablation.py' in text


def test_ablation_checks_the_markers_before_training(tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text('no markers here\n')
    (tmp_path / 'data').mkdir()
    result = run_tool('ablation.py', '--data-root', str(tmp_path / 'data'),
                      '--readme', str(readme))
    assert result.returncode != 0 and 'ablation:start' in result.stderr
    assert readme.read_text() == 'no markers here\n'


def test_ablation_that_fails_leaves_the_readme_as_it_was(tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text(ABLATION_README)
    (tmp_path / 'data').mkdir()
    (tmp_path / 'work').mkdir()  # an existing work dir stops the run
    result = run_tool('ablation.py', '--data-root', str(tmp_path / 'data'),
                      '--work-dir', str(tmp_path / 'work'), '--readme', str(readme))
    assert result.returncode != 0 and 'exists' in result.stderr
    # The training of an empty data folder fails too: the table stays until one replaces it.
    result = run_tool('ablation.py', '--data-root', str(tmp_path / 'data'), '--work-dir',
                      str(tmp_path / 'new_work'), '--readme', str(readme), '--max-iters', '1')
    assert result.returncode != 0
    assert readme.read_text() == ABLATION_README
