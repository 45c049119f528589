"""tools/test.py with DefocusMetric: metrics in the log, curves next to it, --out maps, --tta.

A tiny one-channel segmentor (tests/data/configs/tiny_seg.py) is trained for two iterations by
tools/train.py, validated with DefocusMetric and kept as ``best_maxF_*.pth``; tools/test.py then
evaluates that checkpoint.
"""
import copy
import csv
import glob
import json
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmseg_r2mrf.evaluation import load_curves

from mmseg.registry import DATASETS

from tiny_data import TINY_CONFIG, make_tiny_seg_dataset, run_tool

KEYS = {'MAE', 'maxF', 'meanF', 'adpF', 'F@0.5', 'IoU@0.5', 'maxF_meanPR'}
NUM_IMAGES = 3

CONFIG = """
_base_ = [{base!r}]
data_root = {data_root!r}
dataset = dict(type='BaseSegDataset', data_root=data_root, metainfo={{{{_base_.metainfo}}}},
               data_prefix=dict(img_path='image', seg_map_path='gt'),
               img_suffix='.png', seg_map_suffix='.png')
train_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(_delete_=True, batch_size=1, num_workers=0, persistent_workers=False,
                      sampler=dict(type='DefaultSampler', shuffle=False),
                      dataset=dict(dataset, pipeline={{{{_base_.test_pipeline}}}}))
val_evaluator = dict(_delete_=True, type='DefocusMetric')
test_evaluator = dict(_delete_=True, type='DefocusMetric')
val_cfg = dict(_delete_=True, type='ValLoop')
train_cfg = dict(max_iters=2, val_interval=2)
default_hooks = dict(checkpoint=dict(interval=2, save_best='maxF', rule='greater'))
# Flip-only TTA: the merged map must be the mean of the plain and the flipped prediction.
tta_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='TestTimeAug', transforms=[
        [dict(type='RandomFlip', prob=0.0, direction='horizontal'),
         dict(type='RandomFlip', prob=1.0, direction='horizontal')],
        [dict(type='LoadAnnotations')],
        [dict(type='PackSegInputs')]]),
]
"""


def check(result) -> str:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    return output


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp('defocus_test_tool')
    data_root = make_tiny_seg_dataset(str(root / 'data'), num_images=NUM_IMAGES, size=32)
    # An ignored band in one mask, as the datasets have around uncertain borders.
    mask_path = osp.join(data_root, 'gt', '001.png')
    mask = cv2.imread(mask_path, cv2.IMREAD_UNCHANGED)
    mask[:, 14:18] = 255
    cv2.imwrite(mask_path, mask)
    config = root / 'tiny_defocus.py'
    config.write_text(CONFIG.format(base=TINY_CONFIG, data_root=data_root))
    work_dir = root / 'train'
    output = check(run_tool('train.py', str(config), '--work-dir', str(work_dir)))
    best = glob.glob(str(work_dir / 'best_maxF_iter_*.pth'))
    assert len(best) == 1, 'training did not keep the best checkpoint by maxF\n' + output[-3000:]
    return dict(root=root, config=str(config), checkpoint=best[0], data_root=data_root)


def run_test(trained, name: str, *extra: str):
    work_dir, out = trained['root'] / name, trained['root'] / f'{name}_pred'
    output = check(run_tool('test.py', trained['config'], trained['checkpoint'],
                            '--work-dir', str(work_dir), '--out', str(out), *extra))
    log_dirs = glob.glob(str(work_dir / '2*'))  # <timestamp>/
    assert len(log_dirs) == 1, log_dirs
    return output, log_dirs[0], out


def read_predictions(folder) -> dict:
    paths = sorted(glob.glob(osp.join(folder, '*.png')))
    return {osp.basename(p): cv2.imread(p, cv2.IMREAD_UNCHANGED) for p in paths}


