"""summarize_blur_map: blurred fraction, mean probability and the in-focus box of known maps."""
import numpy as np
import pytest

from mmseg_r2mrf.apis import SUMMARY_FIELDS, summarize_blur_map


def test_known_blurred_half():
    """Left half in focus (0.2), right half blurred (0.9): 6 x 10 map."""
    prob = np.full((6, 10), 0.9, np.float32)
    prob[:, :5] = 0.2
    summary = summarize_blur_map(prob, 0.5, image='photo.jpg')
    assert list(summary) == list(SUMMARY_FIELDS)
    assert summary['image'] == 'photo.jpg'
    assert summary['blurred_fraction'] == 0.5
    assert summary['mean_blur_probability'] == pytest.approx(0.55)
    # x1/y1 exclusive: the box is prob[0:6, 0:5], the in-focus half exactly.
    assert (summary['focus_x0'], summary['focus_y0'], summary['focus_x1'],
            summary['focus_y1']) == (0, 0, 5, 6)


def test_box_of_an_off_centre_sharp_region():
    prob = np.ones((20, 30), np.float32)
    prob[3:8, 11:26] = 0.0  # rows 3-7, columns 11-25 in focus
    prob[12, 4] = 0.49  # one more in-focus pixel widens the box
    summary = summarize_blur_map(prob, 0.5)
    assert summary['image'] is None
    assert (summary['focus_x0'], summary['focus_y0'], summary['focus_x1'],
            summary['focus_y1']) == (4, 3, 26, 13)
    focus = prob[summary['focus_y0']:summary['focus_y1'], summary['focus_x0']:summary['focus_x1']]
    assert (focus < 0.5).sum() == (prob < 0.5).sum()  # every in-focus pixel inside the box
    assert summary['blurred_fraction'] == pytest.approx(1 - (5 * 15 + 1) / 600)


def test_threshold_counts_as_blurred_as_the_binary_mask_does():
    prob = np.array([[0.5, 0.25], [0.75, 1.0]], np.float32)
    summary = summarize_blur_map(prob, 0.5)
    assert summary['blurred_fraction'] == 0.75
    assert (summary['focus_x0'], summary['focus_y0'], summary['focus_x1'],
            summary['focus_y1']) == (1, 0, 2, 1)
    assert summarize_blur_map(prob, 0.25)['blurred_fraction'] == 1.0


def test_nothing_in_focus_gives_no_box():
    summary = summarize_blur_map(np.full((4, 4), 0.8, np.float32), 0.5)
    assert summary['blurred_fraction'] == 1.0
    assert [summary[key] for key in SUMMARY_FIELDS[3:]] == [None] * 4
    everything = summarize_blur_map(np.zeros((4, 7), np.float32), 0.5)
    assert everything['blurred_fraction'] == 0.0
    assert [everything[key] for key in SUMMARY_FIELDS[3:]] == [0, 0, 7, 4]


@pytest.mark.parametrize('prob,threshold,match', [
    (np.zeros((4, 4, 1)), 0.5, 'shape'),
    (np.zeros((0, 4)), 0.5, 'shape'),
    (np.full((2, 2), 1.5), 0.5, r'\[0, 1\]'),
    (np.full((2, 2), np.nan), 0.5, 'NaN'),
    (np.zeros((2, 2)), 1.5, 'threshold'),
])
def test_bad_maps_are_refused(prob, threshold, match):
    with pytest.raises(ValueError, match=match):
        summarize_blur_map(prob, threshold)
