"""Curves files of DefocusMetric: save/load checks, the PR/F figure, the Markdown table."""
import json

import cv2
import numpy as np
import pytest

from mmseg_r2mrf.evaluation import load_curves, metrics_table, plot_curves, save_curves


def make_result(scale: float = 1.0, positive: str = 'blur') -> dict:
    threshold = list(range(256))
    recall = np.linspace(1, 0, 256) * scale
    precision = np.linspace(0.5, 1, 256)
    return dict(positive=positive, beta2=0.3, num_images=3, num_skipped=0,
                metrics={'maxF': 0.9 * scale, 'MAE': 0.1}, threshold=threshold,
                precision=precision.tolist(), recall=recall.tolist(),
                fmeasure=(precision * recall).tolist())


def test_save_then_load_round_trip(tmp_path):
    path = str(tmp_path / 'c.json')
    save_curves(make_result(), path)
    assert load_curves(path) == make_result()


def test_save_refuses_incomplete_results(tmp_path):
    result = make_result()
    del result['recall']
    with pytest.raises(KeyError, match='recall'):
        save_curves(result, str(tmp_path / 'c.json'))


@pytest.mark.parametrize('content, match', [
    ('not json', 'not a JSON curves file'),
    ('[1, 2]', 'JSON object expected'),
    (json.dumps({'positive': 'blur'}), r"missing \['beta2'"),
    (json.dumps({**make_result(), 'recall': [0.5]}), 'differ in length'),
])
def test_load_names_the_file_and_the_problem(tmp_path, content, match):
    path = tmp_path / 'bad.json'
    path.write_text(content)
    with pytest.raises(ValueError, match=f'bad.json.*{match}'):
        load_curves(str(path))
    with pytest.raises(FileNotFoundError, match='missing.json'):
        load_curves(str(tmp_path / 'missing.json'))


def test_plot_draws_one_line_per_result(tmp_path):
    one, two = str(tmp_path / 'one.png'), str(tmp_path / 'two.png')
    plot_curves([make_result()], one)
    plot_curves([make_result(), make_result(0.5)], two, labels=['a', 'b'])
    image_one, image_two = cv2.imread(one), cv2.imread(two)
    assert image_one.shape == image_two.shape and image_one.shape[1] > image_one.shape[0]
    # A second curve (and the legend) changes the picture.
    assert np.count_nonzero(np.any(image_one != image_two, axis=2)) > 100
    with pytest.raises(ValueError, match='1 labels for 2 results'):
        plot_curves([make_result(), make_result()], one, labels=['a'])


def test_metrics_table_is_markdown_with_protocol_columns():
    table = metrics_table([make_result(), make_result(0.5, 'focus')], ['ours', 'x|y'])
    lines = table.splitlines()
    assert lines[0] == '| method | positive | β² | maxF | MAE |'
    assert lines[1] == '| --- | --- | --- | ---: | ---: |'
    assert lines[2] == '| ours | blur | 0.3 | 0.9000 | 0.1000 |'
    assert lines[3] == '| x\\|y | focus | 0.3 | 0.4500 | 0.1000 |'


def test_metrics_table_columns_in_a_given_order_with_gaps():
    partial = dict(make_result(), metrics=dict(MAE=0.2, maxF=None))
    table = metrics_table([make_result(), partial], ['a', 'b'], columns=['MAE', 'extra', 'maxF'])
    assert table.splitlines()[0] == '| method | positive | β² | MAE | extra | maxF |'
    assert table.splitlines()[2:] == ['| a | blur | 0.3 | 0.1000 | - | 0.9000 |',
                                      '| b | blur | 0.3 | 0.2000 | - | - |']
