"""mmseg_r2mrf.apis.evaluate_predictor: any blur-map predictor, scored by DefocusMetric."""
import os.path as osp

import cv2
import numpy as np
import pytest

from mmseg_r2mrf.apis import evaluate_predictor
from mmseg_r2mrf.evaluation import CURVES_JSON, load_curves

from mmseg.registry import DATASETS

from tiny_data import make_tiny_seg_dataset

NUM_IMAGES = 3


@pytest.fixture
def dataset(tmp_path):
    """Images whose right half is blurred (label 1), read by a dataset config's test pipeline."""
    root = make_tiny_seg_dataset(str(tmp_path / 'data'), num_images=NUM_IMAGES, size=32)
    return DATASETS.build(dict(
        type='BaseSegDataset', data_root=root, metainfo=dict(classes=('focus', 'blur')),
        data_prefix=dict(img_path='image', seg_map_path='gt'), img_suffix='.png',
        seg_map_suffix='.png',
        pipeline=[dict(type='LoadImageFromFile'), dict(type='LoadAnnotations'),
                  dict(type='PackSegInputs')]))


def right_half(image: np.ndarray) -> np.ndarray:
    prob = np.zeros(image.shape[:2], np.float32)
    prob[:, image.shape[1] // 2:] = 1
    return prob


def test_a_perfect_and_a_wrong_predictor(dataset, tmp_path):
    seen = []

    def perfect(image: np.ndarray) -> np.ndarray:
        seen.append(image.copy())
        return right_half(image)

    results = evaluate_predictor(perfect, dataset, output_dir=str(tmp_path / 'out'))
    # The predictor gets each image as the pipeline loads it: BGR uint8 (H, W, 3).
    assert len(seen) == NUM_IMAGES
    for image, info in zip(seen, dataset):
        np.testing.assert_array_equal(image, cv2.imread(info['data_samples'].img_path))
    assert results['MAE'] == 0.0 and results['maxF'] == pytest.approx(1.0)
    curves = load_curves(osp.join(tmp_path, 'out', CURVES_JSON))
    assert curves['metrics'] == results and curves['num_images'] == NUM_IMAGES

    wrong = evaluate_predictor(lambda image: 1 - right_half(image), dataset)
    assert wrong['MAE'] == 1.0 and wrong['F@0.5'] == 0.0
