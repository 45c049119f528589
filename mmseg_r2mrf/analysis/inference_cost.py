"""Cost of a segmentor at inference, part by part: parameters, MACs, latency and peak memory.

Rows: the backbone, the neck + decode head (what runs on the backbone's features), and the
whole model (backbone, neck, head: ``EncoderDecoder``'s tensor forward, no pre- or
post-processing), measured side by side in one process on random input.

* Parameters and MACs: ``mmengine.analysis.get_model_complexity_info`` (its "flops" count one
  multiply-accumulate each, so they are MACs). Operators it has no formula for (additions,
  interpolation, pooling) count zero.
* Latency: untimed warm-up runs, then timed runs of every part, interleaved (backbone,
  neck + head, whole, backbone, ...) so that a machine's load changes hit every part alike;
  the median divided by the batch size. CUDA runs are synchronised.
* Peak memory: the largest amount of tensor memory that one forward pass holds beyond what was
  allocated before it (weights and input excluded): on CUDA from the allocator's statistics,
  on the CPU from the PyTorch profiler's allocation events.
"""
import os
import statistics
import time
from typing import Callable, Dict, List, Sequence, Tuple

os.environ.setdefault('KINETO_LOG_LEVEL', '5')  # the CPU profiler's start-up chatter

import torch  # noqa: E402
from mmengine.analysis import get_model_complexity_info  # noqa: E402
from torch import Tensor, nn  # noqa: E402
from torch.profiler import ProfilerActivity, profile  # noqa: E402


class NeckAndHead(nn.Module):
    """The part of a segmentor that runs on the backbone's features."""

    def __init__(self, segmentor: nn.Module) -> None:
        super().__init__()
        self.neck = segmentor.neck if getattr(segmentor, 'with_neck', False) else None
        self.decode_head = segmentor.decode_head

    def forward(self, *feats: Tensor) -> Tensor:
        x = self.neck(feats) if self.neck is not None else feats
        return self.decode_head(x)


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def peak_memory_bytes(fn: Callable[[], object], device: torch.device) -> int:
    """Largest tensor memory one call of ``fn`` holds beyond what existed before it.

    Args:
        fn (callable): One forward pass.
        device (torch.device): Where it runs.

    Returns:
        int: Bytes.
    """
    if device.type == 'cuda':
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        before = torch.cuda.memory_allocated(device)
        fn()
        synchronize(device)
        return torch.cuda.max_memory_allocated(device) - before
    # The CPU allocator keeps no statistics: replay the profiler's allocations (attributed
    # to the operator that made them) and frees in time order.
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    current = peak = 0
    for event in sorted(prof.events(), key=lambda e: e.time_range.start):
        current += event.self_cpu_memory_usage
        peak = max(peak, current)
    return peak


def inference_cost(segmentor: nn.Module,
              shape: Sequence[int] = (320, 320),
              batch_size: int = 1,
              device: str = 'cpu',
              warmup: int = 3,
              repeat: int = 10) -> List[Dict[str, object]]:
    """Measures the backbone, the neck + head and the whole model side by side.

    Args:
        segmentor (nn.Module): An ``EncoderDecoder``-like model (``backbone``,
            ``decode_head``, optional ``neck``) whose ``forward(inputs)`` defaults to the
            tensor mode: backbone, neck and head, without pre- or post-processing.
        shape (Sequence[int]): Input (height, width).
        batch_size (int): Images per forward pass.
        device (str): Torch device.
        warmup (int): Untimed runs of each part.
        repeat (int): Timed runs of each part.

    Returns:
        list[dict]: One row per part: ``part``, ``params``, ``macs``, ``latency_ms`` (median
        per image), ``latency_runs_ms`` (every timed run, per image), ``peak_memory_mib``.
    """
    dev = torch.device(device)
    segmentor = segmentor.to(dev).eval()
    image = torch.randn(batch_size, 3, *shape, device=dev)
    head_name = 'neck+head' if getattr(segmentor, 'with_neck', False) else 'head'
    with torch.inference_mode():
        feats = tuple(segmentor.backbone(image))
    parts: List[Tuple[str, nn.Module, Tuple[Tensor, ...]]] = [
        ('backbone', segmentor.backbone, (image, )),
        (head_name, NeckAndHead(segmentor), feats),
        ('whole', segmentor, (image, )),
    ]

    rows = []
    for name, module, inputs in parts:
        # MACs of one image, whatever the batch size.
        one = tuple(x[:1] for x in inputs)
        with torch.no_grad():
            info = get_model_complexity_info(module, inputs=one, show_table=False,
                                             show_arch=False)
        with torch.inference_mode():
            peak = peak_memory_bytes(lambda: module(*inputs), dev)
        rows.append(dict(part=name, params=int(info['params']), macs=int(info['flops']),
                         peak_memory_mib=peak / 2**20, latency_runs_ms=[]))

    with torch.inference_mode():
        for _ in range(warmup):
            for _, module, inputs in parts:
                module(*inputs)
        for _ in range(repeat):
            for row, (_, module, inputs) in zip(rows, parts):
                synchronize(dev)
                start = time.perf_counter()
                module(*inputs)
                synchronize(dev)
                row['latency_runs_ms'].append(
                    (time.perf_counter() - start) * 1000 / batch_size)
    for row in rows:
        row['latency_ms'] = statistics.median(row['latency_runs_ms'])
    return rows


def format_inference_rows(rows: List[Dict[str, object]]) -> str:
    """A Markdown table of the rows, plus the ratios of the head part to the backbone."""
    lines = ['| part | params (M) | GMACs | latency / image (ms) | peak memory (MiB) |',
             '| --- | ---: | ---: | ---: | ---: |']
    for row in rows:
        lines.append(f"| {row['part']} | {row['params'] / 1e6:.2f} | {row['macs'] / 1e9:.2f} "
                     f"| {row['latency_ms']:.1f} | {row['peak_memory_mib']:.1f} |")
    backbone, head = rows[0], rows[1]
    if backbone['macs'] and backbone['latency_ms']:
        lines.append(f"\n{head['part']} / backbone: MACs {head['macs'] / backbone['macs']:.2f}x, "
                     f"latency {head['latency_ms'] / backbone['latency_ms']:.2f}x")
    return '\n'.join(lines)
