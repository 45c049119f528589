import numpy as np
import torch

import mmseg_r2mrf.structures as structures
from mmseg_r2mrf.datasets.transforms import load_defocus_annotations
from mmseg_r2mrf.evaluation import blur_map_to_uint8, blur_probability
from mmseg_r2mrf.evaluation.metrics import defocus_metric
from mmseg_r2mrf.visualization import colour_label


def test_one_home_for_the_labels_and_the_prediction_meaning():
    """The old import paths give the objects of mmseg_r2mrf.structures, not copies."""
    assert (structures.SHARP, structures.BLURRED, structures.IGNORE_INDEX) == (0, 1, 255)
    assert blur_probability is structures.blur_probability
    assert blur_map_to_uint8 is structures.blur_map_to_uint8
    assert defocus_metric.IGNORE_INDEX == structures.IGNORE_INDEX
    assert (load_defocus_annotations.BLUR_LABEL, load_defocus_annotations.FOCUS_LABEL,
            load_defocus_annotations.IGNORE_LABEL) == (1, 0, 255)


def test_the_8_bit_map_is_floor_255p_and_the_sheet_colours_follow_the_labels():
    prob = blur_probability(torch.tensor([[[0.0, 0.5, 1.0, 0.999]]]))
    np.testing.assert_array_equal(structures.blur_map_to_uint8(prob), [[0, 127, 255, 254]])
    label = np.array([[structures.SHARP, structures.BLURRED, structures.IGNORE_INDEX]], np.uint8)
    colours = colour_label(label)
    assert colours[0, 0].tolist() == [0, 0, 0] and colours[0, 1].tolist() == [255, 255, 255]
    assert colours[0, 2].tolist() == [220, 30, 30]
