"""R²MRF's published numbers (Tang et al., AAAI 2020), for comparing a reproduction with them.

Copied from the paper's Table 1 (R²MRF's column) and Table 3 (ablations). The paper trains
one model on Shi et al.'s 604 training images and tests it on Shi's 100 test images and on
DUT-DBD's 500 test images (the DUT column is not a DUT-trained model). The paper names its
F-measure ``F_beta`` without defining it; we read it as the authors' lineage computes it
(R³Net/BR²Net: beta² = 0.3, precision and recall averaged over images per threshold, F from
the means, the maximum over thresholds, the blurred region positive), which is
:class:`~mmseg_r2mrf.evaluation.DefocusMetric`'s ``maxF_meanPR``.

Each entry maps a row name to ``{'shi': (F_beta, MAE), 'dut': (F_beta, MAE)}``.
"""
from typing import Dict, Tuple

#: Table 1, R²MRF's column.
TABLE1: Dict[str, Dict[str, Tuple[float, float]]] = {
    'R²MRF': {'shi': (0.927, 0.119), 'dut': (0.950, 0.088)},
}

#: Table 3 (ablation analysis). Its first row gives Shi's MAE as 0.104, where Table 1 and the
#: Step_6 row (the same model: T = 6 is the default) give 0.119; both are copied as printed.
TABLE3: Dict[str, Dict[str, Tuple[float, float]]] = {
    'R²MRF': {'shi': (0.927, 0.104), 'dut': (0.950, 0.088)},
    'R²MRF_no_RRM': {'shi': (0.905, 0.165), 'dut': (0.918, 0.126)},
    'R²MRF_Step_1': {'shi': (0.907, 0.163), 'dut': (0.921, 0.124)},
    'R²MRF_Step_2': {'shi': (0.913, 0.155), 'dut': (0.924, 0.115)},
    'R²MRF_Step_3': {'shi': (0.918, 0.148), 'dut': (0.931, 0.107)},
    'R²MRF_Step_4': {'shi': (0.921, 0.140), 'dut': (0.936, 0.102)},
    'R²MRF_Step_5': {'shi': (0.926, 0.126), 'dut': (0.947, 0.090)},
    'R²MRF_Step_6': {'shi': (0.927, 0.119), 'dut': (0.950, 0.088)},
    'R²MRF_Step_7': {'shi': (0.928, 0.119), 'dut': (0.952, 0.088)},
    'R²MRF_Step_8': {'shi': (0.928, 0.118), 'dut': (0.952, 0.087)},
    'R²MRF_O1': {'shi': (0.793, 0.216), 'dut': (0.834, 0.184)},
    'R²MRF_O2': {'shi': (0.893, 0.142), 'dut': (0.873, 0.181)},
    'R²MRF_O3': {'shi': (0.924, 0.135), 'dut': (0.936, 0.092)},
    'R²MRF_O4': {'shi': (0.921, 0.136), 'dut': (0.927, 0.105)},
    'R²MRF_O5': {'shi': (0.915, 0.140), 'dut': (0.932, 0.113)},
    'R²MRF_VGG': {'shi': (0.918, 0.128), 'dut': (0.932, 0.114)},
    'R²MRF_DenseNet': {'shi': (0.920, 0.125), 'dut': (0.934, 0.112)},
}

#: The paper's training time for 6k iterations of batch 4 on one GTX 1080Ti (hours), and its
#: test time per image on the same GPU (seconds; Table 2: Shi, DUT).
TRAINING_HOURS_1080TI = 0.75
TEST_SECONDS_1080TI = {'shi': 0.096, 'dut': 0.061}
