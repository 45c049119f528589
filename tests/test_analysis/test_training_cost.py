"""What mmengine logged about a training run: seconds per iteration and peak GPU memory."""
import json
import os

from mmseg_r2mrf.analysis import logged_peak_memory_mib, logged_seconds_per_iter


def write_scalars(work_dir, run: str, records) -> None:
    """``<work_dir>/<run>/vis_data/scalars.json`` as mmengine's LocalVisBackend writes it."""
    folder = work_dir / run / 'vis_data'
    os.makedirs(folder)
    (folder / 'scalars.json').write_text(''.join(json.dumps(r) + '\n' for r in records))


def test_seconds_per_iter_leave_out_each_runs_warm_up(tmp_path):
    write_scalars(tmp_path, '20260101_000000', [
        dict(loss=1.0, time=5.0, iter=10), dict(loss=0.9, time=1.0, iter=20),
        dict(loss=0.8, time=1.2, iter=30), dict(maxF=0.5, step=30)])
    # A resumed run: its first interval is a warm-up too.
    write_scalars(tmp_path, '20260101_010000', [
        dict(loss=0.7, time=4.0, iter=40), dict(loss=0.6, time=1.4, iter=50)])
    assert logged_seconds_per_iter(str(tmp_path)) == 1.2  # median of 1.0, 1.2, 1.4
    assert logged_seconds_per_iter(str(tmp_path / 'missing')) is None


def test_peak_memory_is_the_largest_logged_on_cuda(tmp_path):
    write_scalars(tmp_path, '20260101_000000', [
        dict(loss=1.0, time=1.0, memory=5120), dict(loss=0.9, time=1.0, memory=6144),
        dict(maxF=0.5, memory=9999)])  # a validation record is not training
    assert logged_peak_memory_mib(str(tmp_path)) == 6144.0
    cpu = tmp_path / 'cpu'
    write_scalars(cpu, '20260101_000000', [dict(loss=1.0, time=1.0)])
    assert logged_peak_memory_mib(str(cpu)) is None
