import numpy as np
import pytest

from mmseg_r2mrf.synthesis import grow_object, pick_object, receding_plane


def test_subjects_are_made_of_whole_photograph_regions():
    rng = np.random.default_rng(0)
    regions = (np.arange(64)[:, None] // 8 * 8 + np.arange(64)[None, :] // 8).astype(np.int32)
    for share in (0.1, 0.3, 0.5):
        mask = grow_object(rng, regions, (32, 32), share)
        inside = np.bincount(regions.ravel(), weights=mask.ravel()) / np.bincount(regions.ravel())
        assert set(np.unique(inside)) <= {0.0, 1.0}  # each region wholly in or out
        assert mask[32, 32] and mask.mean() == pytest.approx(share, abs=0.15)


def test_a_subject_is_a_whole_object_not_the_sky():
    # Sky along the top, a lawn along the bottom, a person in the middle, a lamp at the left.
    objects = np.zeros((80, 80), np.int32)
    objects[50:] = 1
    objects[20:70, 30:50] = 2
    objects[30:45, 2:10] = 3
    inner = (slice(5, 75), slice(5, 75))
    rng = np.random.default_rng(0)
    picked = [pick_object(rng, objects, inner, (0.01, 0.85)) for _ in range(40)]
    kinds = {int(objects[mask].max()) for mask in picked}
    assert kinds <= {2, 3} and 2 in kinds  # never the sky or the lawn
    for mask in picked:
        assert (mask == np.isin(objects, [objects[mask][0]])).all()  # the object, whole
    assert pick_object(rng, objects, inner, (0.9, 0.95)) is None


def test_a_receding_plane_recedes_linearly():
    rng = np.random.default_rng(0)
    ground = receding_plane(rng, (60, 80), near=0.9, far=0.1, kind='ground')
    rows = ground.mean(1)
    assert rows[-1] > rows[0] + 0.5  # the ground is nearer at the bottom
    assert ground.min() >= 0.1 - 0.02 and ground.max() <= 0.9 + 0.02
    wall = receding_plane(rng, (60, 80), near=0.9, far=0.1, kind='wall')
    assert abs(wall.mean(0)[-1] - wall.mean(0)[0]) > 0.5  # a wall recedes sideways
