"""Evaluate any blur-map predictor on a dataset with DefocusMetric (models and baselines alike)."""
from typing import Callable, Dict, Optional

import numpy as np
import torch
from mmengine.utils import ProgressBar

from ..evaluation import DefocusMetric


def evaluate_predictor(predict: Callable[[np.ndarray], np.ndarray],
                       dataset,
                       output_dir: Optional[str] = None) -> Dict[str, float]:
    """Score ``predict`` on every image of ``dataset`` exactly as ``tools/test.py`` scores a model.

    A progress bar counts the images.

    Args:
        predict (Callable): BGR uint8 image (H, W, 3) -> blur probability (H, W) in [0, 1].
        dataset: A built mmseg dataset whose pipeline loads the image and the annotations and
            packs them (the test pipeline of the dataset configs).
        output_dir (str, optional): Where DefocusMetric saves the curves (JSON and PNG).

    Returns:
        dict[str, float]: DefocusMetric's results.
    """
    metric = DefocusMetric(output_dir=output_dir)
    progress = ProgressBar(len(dataset))
    for index in range(len(dataset)):
        packed = dataset[index]
        image = packed['inputs'].permute(1, 2, 0).numpy()
        sample = packed['data_samples']
        prob = np.asarray(predict(image), dtype=np.float32)
        metric.process({}, [dict(seg_logits=dict(data=torch.from_numpy(prob)[None]),
                                 gt_sem_seg=dict(data=sample.gt_sem_seg.data),
                                 img_path=sample.img_path)])
        progress.update()
    return metric.evaluate(len(dataset))