def test_metrics_curves_and_predictions_are_written(trained):
    output, log_dir, out = run_test(trained, 'plain')
    timestamp = osp.basename(log_dir)
    with open(osp.join(log_dir, f'{timestamp}.json')) as file:
        logged = json.load(file)
    assert KEYS <= set(logged)
    assert "positive class 'blur'" in output
    curves = load_curves(osp.join(log_dir, 'defocus_curves.json'))
    assert curves['num_images'] == NUM_IMAGES and curves['num_skipped'] == 0
    for key in KEYS:
        assert 0 <= curves['metrics'][key] <= 1
        assert logged[key] == pytest.approx(curves['metrics'][key], abs=1e-4)
    figure = cv2.imread(osp.join(log_dir, 'defocus_curves.png'))
    assert figure is not None and figure.shape[1] > figure.shape[0]
    predictions = read_predictions(out)
    assert sorted(predictions) == [f'{i:03d}.png' for i in range(NUM_IMAGES)]
    for prediction in predictions.values():
        assert prediction.shape == (32, 32) and prediction.dtype == np.uint8
    # Per-image scores beside the curves, averaging to the logged metrics, and grouped by
    # tools/analyze_errors.py.
    per_image = osp.join(log_dir, 'defocus_per_image.csv')
    with open(per_image, newline='') as file:
        rows = list(csv.DictReader(file))
    assert [osp.basename(row['image']) for row in rows] == [f'{i:03d}.png'
                                                              for i in range(NUM_IMAGES)]
    for column, key in (('F@maxF', 'maxF'), ('MAE', 'MAE'), ('F@0.5', 'F@0.5')):
        mean = np.mean([float(row[column]) for row in rows])
        assert mean == pytest.approx(curves['metrics'][key], abs=1e-9), column
    report = check(run_tool('analyze_errors.py', per_image, '--worst', '2')).splitlines()
    assert report[0].startswith(f'{NUM_IMAGES} images: maxF {curves["metrics"]["maxF"]:.4f}')
    assert len([line for line in report if line.startswith('| 00')]) == 2


def plain_probabilities(trained) -> tuple:
    """Each test image's blur probability from the checkpoint, on the image and on its mirror
    (mapped back by mmseg's postprocess_result), computed here without tools/test.py."""
    from mmseg.apis import init_model
    cfg = Config.fromfile(trained['config'])
    model = init_model(cfg, trained['checkpoint'], device='cpu')
    results = []
    for flip in (False, True):
        dataset_cfg = copy.deepcopy(cfg.test_dataloader.dataset)
        if flip:
            dataset_cfg.pipeline.insert(1, dict(type='RandomFlip', prob=1.0,
                                                direction='horizontal'))
        dataset = DATASETS.build(dataset_cfg)
        probabilities = []
        with torch.no_grad():
            for index in range(len(dataset)):
                item = dataset[index]
                sample, = model.test_step(dict(inputs=[item['inputs']],
                                               data_samples=[item['data_samples']]))
                probabilities.append(sample.seg_logits.data[0].numpy())
        results.append(probabilities)
    return tuple(results)


def test_tta_averages_probabilities_of_one_channel_heads(trained):
    _, _, out = run_test(trained, 'tta', '--tta')
    plain, flipped = plain_probabilities(trained)
    predictions = read_predictions(out)
    assert len(predictions) == NUM_IMAGES
    largest_flip_effect = 0.0
    for index, (a, b) in enumerate(zip(plain, flipped)):
        expected = (a + b) / 2
        tta = predictions[f'{index:03d}.png'].astype(np.float64)
        # Saved as floor(255 p): within one level of the exact mean.
        assert np.abs(tta - expected * 255).max() <= 1.0
        largest_flip_effect = max(largest_flip_effect, np.abs(a - b).max() * 255)
        # A double sigmoid would put every pixel in [0.5, 0.74].
        assert tta.min() < 127 or tta.max() > 189
    # The check can fail: the flip changes predictions by more than the tolerance.
    assert largest_flip_effect > 2.5


@pytest.mark.parametrize('tool, extra', [('test.py', ['x.pth']), ('train.py', [])])
def test_a_missing_config_is_a_message_not_a_traceback(tmp_path, tool, extra):
    missing = str(tmp_path / 'no_such_config.py')
    result = run_tool(tool, missing, *extra, '--work-dir', str(tmp_path / 'w'))
    assert result.returncode == 2
    assert f'{tool}: error: ' in result.stderr and missing in result.stderr
    assert 'Traceback' not in result.stderr
