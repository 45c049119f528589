"""Evaluate any blur-map predictor on a dataset with DefocusMetric (models and baselines alike)."""
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

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


def evaluate_large_image_strategies(detector, dataset,
                                    modes: Sequence[str] = ('resize', 'slide')
                                    ) -> List[Tuple[str, Dict[str, float]]]:
    """Score a detector's large-image strategies on one dataset, with seconds per image.

    Each strategy (``detector.large_image``: ``'resize'`` to the working resolution,
    ``'slide'`` at full resolution) predicts every image and is scored by
    :func:`evaluate_predictor`; the detector's own strategy is restored.

    Args:
        detector (DefocusDetector or OnnxDefocusDetector): The detector.
        dataset: A built mmseg dataset (see :func:`evaluate_predictor`).
        modes (Sequence[str]): Strategies to compare.

    Returns:
        list[tuple[str, dict]]: (strategy, metrics plus ``seconds_per_image``) per strategy.
    """
    saved = detector.large_image
    rows = []
    try:
        for mode in modes:
            detector.large_image = mode
            seconds = []

            def timed_predict(image: np.ndarray) -> np.ndarray:
                start = time.perf_counter()
                blur = detector.predict(image)
                seconds.append(time.perf_counter() - start)
                return blur

            metrics = evaluate_predictor(timed_predict, dataset)
            metrics['seconds_per_image'] = float(np.mean(seconds))
            rows.append((mode, metrics))
    finally:
        detector.large_image = saved
    return rows


def format_metric_rows(rows: List[Tuple[str, Dict[str, float]]], label: str) -> str:
    """A Markdown table: one row per (name, metrics), one column per metric of the first."""
    keys = list(rows[0][1])
    lines = [f'| {label} | ' + ' | '.join(keys) + ' |',
             '| --- | ' + ' | '.join('---:' for _ in keys) + ' |']
    for name, metrics in rows:
        lines.append(f'| {name} | ' + ' | '.join(f'{metrics[key]:.4f}' for key in keys) + ' |')
    return '\n'.join(lines)
