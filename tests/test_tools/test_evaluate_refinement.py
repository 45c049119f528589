"""tools/evaluate_refinement.py: one table row per guided-filter setting, on the chosen split."""
import os
import os.path as osp

import cv2
import numpy as np
from mmengine.config import Config
from tiny_data import REPO_ROOT, half_blurred_pair, load_tool
from tiny_detector import TINY_MODEL


def _synthetic_layout(root: str) -> None:
    """Four pairs in the synthetic set's layout (labels 0/1), two in val, two in test."""
    rng = np.random.default_rng(0)
    os.makedirs(osp.join(root, 'image'))
    os.makedirs(osp.join(root, 'gt'))
    for index in range(4):
        image, mask = half_blurred_pair(rng, 32, 48)
        cv2.imwrite(osp.join(root, 'image', f'{index}.jpg'), image)
        cv2.imwrite(osp.join(root, 'gt', f'{index}.png'), mask)
    for split, stems in (('train', '0\n'), ('val', '1\n2\n'), ('test', '3\n')):
        with open(osp.join(root, f'{split}.txt'), 'w') as f:
            f.write(stems)


def test_table_has_a_row_per_setting(tiny, tmp_path, capsys):
    data_root = str(tmp_path / 'data')
    _synthetic_layout(data_root)
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
