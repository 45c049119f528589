"""tools/benchmark_metric.py (quoted in the README): runs, and DefocusMetric equals pysodmetrics."""
import re

import numpy as np
import pytest

from tiny_data import load_tool

ARGS = dict(num=3, height=96, width=128, seed=0)


@pytest.fixture(scope='module')
def tool():
    return load_tool('benchmark_metric')


def test_maps_have_both_classes(tool):
    """Otherwise the agreement below would be that of zeros."""
    _, gts = tool.make_maps(**ARGS)
    fraction = np.mean([g.mean() for g in gts])
    assert 0.05 < fraction < 0.95


def test_smoke_run_reports_no_difference(tool, capsys):
    tool.main([f'--{key}={value}' for key, value in ARGS.items()] + ['--repeat=1'])
    out = capsys.readouterr().out
    assert '3 maps of 128x96, best of 1 runs' in out
    assert re.search(r'DefocusMetric: [\d.]+ s', out) and re.search(r'pysodmetrics: [\d.]+ s', out)
    difference = re.search(r'largest difference over \[.*\]: (\S+)', out)
    assert difference is not None, out
    assert float(difference.group(1)) <= 1e-9
