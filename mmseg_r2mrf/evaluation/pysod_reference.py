"""The reference numbers of :class:`~mmseg_r2mrf.evaluation.DefocusMetric`, from pysodmetrics.

pysodmetrics 1.6.x (``FmeasureV2`` with the F-measure, precision, recall and IoU handlers, and
``MAE``, called with ``normalize=False``) computes what DefocusMetric reports, and DefocusMetric
is tested to equal it. pysodmetrics is a test requirement only
(``requirements/tests-nodeps.txt``): it is imported when these functions run, not with this
module. Used by the metric's tests and by ``tools/benchmark_metric.py``.
"""


def pysod_evaluators(beta2: float = 0.3) -> tuple:
    """pysodmetrics' evaluators of the numbers DefocusMetric reports.

    Args:
        beta2 (float): β² of the F-measure (pysodmetrics calls it ``beta``).

    Returns:
        tuple: ``FmeasureV2`` with the F-measure (dynamic, adaptive, binary), precision and
        recall (dynamic) and IoU (binary) handlers under ``fm``, ``p``, ``r`` and ``iou``, and
        ``MAE``. Feed both with ``step(pred, bool_mask, normalize=False)``.
    """
    import py_sod_metrics as sod
    handlers = dict(
        fm=sod.FmeasureHandler(with_dynamic=True, with_adaptive=True, with_binary=True,
                               beta=beta2),
        p=sod.PrecisionHandler(with_dynamic=True, with_adaptive=False),
        r=sod.RecallHandler(with_dynamic=True, with_adaptive=False),
        iou=sod.IOUHandler(with_dynamic=False, with_adaptive=False, with_binary=True))
    return sod.FmeasureV2(metric_handlers=handlers), sod.MAE()


def pysod_metrics(fmv2, mae) -> dict:
    """DefocusMetric's numbers, but ``maxF_meanPR``, from :func:`pysod_evaluators` after steps.

    Args:
        fmv2: The ``FmeasureV2`` of :func:`pysod_evaluators`.
        mae: Its ``MAE``.

    Returns:
        dict[str, float]: ``MAE``, ``maxF``, ``meanF``, ``adpF``, ``F@0.5`` and ``IoU@0.5``.
    """
    res = fmv2.get_results()
    curve = res['fm']['dynamic']
    return {'MAE': float(mae.get_results()['mae']), 'maxF': float(curve.max()),
            'meanF': float(curve.mean()), 'adpF': float(res['fm']['adaptive']),
            'F@0.5': float(res['fm']['binary']), 'IoU@0.5': float(res['iou']['binary'])}
