"""DefocusMetric against the reference library, pysodmetrics 1.6.x (normalize=False)."""
import csv
import json
import os.path as osp
import warnings

import cv2
import numpy as np
import py_sod_metrics as sod
import pytest
import torch

from mmseg_r2mrf.evaluation import DefocusMetric, blur_map_to_uint8, blur_probability, load_curves
from mmseg_r2mrf.evaluation.pysod_reference import pysod_evaluators, pysod_metrics

from mmseg.registry import METRICS

from metric_samples import metric_sample

TOL = 1e-6
KEYS = ('MAE', 'maxF', 'meanF', 'adpF', 'F@0.5', 'IoU@0.5', 'maxF_meanPR')


def run_metric(probs, gts, **kwargs) -> dict:
    metric = DefocusMetric(**kwargs)
    for index, (prob, gt) in enumerate(zip(probs, gts)):
        metric.process({}, [metric_sample(prob, gt, f'/data/{index:03d}.jpg')])
    return metric.evaluate(len(probs))


def reference(probs, gts, positive='blur', beta2=0.3) -> dict:
    """pysodmetrics on each image's valid pixels (all of them, or a 1 x N image if some are 255).

    Returns the metrics and the mean P, R and F curves in increasing threshold order (pysodmetrics
    orders them from threshold 255 down to 0).
    """
    fmv2, mae = pysod_evaluators(beta2)
    with warnings.catch_warnings():  # "Fmeasure will be removed": the old class, checked too
        warnings.simplefilter('ignore')
        fm_v1 = sod.Fmeasure(beta=beta2)
    for prob, gt in zip(probs, gts):
        valid = gt != 255
        if not valid.any():
            continue
        if valid.all():
            pred, label = prob, gt == 1
        else:
            pred, label = prob[valid][None], (gt[valid] == 1)[None]
        if positive == 'focus':
            pred, label = 1 - pred, ~label
        for evaluator in (fmv2, mae, fm_v1):
            evaluator.step(pred, label, normalize=False)
    res = fmv2.get_results()
    mean_p, mean_r = res['p']['dynamic'][::-1], res['r']['dynamic'][::-1]
    curve_f = res['fm']['dynamic'][::-1]
    # The R3Net/BR2Net lineage: F of the mean P and R curves (not in pysodmetrics).
    numerator = (1 + beta2) * mean_p * mean_r
    denominator = beta2 * mean_p + mean_r
    lineage = np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), 0)
    v1 = fm_v1.get_results()
    # The deprecated Fmeasure class must agree with FmeasureV2, or the reference is ambiguous.
    np.testing.assert_allclose(v1['fm']['curve'][::-1], curve_f, atol=1e-12)
    np.testing.assert_allclose(v1['pr']['p'][::-1], mean_p, atol=1e-12)
    np.testing.assert_allclose(v1['pr']['r'][::-1], mean_r, atol=1e-12)
    np.testing.assert_allclose(v1['fm']['adp'], res['fm']['adaptive'], atol=1e-12)
    metrics = dict(pysod_metrics(fmv2, mae), maxF_meanPR=lineage.max())
    return dict(metrics=metrics, precision=mean_p, recall=mean_r, fmeasure=curve_f)


