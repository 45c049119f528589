"""Per-image numbers of a blur map: how much of it is blurred, and where the focus is."""
from pathlib import Path
from typing import Dict, Optional, Union

import numpy as np

#: Keys of a summary, in the order of ``tools/infer.py --summary``'s columns.
SUMMARY_FIELDS = ('image', 'blurred_fraction', 'mean_blur_probability', 'focus_x0', 'focus_y0',
                  'focus_x1', 'focus_y1')


def summarize_blur_map(prob: np.ndarray,
                       threshold: float = 0.5,
                       image: Optional[Union[str, Path]] = None) -> Dict[str, object]:
    """Summarise a blur probability map in the numbers a photographer asks for.

    A pixel is blurred where its probability is ``>= threshold`` (the rule of
    ``tools/infer.py --binary``) and in focus elsewhere. The focus box is the bounding box of
    all in-focus pixels, in pixel coordinates of the image: column ``x``, row ``y``, origin
    top-left, ``x0``/``y0`` inclusive and ``x1``/``y1`` exclusive, so that
    ``prob[y0:y1, x0:x1]`` is the box and ``x1 - x0`` its width. With no pixel in focus the
    four are None.

    Args:
        prob (np.ndarray): (H, W) blur probabilities in [0, 1] (1 = blurred).
        threshold (float): Probability from which a pixel counts as blurred, in [0, 1].
        image (str or Path, optional): The image's file, for the ``image`` key.

    Returns:
        dict: The keys of :data:`SUMMARY_FIELDS`: ``image`` (str or None),
        ``blurred_fraction`` (share of blurred pixels), ``mean_blur_probability`` and
        ``focus_x0``, ``focus_y0``, ``focus_x1``, ``focus_y1`` (int or None).

    Raises:
        ValueError: A map that is not 2-D, is empty, or holds values outside [0, 1] (NaN
            included), or a threshold outside [0, 1].
    """
    prob = np.asarray(prob)
    if prob.ndim != 2 or prob.size == 0:
        raise ValueError(f'expected a non-empty (H, W) blur map, got shape {prob.shape}')
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f'threshold must be in [0, 1], got {threshold}')
    if not (np.all(prob >= 0) and np.all(prob <= 1)):  # NaN fails both
        raise ValueError('blur probabilities must be in [0, 1], got values in '
                         f'[{np.nanmin(prob)}, {np.nanmax(prob)}] (NaN: {np.isnan(prob).any()})')
    blurred = prob >= threshold
    in_focus = ~blurred
    rows, cols = np.flatnonzero(in_focus.any(axis=1)), np.flatnonzero(in_focus.any(axis=0))
    box = (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1) if rows.size \
        else (None, ) * 4
    return dict(zip(SUMMARY_FIELDS, (
        None if image is None else str(image),
        float(blurred.mean()),
        float(prob.mean(dtype=np.float64)),
        *box)))
