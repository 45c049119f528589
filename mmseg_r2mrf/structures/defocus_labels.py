"""The project's label encoding and what a prediction means: one home for both.

Labels (annotation maps, as every dataset's loader leaves them and as the synthetic generator
writes them): :data:`SHARP` 0 (in focus), :data:`BLURRED` 1, :data:`IGNORE_INDEX` 255 (left out
of training and of every metric; mmseg's ignore index).

A prediction is the per-pixel probability of "blurred" (:func:`blur_probability`), saved as an
8-bit map ``floor(255·p)`` (:func:`blur_map_to_uint8`): 255 = blurred, the levels of
DefocusMetric's curves.
"""
import numpy as np
import torch

#: Label of in-focus (sharp) pixels.
SHARP = 0
#: Label of blurred (defocused) pixels, the positive class.
BLURRED = 1
#: Label of ignored pixels (mmseg's ``ignore_index``).
IGNORE_INDEX = 255
#: Every value a label map may hold.
LABEL_VALUES = (SHARP, BLURRED, IGNORE_INDEX)
#: The encoding as written into a synthetic set's metadata.
LABEL_ENCODING = dict(sharp=SHARP, blurred=BLURRED, ignored=IGNORE_INDEX)


def blur_probability(seg_logits: torch.Tensor) -> np.ndarray:
    """The per-pixel probability of "blurred" (label 1) from a segmentor's ``seg_logits``.

    The one rule of the project (DefocusMetric, DefocusDetector, ``tools/test.py --out``), for
    ``seg_logits`` as mmseg's ``EncoderDecoder.postprocess_result`` leaves them:

    * one channel: mmseg has applied the sigmoid already, so the map is the probability;
    * C >= 2 channels: raw logits, so the probability is channel 1 of their softmax, that of
      label 1 (blurred), whatever the other channels mean.

    Nothing is clamped: a value outside [0, 1] (or NaN) means the map is not what mmseg's
    post-processing gives (e.g. a one-channel head's logits before the sigmoid), which is an
    error rather than something to hide.

    Args:
        seg_logits (torch.Tensor): (C, H, W) scores of one image, on any device.

    Returns:
        np.ndarray: (H, W) probabilities, float64 for float64 scores (kept, so that such maps
        are scored as pysodmetrics scores them) and float32 otherwise.

    Raises:
        ValueError: The scores are not (C, H, W) with C >= 1, or the probabilities are not in
            [0, 1].
    """
    logits = seg_logits.detach()
    if logits.dim() != 3 or logits.shape[0] == 0:
        raise ValueError(f'seg_logits of shape {tuple(logits.shape)}; expected (C, H, W) with '
                         'C >= 1')
    if logits.dtype not in (torch.float32, torch.float64):
        logits = logits.float()
    prob = logits[0] if logits.shape[0] == 1 else logits.softmax(dim=0)[1]
    prob = prob.cpu().numpy()
    low, high = prob.min(), prob.max()
    if not (0 <= low and high <= 1):  # also catches NaN
        raise ValueError(f'seg_logits give values in [{low}, {high}], which are not '
                         'probabilities; a one-channel map must be the sigmoid output of '
                         'EncoderDecoder.postprocess_result')
    return prob


def blur_map_to_uint8(prob: np.ndarray) -> np.ndarray:
    """Quantise a probability map to 8-bit levels ``floor(255·p)``, as the curves do.

    This is pysodmetrics' quantisation, ``(p * 255).astype(uint8)`` in the map's own dtype
    (see :func:`~mmseg_r2mrf.evaluation.metrics.defocus_metric.image_statistics`), so a saved
    blur map holds exactly each pixel's level on DefocusMetric's curves: its pixels ``>= t``
    are those counted positive at threshold ``t``.

    Args:
        prob (np.ndarray): Probabilities in [0, 1], float32 or float64 (not checked: callers
            have them from :func:`blur_probability`).

    Returns:
        np.ndarray: uint8 levels 0..255, of the same shape.
    """
    return (prob * 255).astype(np.uint8)
