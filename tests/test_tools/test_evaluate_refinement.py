"""tools/evaluate_refinement.py: one table row per guided-filter setting, on the chosen split."""
import os.path as osp

from mmengine.config import Config

from tiny_data import REPO_ROOT, load_tool, make_tiny_synthetic_layout
from tiny_detector import TINY_MODEL


def test_table_has_a_row_per_setting(tiny, tmp_path, capsys):
    data_root = str(tmp_path / 'data')
    make_tiny_synthetic_layout(data_root)
    dataset_base = Config.fromfile(
        osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', 'synthetic_defocus.py'))
    config = Config(dict(default_scope='mmseg', model=TINY_MODEL,
                         test_pipeline=dataset_base.test_pipeline,
                         test_dataloader=dataset_base.test_dataloader.to_dict()))
    config_path = str(tmp_path / 'tiny_synthetic.py')
    config.dump(config_path)
    tool = load_tool('evaluate_refinement')
    assert tool.main([config_path, tiny[1], '--data-root', data_root, '--split', 'val',
                      '--radius', '2', '4', '--eps', '1e-2']) == 0
    printed = capsys.readouterr().out
    assert 'val split' in printed and '2 images' in printed
    rows = [line for line in printed.splitlines() if line.startswith('| ')][2:]
    assert [row.split(' | ')[0] for row in rows] == [
        '| none', '| guided filter r=2, eps=0.01', '| guided filter r=4, eps=0.01']
    values = [row.split(' | ')[1:] for row in rows]
    assert values[0] != values[2], 'the refinement changed nothing'
