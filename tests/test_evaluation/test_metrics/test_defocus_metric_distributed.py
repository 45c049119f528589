"""DefocusMetric over 2 CPU ranks (gloo): mmengine's BaseMetric collection gives the numbers of
one process on the whole set, with the sampler's padding removed and skipped images counted."""
import json
import os
import socket

import numpy as np
import pytest
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.dataset import DefaultSampler

from mmseg_r2mrf.evaluation import DefocusMetric

from metric_samples import metric_sample

WORLD_SIZE = 2
# An odd number of images, so that DefaultSampler pads rank 1's share with a repeated image that
# the collection must drop again; the last mask is all ignored (skipped, counted once).
NUM_IMAGES = 7


def make_cases():
    rng = np.random.default_rng(7)
    cases = []
    for index in range(NUM_IMAGES):
        shape = (12 + index, 17 + 2 * index)
        prob = rng.random(shape).astype(np.float32)
        gt = (rng.random(shape) < 0.4).astype(np.uint8)
        gt[rng.random(shape) < 0.1] = 255
        cases.append((prob, gt))
    cases[-1][1][:] = 255
    return cases


def evaluate(indices, output_dir=None):
    metric = DefocusMetric(output_dir=output_dir)
    cases = make_cases()
    for index in indices:
        metric.process({}, [metric_sample(*cases[index], f'/data/{index:03d}.jpg')])
    return metric.evaluate(NUM_IMAGES)


def rank_worker(rank, port, out_dir):
    os.environ['OMP_NUM_THREADS'] = '1'
    dist.init_process_group('gloo', init_method=f'tcp://127.0.0.1:{port}', rank=rank,
                            world_size=WORLD_SIZE)
    try:
        indices = list(DefaultSampler(list(range(NUM_IMAGES)), shuffle=False))
        metrics = evaluate(indices, output_dir=os.path.join(out_dir, 'curves'))
        with open(os.path.join(out_dir, f'rank{rank}.json'), 'w') as f:
            json.dump(dict(indices=indices, metrics=metrics), f)
    finally:
        dist.destroy_process_group()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def test_two_ranks_give_the_single_process_numbers(tmp_path):
    mp.start_processes(rank_worker, args=(free_port(), str(tmp_path)), nprocs=WORLD_SIZE,
                       join=True, start_method='spawn')
    ranks = [json.loads((tmp_path / f'rank{r}.json').read_text()) for r in range(WORLD_SIZE)]
    # The ranks really saw different images, and rank 1 a padded share.
    assert ranks[0]['indices'] == [0, 2, 4, 6] and ranks[1]['indices'] == [1, 3, 5, 0]
    single = evaluate(range(NUM_IMAGES))
    for rank in ranks:  # mmengine broadcasts rank 0's result to every rank
        assert rank['metrics'].keys() == single.keys()
        for key, value in single.items():
            assert rank['metrics'][key] == pytest.approx(value, abs=1e-12), key
    curves = json.loads((tmp_path / 'curves' / 'defocus_curves.json').read_text())
    assert (curves['num_images'], curves['num_skipped']) == (NUM_IMAGES - 1, 1)
