"""Sheets of images, labels and blur maps, as PNG files for people to look at."""
from typing import Dict, Sequence

import numpy as np

from ..structures import BLURRED, IGNORE_INDEX

#: Label colours: in focus black, blurred white, ignored red.
LABEL_COLOURS = np.zeros((256, 3), np.uint8)
LABEL_COLOURS[BLURRED] = 255
LABEL_COLOURS[IGNORE_INDEX] = (220, 30, 30)


def colour_label(label: np.ndarray) -> np.ndarray:
    """RGB picture of a label map (0 in focus, 1 blurred, 255 ignored)."""
    return LABEL_COLOURS[label.astype(np.uint8)]


def save_prediction_sheet(rows: Sequence[Dict], path: str, dpi: int = 80) -> None:
    """Write one row per image: the image, its label, then each blur map (white = blurred).

    Args:
        rows (Sequence[dict]): Each with ``title`` (str), ``image`` (H, W, 3 uint8, BGR),
            ``label`` (H, W; 0/1/255, or None for photographs without one: then no row has a
            label column) and ``maps`` (dict of column title -> (H, W) float map in [0, 1]);
            every row has the same map titles.
        path (str): Output PNG path.
        dpi (int): Resolution of the PNG.
    """
    # The object-oriented API: no pyplot, so no global backend or figure state is touched.
    from matplotlib.figure import Figure
    if not rows:
        raise ValueError(f'no rows to draw into {path}')
    map_titles = list(rows[0]['maps'])
    labelled = rows[0].get('label') is not None
    columns = 1 + labelled + len(map_titles)
    figure = Figure(figsize=(2.6 * columns, 2.7 * len(rows)))
    axes = figure.subplots(len(rows), columns, squeeze=False)
    for axes_row, row in zip(axes, rows):
        panels = [(row['image'][..., ::-1], row['title'])]
        if labelled:
            panels.append((colour_label(row['label']), 'label (red: ignored)'))
        panels += [(row['maps'][title], title) for title in map_titles]
        for axis, (picture, title) in zip(axes_row, panels):
            if picture.ndim == 2:
                axis.imshow(picture, cmap='gray', vmin=0, vmax=1)
            else:
                axis.imshow(picture)
            axis.set_title(title, fontsize=8)
            axis.axis('off')
    figure.tight_layout()
    figure.savefig(path, dpi=dpi)
