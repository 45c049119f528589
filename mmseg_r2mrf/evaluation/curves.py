"""Saved results of :class:`~mmseg_r2mrf.evaluation.DefocusMetric`: JSON, PR/F plots, tables.

A curves file is the JSON written by ``DefocusMetric(output_dir=...)``:
``positive``, ``beta2``, ``num_images``, ``num_skipped``, ``metrics`` (name -> value) and the
mean ``precision``, ``recall`` and ``fmeasure`` at each ``threshold`` (0..255, a pixel counting
as positive when ``floor(255·p) >= threshold``).
"""
import json
import os.path as osp
from typing import List, Optional, Sequence

from matplotlib.figure import Figure

#: Keys every curves file holds.
REQUIRED_KEYS = ('positive', 'beta2', 'metrics', 'threshold', 'precision', 'recall', 'fmeasure')


def save_curves(result: dict, path: str) -> None:
    """Write one evaluation's metrics and mean curves as JSON.

    Args:
        result (dict): The keys of :data:`REQUIRED_KEYS` (and any others, e.g. ``num_images``).
        path (str): The JSON file to write.
    """
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise KeyError(f'cannot save curves to {path}: missing {missing}')
    with open(path, 'w', encoding='utf-8') as file:
        json.dump(result, file, indent=1)


def load_curves(path: str) -> dict:
    """Read and check a curves file.

    Args:
        path (str): A JSON file written by :func:`save_curves`.

    Returns:
        dict: Its content.

    Raises:
        FileNotFoundError: The file does not exist.
        ValueError: It is not a curves file (not JSON, a missing key, curves of different
            lengths).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path}: no such curves file')
    with open(path, encoding='utf-8') as file:
        try:
            result = json.load(file)
        except json.JSONDecodeError as error:
            raise ValueError(f'{path}: not a JSON curves file ({error})') from error
    if not isinstance(result, dict):
        raise ValueError(f'{path}: not a DefocusMetric curves file (a JSON object expected)')
    missing = [key for key in REQUIRED_KEYS if key not in result]
    if missing:
        raise ValueError(f'{path}: not a DefocusMetric curves file: missing {missing}')
    lengths = {len(result[key]) for key in ('threshold', 'precision', 'recall', 'fmeasure')}
    if len(lengths) != 1:
        raise ValueError(f'{path}: threshold, precision, recall and fmeasure differ in length')
    return result


def plot_curves(results: Sequence[dict], path: str,
                labels: Optional[Sequence[str]] = None) -> None:
    """Draw PR curves and F-measure curves (as Figure 4 of the R²MRF paper) into one PNG.

    Args:
        results (Sequence[dict]): Curves (see :func:`load_curves`), one per method.
        path (str): The image to write (its extension picks the format).
        labels (Sequence[str], optional): Legend entries, one per result; no legend if None.
    """
    if not results:
        raise ValueError('plot_curves needs at least one result')
    if labels is not None and len(labels) != len(results):
        raise ValueError(f'{len(labels)} labels for {len(results)} results')
    # The object-oriented API: no pyplot, so no global backend or figure state is touched.
    figure = Figure(figsize=(10, 4.5), layout='constrained')
    pr_axes, f_axes = figure.subplots(1, 2)
    for index, result in enumerate(results):
        label = None if labels is None else labels[index]
        pr_axes.plot(result['recall'], result['precision'], label=label)
        f_axes.plot(result['threshold'], result['fmeasure'], label=label)
    positives = sorted({result['positive'] for result in results})
    beta2s = sorted({result['beta2'] for result in results})
    pr_axes.set(xlabel='Recall', ylabel='Precision', xlim=(0, 1), ylim=(0, 1.02),
                title=f"PR curve (positive: {', '.join(positives)})")
    f_axes.set(xlabel='Threshold t (floor(255 p) ≥ t)',
               ylabel=f"F-measure (β² = {', '.join(f'{b:g}' for b in beta2s)})",
               xlim=(0, max(r['threshold'][-1] for r in results)), ylim=(0, 1.02),
               title='F-measure curve')
    for axes in (pr_axes, f_axes):
        axes.grid(True, alpha=0.3)
        if labels is not None:
            axes.legend(loc='lower left')
    figure.savefig(path, dpi=100)


def metrics_table(results: Sequence[dict], labels: Sequence[str],
                  columns: Optional[Sequence[str]] = None) -> str:
    """A Markdown table of the metrics of several results, as Table 1 of the R²MRF paper.

    Args:
        results (Sequence[dict]): Curves files' contents (see :func:`load_curves`), or any
            dict with ``positive``, ``beta2`` and ``metrics``.
        labels (Sequence[str]): Row names, one per result.
        columns (Sequence[str], optional): The metrics to show, in this order. Defaults to
            every metric, in the order of the first result that has it.

    Returns:
        str: The table: one row per result; the protocol columns (positive class, β²) first,
        then the metrics (a missing one, or None, shows as ``-``).
    """
    if len(labels) != len(results):
        raise ValueError(f'{len(labels)} labels for {len(results)} results')
    keys: List[str] = list(columns or [])
    if columns is None:
        for result in results:
            keys += [key for key in result['metrics'] if key not in keys]
    lines = ['| method | positive | β² | ' + ' | '.join(keys) + ' |',
             '| --- | --- | --- | ' + ' | '.join('---:' for _ in keys) + ' |']
    for label, result in zip(labels, results):
        values = [f"{result['metrics'][key]:.4f}"
                  if result['metrics'].get(key) is not None else '-' for key in keys]
        label = str(label).replace('|', '\\|')  # a '|' would split the row
        lines.append(f"| {label} | {result['positive']} | {result['beta2']:g} | "
                     + ' | '.join(values) + ' |')
    return '\n'.join(lines)
