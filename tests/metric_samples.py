"""Model outputs as DefocusMetric.process() receives them, for the metric tests."""
import numpy as np
import torch


def metric_sample(prob: np.ndarray, gt: np.ndarray, img_path: str = '/data/img.jpg') -> dict:
    """One image's model output as the Evaluator hands it to ``process()`` (``to_dict()``).

    Args:
        prob (np.ndarray): (H, W) blur probabilities, or (C, H, W) scores as ``seg_logits``.
        gt (np.ndarray): (H, W) labels: 1 blurred, 0 in focus, 255 ignored.
        img_path (str): The image's path, which names it in errors and saved maps.

    Returns:
        dict: ``img_path``, ``seg_logits`` (C, H, W) and ``gt_sem_seg`` (1, H, W) int64.
    """
    logits = torch.from_numpy(prob)
    if logits.dim() == 2:
        logits = logits[None]
    return dict(img_path=img_path,
                seg_logits=dict(data=logits),
                gt_sem_seg=dict(data=torch.from_numpy(gt.astype(np.int64))[None]))
