"""tools/evaluate_large_images.py: both large-image strategies scored and timed on one split."""
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.apis.evaluate import evaluate_large_image_strategies, evaluate_predictor

from mmseg.registry import DATASETS

from tiny_data import REPO_ROOT, load_tool, make_tiny_synthetic_layout


@pytest.fixture
def large_layout(tmp_path):
    root = str(tmp_path / 'large')
    make_tiny_synthetic_layout(root, height=96, width=128)
    return root


def _dataset(root: str, split: str):
    init_default_scope('mmseg')
    base = osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', 'synthetic_defocus.py')
    cfg = Config.fromfile(base).test_dataloader.dataset
    cfg.update(data_root=root, split=split)
    return DATASETS.build(cfg)


def test_each_strategy_is_scored_as_its_own_detector(tiny, large_layout):
    dataset = _dataset(large_layout, 'val')
    options = dict(long_side=64, slide_above=64, crop_size=64, stride=48)
    detector = DefocusDetector(*tiny, **options)
    rows = evaluate_large_image_strategies(detector, dataset)
    assert [mode for mode, _ in rows] == ['resize', 'slide']
    assert detector.large_image == 'resize'  # restored
    for mode, metrics in rows:
        assert metrics['seconds_per_image'] > 0
        alone = evaluate_predictor(DefocusDetector(*tiny, large_image=mode, **options).predict,
                                   dataset)
        assert {k: metrics[k] for k in alone} == alone, mode
    assert rows[0][1]['MAE'] != rows[1][1]['MAE'], 'the two strategies gave the same maps'


def test_tool_prints_one_row_per_strategy(tiny, large_layout, capsys):
    tool = load_tool('evaluate_large_images')
    assert tool.main([large_layout, '--model', *tiny, '--long-side', '64']) == 0
    printed = capsys.readouterr().out
    assert 'test split' in printed and '1 images' in printed
    rows = [line for line in printed.splitlines() if line.startswith('| ')]
    assert 'seconds_per_image' in rows[0]
    assert rows[2].startswith('| resize (longer side 64 px) |')
    assert rows[3].startswith('| slide (full resolution, windows of 512 above 64 px) |')
    with pytest.raises(SystemExit):
        tool.parse_args([large_layout + '_missing'])
    with pytest.raises(SystemExit):
        tool.parse_args([large_layout, '--model', *tiny, '--pretrained', 'x-v1'])