def assert_matches(probs, gts, tmp_path=None, **kwargs) -> dict:
    """Every reported number (and, with ``tmp_path``, every saved curve) equals pysodmetrics."""
    if tmp_path is not None:
        kwargs['output_dir'] = str(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # edge cases must not warn (divisions by 0, NaN means)
        ours = run_metric(probs, gts, **kwargs)
    ref = reference(probs, gts, kwargs.get('positive', 'blur'), kwargs.get('beta2', 0.3))
    assert set(ours) == set(KEYS)
    for key in KEYS:
        assert np.isfinite(ours[key]), key
        assert ours[key] == pytest.approx(ref['metrics'][key], abs=TOL), key
    if tmp_path is not None:
        curves = load_curves(str(tmp_path / 'defocus_curves.json'))
        for key in ('precision', 'recall', 'fmeasure'):
            np.testing.assert_allclose(curves[key], ref[key], atol=TOL, rtol=0)
        assert curves['threshold'] == list(range(256))
        assert curves['metrics'] == ours
        assert osp.getsize(tmp_path / 'defocus_curves.png') > 0
    return ours


def random_case(rng, shape, ignore=0.0, positive_rate=0.5, dtype=np.float32):
    prob = rng.random(shape).astype(dtype)
    gt = (rng.random(shape) < positive_rate).astype(np.uint8)
    gt[rng.random(shape) < ignore] = 255
    return prob, gt


def structured_case(rng, shape):
    """A blurred-rectangle mask and a smooth, noisy prediction of it, with some exact levels."""
    h, w = shape
    gt = np.zeros(shape, np.uint8)
    gt[h // 4:3 * h // 4, w // 3:] = 1
    prob = cv2.GaussianBlur(gt.astype(np.float32), (0, 0), max(1.0, w / 10))
    prob = np.clip(prob + rng.normal(0, 0.1, shape).astype(np.float32), 0, 1)
    # Values on quantisation and threshold boundaries: k/255, 0.5, 0 and 1.
    levels = (rng.integers(0, 256, shape) / 255).astype(np.float32)
    prob = np.where(rng.random(shape) < 0.2, levels, prob).astype(np.float32)
    prob[0, :3] = [0.5, 0.0, 1.0]
    gt[-1, :2] = 255  # a thin ignored border, as a dataset's ignore band
    return prob, gt


@pytest.mark.parametrize('positive', ['blur', 'focus'])
@pytest.mark.parametrize('shapes', [[(7, 5), (32, 48), (64, 33)], [(1, 1), (2, 3)]])
def test_random_maps_match_pysodmetrics(positive, shapes, tmp_path):
    rng = np.random.default_rng(len(shapes[0]) + len(positive))
    cases = [random_case(rng, shape, positive_rate=rate)
             for shape in shapes for rate in (0.1, 0.5, 0.9)]
    assert_matches(*zip(*cases), tmp_path=tmp_path, positive=positive)


@pytest.mark.parametrize('positive', ['blur', 'focus'])
def test_structured_maps_with_ignore_match_pysodmetrics(positive, tmp_path):
    rng = np.random.default_rng(1)
    cases = [structured_case(rng, shape) for shape in [(24, 32), (40, 30), (33, 65)]]
    cases += [random_case(rng, (20, 30), ignore=0.3), random_case(rng, (9, 9), ignore=0.9)]
    assert_matches(*zip(*cases), tmp_path=tmp_path, positive=positive)


def test_beta2_and_float64_maps_match_pysodmetrics():
    rng = np.random.default_rng(2)
    cases = [random_case(rng, (16, 16), ignore=0.1, dtype=np.float64) for _ in range(3)]
    ours = assert_matches(*zip(*cases), beta2=1.0)
    assert ours['maxF'] != pytest.approx(run_metric(*zip(*cases))['maxF'], abs=1e-3)


EDGE_CASES = {
    'no positive pixel': lambda rng: (rng.random((12, 10), np.float32), np.zeros((12, 10))),
    'all positive': lambda rng: (rng.random((12, 10), np.float32), np.ones((12, 10))),
    'constant 0.5 prediction': lambda rng: (np.full((12, 10), 0.5, np.float32),
                                            rng.integers(0, 2, (12, 10))),
    'constant 0 prediction': lambda rng: (np.zeros((12, 10), np.float32),
                                          rng.integers(0, 2, (12, 10))),
    'constant 1 prediction': lambda rng: (np.ones((12, 10), np.float32),
                                          rng.integers(0, 2, (12, 10))),
    'constant 0.3 prediction': lambda rng: (np.full((12, 10), 0.3, np.float32),
                                            rng.integers(0, 2, (12, 10))),
    # Half 0, half 0.1: every 0.1 pixel sits on the adaptive threshold 2 * mean, where the
    # float32 mean (numpy's, as pysodmetrics uses) and an exact mean disagree.
    'on the adaptive threshold': lambda rng: (np.tile(np.float32([0, 0.1]), (12, 5)),
                                              rng.integers(0, 2, (12, 10))),
    'perfect binary prediction': lambda rng: (lambda g: (g.astype(np.float32), g))(
        rng.integers(0, 2, (12, 10))),
}


@pytest.mark.parametrize('positive', ['blur', 'focus'])
@pytest.mark.parametrize('name', sorted(EDGE_CASES))
def test_edge_cases_are_defined_and_match_pysodmetrics(name, positive):
    rng = np.random.default_rng(3)
    prob, gt = EDGE_CASES[name](rng)
    # Alone, and among ordinary images.
    assert_matches([prob], [gt.astype(np.uint8)], positive=positive)
    other = random_case(rng, (8, 8))
    assert_matches([prob, other[0]], [gt.astype(np.uint8), other[1]], positive=positive)


def test_all_ignored_image_is_skipped_and_counted(tmp_path):
    rng = np.random.default_rng(4)
    cases = [random_case(rng, (10, 10)), random_case(rng, (10, 10))]
    ignored = (rng.random((10, 10), np.float32), np.full((10, 10), 255, np.uint8))
    probs, gts = zip(*(cases[:1] + [ignored] + cases[1:]))
    ours = assert_matches(probs, gts, tmp_path=tmp_path)
    assert ours == pytest.approx(run_metric(*zip(*cases)), abs=1e-12)
    saved = json.loads((tmp_path / 'defocus_curves.json').read_text())
    assert (saved['num_images'], saved['num_skipped'], saved['positive']) == (2, 1, 'blur')


def test_only_ignored_images_are_an_error_not_a_perfect_score():
    # Scoring nothing used to report MAE 0.0, which reads as perfect.
    ignored = (np.full((4, 4), 0.7, np.float32), np.full((4, 4), 255, np.uint8))
    with pytest.raises(ValueError, match=r'none of the 2 images has a valid pixel.*001\.jpg'):
        run_metric([ignored[0]] * 2, [ignored[1]] * 2)


def test_focus_is_blur_with_flipped_inputs():
    rng = np.random.default_rng(5)
    probs, gts = zip(*[random_case(rng, (16, 12), ignore=0.2) for _ in range(3)])
    flipped = [np.where(g == 255, 255, 1 - g).astype(np.uint8) for g in gts]
    focus = run_metric(probs, gts, positive='focus')
    assert focus == pytest.approx(run_metric([1 - p for p in probs], flipped), abs=1e-12)
    assert focus != pytest.approx(run_metric(probs, gts), abs=1e-3)


def test_multichannel_logits_use_softmax_channel_one():
    rng = np.random.default_rng(6)
    logits = rng.normal(0, 3, (2, 3, 20, 16)).astype(np.float32)
    gts = [rng.integers(0, 2, (20, 16)).astype(np.uint8) for _ in range(2)]
    ours = run_metric(list(logits), gts)
    probs = [torch.from_numpy(x).softmax(dim=0)[1].numpy() for x in logits]
    ref = reference(probs, gts)['metrics']
    assert ours == pytest.approx(ref, abs=TOL)


@pytest.mark.parametrize('dtype, expected', [(torch.float32, np.float32),
                                             (torch.float64, np.float64),
                                             (torch.float16, np.float32)])
def test_blur_probability_of_one_and_several_channels(dtype, expected):
    rng = np.random.default_rng(10)
    prob = torch.from_numpy(rng.random((1, 5, 7))).to(dtype)
    one = blur_probability(prob)  # a one-channel head's sigmoid output, as it is
    assert one.dtype == expected and one.shape == (5, 7)
    np.testing.assert_array_equal(one, prob[0].to(torch.float64).numpy())
    logits = torch.from_numpy(rng.normal(0, 3, (2, 5, 7))).to(dtype)
    two = blur_probability(logits)  # a two-class head's logits: softmax, class 1 = blurred
    assert two.dtype == expected
    np.testing.assert_allclose(two, torch.sigmoid(logits[1] - logits[0]).double().numpy(),
                               atol=1e-3 if dtype == torch.float16 else 1e-6)


@pytest.mark.parametrize('logits, match', [
    (torch.zeros(4, 4), r'shape \(4, 4\)'),
    (torch.zeros(0, 4, 4), r'shape \(0, 4, 4\)'),
    (torch.full((1, 4, 4), -0.1), 'not probabilities'),  # logits before the sigmoid
    (torch.full((2, 4, 4), float('nan')), 'not probabilities'),
])
def test_blur_probability_rejects_what_mmseg_does_not_give(logits, match):
    with pytest.raises(ValueError, match=match):
        blur_probability(logits)


def test_saved_blur_map_levels_are_the_curves_levels(tmp_path):
    """Thresholding the saved PNG at t gives exactly the pixels the curves count at t."""
    rng = np.random.default_rng(11)
    prob, gt = structured_case(rng, (30, 40))
    prob[1, :4] = [1 / 255, 2 / 255, 0.9999, 254.5 / 255]  # where floor and rounding differ
    metric = DefocusMetric(prediction_dir=str(tmp_path))
    metric.process({}, [metric_sample(prob, gt, '/data/a.jpg')])
    saved = cv2.imread(str(tmp_path / 'a.png'), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(saved, np.floor(prob.astype(np.float64) * 255))
    np.testing.assert_array_equal(saved, blur_map_to_uint8(prob))
    valid = gt != 255
    hist = [np.bincount(saved[valid & (gt == label)], minlength=256) for label in (0, 1)]
    np.testing.assert_array_equal(metric.results[0]['stats']['hist'], hist)


def test_process_keeps_only_small_statistics():
    rng = np.random.default_rng(7)
    metric = DefocusMetric()
    metric.process({}, [metric_sample(*random_case(rng, (96, 128)))])
    stats = metric.results[0]['stats']
    assert max(np.size(value) for value in stats.values()) <= 2 * 256


def test_built_from_registry_with_options():
    metric = METRICS.build(dict(type='DefocusMetric', beta2=0.5, positive='focus'))
    assert (metric.beta2, metric.positive, metric.prefix) == (0.5, 'focus', '')
    with pytest.raises(ValueError, match='positive'):
        DefocusMetric(positive='foreground')
    with pytest.raises(ValueError, match='beta2'):
        DefocusMetric(beta2=0)


@pytest.mark.parametrize('prob', [np.full((10, 12), 0.5, np.float32),
                                  np.full((12, 10), 0.5, np.float32),
                                  np.zeros((2, 10, 12), np.float32)])
def test_size_mismatch_is_an_error_naming_the_image(prob):
    metric = DefocusMetric()
    with pytest.raises(ValueError, match=r'img\.jpg.*differ.*does not resize'):
        metric.process({}, [metric_sample(prob, np.zeros((10, 10), np.uint8))])


@pytest.mark.parametrize('prob, gt, match', [
    (np.full((4, 4), 1.5, np.float32), np.zeros((4, 4)), 'not probabilities'),
    (np.full((4, 4), np.nan, np.float32), np.zeros((4, 4)), 'not probabilities'),
    (np.full((4, 4), 0.5, np.float32), np.full((4, 4), 2), r'labels \[2\]'),
])
def test_bad_inputs_are_clear_errors(prob, gt, match):
    with pytest.raises(ValueError, match=r'img\.jpg.*' + match):
        DefocusMetric().process({}, [metric_sample(prob, gt.astype(np.uint8))])


def test_missing_ground_truth_is_an_error():
    data = metric_sample(np.zeros((4, 4), np.float32), np.zeros((4, 4), np.uint8))
    del data['gt_sem_seg']
    with pytest.raises(KeyError, match='LoadAnnotations'):
        DefocusMetric().process({}, [data])


def test_prediction_dir_saves_quantised_blur_maps_and_protects_files(tmp_path):
    rng = np.random.default_rng(8)
    prob, gt = random_case(rng, (6, 9))
    out = tmp_path / 'pred'
    metric = DefocusMetric(prediction_dir=str(out), positive='focus')
    metric.process({}, [metric_sample(prob, gt, '/data/a.jpg')])
    saved = cv2.imread(str(out / 'a.png'), cv2.IMREAD_UNCHANGED)
    # The blur probability, whatever the positive class, at the metric's own quantisation.
    np.testing.assert_array_equal(saved, (prob * 255).astype(np.uint8))
    assert np.abs(saved / 255.0 - prob).max() < 1 / 255 + 1e-6
    metric.process({}, [metric_sample(prob, gt, '/data/a.jpg')])  # its own file again: replaced
    with pytest.raises(FileExistsError, match='distinct file stems'):
        metric.process({}, [metric_sample(prob, gt, '/data/a.png')])  # another image, same stem
    with pytest.raises(FileExistsError, match=r'a\.png exists'):  # a file it did not write
        DefocusMetric(prediction_dir=str(out)).process(
            {}, [metric_sample(prob, gt, '/data/a.jpg')])
    DefocusMetric(prediction_dir=str(out), overwrite=True).process(
        {}, [metric_sample(1 - prob, gt, '/data/a.jpg')])
    assert not np.array_equal(cv2.imread(str(out / 'a.png'), cv2.IMREAD_UNCHANGED), saved)


def test_output_dir_refuses_to_replace_existing_curves(tmp_path):
    (tmp_path / 'defocus_curves.json').write_text('{}')
    rng = np.random.default_rng(9)
    with pytest.raises(FileExistsError, match='defocus_curves.json exists'):
        run_metric(*[[x] for x in random_case(rng, (4, 4))], output_dir=str(tmp_path))
    assert (tmp_path / 'defocus_curves.json').read_text() == '{}'


def test_per_image_scores_are_pysodmetrics_per_image_and_average_to_the_metrics(tmp_path):
    rng = np.random.default_rng(11)
    cases = [structured_case(rng, (24, 40)), random_case(rng, (16, 16), ignore=0.2),
             random_case(rng, (9, 13), positive_rate=0.2)]
    probs, gts = [c[0] for c in cases], [c[1] for c in cases]
    ours = run_metric(probs, gts, output_dir=str(tmp_path))
    with open(tmp_path / 'defocus_per_image.csv', newline='') as file:
        rows = list(csv.DictReader(file))
    assert [row['image'] for row in rows] == [f'/data/{i:03d}.jpg' for i in range(3)]
    best = int(np.argmax(reference(probs, gts)['fmeasure']))
    for row, prob, gt in zip(rows, probs, gts):
        alone = reference([prob], [gt])
        assert float(row['F@maxF']) == pytest.approx(alone['fmeasure'][best], abs=TOL)
        assert float(row['MAE']) == pytest.approx(alone['metrics']['MAE'], abs=TOL)
        assert float(row['F@0.5']) == pytest.approx(alone['metrics']['F@0.5'], abs=TOL)
    for column, key in (('F@maxF', 'maxF'), ('MAE', 'MAE'), ('IoU@0.5', 'IoU@0.5')):
        assert np.mean([float(row[column]) for row in rows]) == pytest.approx(ours[key], abs=TOL)
