"""Latency of the deployed computation in PyTorch and in ONNX Runtime, side by side.

Both sides run the same function, the one ``tools/export_onnx.py`` writes: a ``(1, H, W, 3)``
uint8 BGR image in, the blur probability and logit out, preprocessing and the resize to the
input's size included (:class:`~mmseg_r2mrf.deploy.ExportableDefocusModel` in PyTorch, the
exported graph in ONNX Runtime). The two are timed interleaved (PyTorch, ONNX Runtime,
PyTorch, ...) in one process on one image, each with the same number of CPU threads, so a
change of the machine's load hits both alike.
"""
import statistics
import time
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from torch import nn

from ..deploy import INPUT_NAME, PROBABILITY_NAME, ExportableDefocusModel

RUNTIMES = ('PyTorch', 'ONNX Runtime')


def runtime_latency(segmentor: nn.Module,
                    onnx_path: str,
                    shape: Sequence[int] = (320, 320),
                    warmup: int = 3,
                    repeat: int = 10,
                    threads: Optional[int] = None,
                    providers: Optional[Sequence[str]] = None) -> List[Dict[str, object]]:
    """Median latency of one image through PyTorch and through ONNX Runtime.

    The weights of ``segmentor`` and of the file need not be the same (latency does not depend
    on them), only the architecture.

    Args:
        segmentor (nn.Module): The model on the CPU, as ``init_model`` builds it.
        onnx_path (str): A file of ``tools/export_onnx.py`` of the same architecture.
        shape (Sequence[int]): (height, width) of the image.
        warmup (int): Untimed runs of each runtime.
        repeat (int): Timed runs of each runtime.
        threads (int, optional): CPU threads of both (torch's and ONNX Runtime's intra-op
            threads); default: each one's own choice.
        providers (Sequence[str], optional): ONNX Runtime providers; default the CPU.

    Returns:
        list[dict]: One row per runtime: ``runtime``, ``latency_ms`` (median),
        ``latency_runs_ms``, ``max_abs_diff`` (largest |p - p_PyTorch| on the image).

    Raises:
        ValueError: A file whose input or output is not the exported contract.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads:
        torch.set_num_threads(threads)
        options.intra_op_num_threads = threads
    session = onnxruntime.InferenceSession(
        onnx_path, options, providers=list(providers or ['CPUExecutionProvider']))
    if [i.name for i in session.get_inputs()] != [INPUT_NAME]:
        raise ValueError(f'{onnx_path}: input {[i.name for i in session.get_inputs()]}; '
                         f"expected ['{INPUT_NAME}'] (a file of tools/export_onnx.py)")
    model = ExportableDefocusModel(segmentor.cpu().eval()).eval()
    height, width = shape
    generator = torch.Generator().manual_seed(0)
    image = torch.randint(0, 256, (1, height, width, 3), dtype=torch.uint8, generator=generator)
    feed = {INPUT_NAME: image.numpy()}

    def run_torch() -> np.ndarray:
        with torch.inference_mode():
            return model(image)[0].numpy()

    def run_onnx() -> np.ndarray:
        return session.run([PROBABILITY_NAME], feed)[0]

    runners = (run_torch, run_onnx)
    outputs = [run() for run in runners]
    for _ in range(max(warmup - 1, 0)):
        for run in runners:
            run()
    rows = [dict(runtime=name, latency_runs_ms=[]) for name in RUNTIMES]
    for _ in range(repeat):
        for row, run in zip(rows, runners):
            start = time.perf_counter()
            run()
            row['latency_runs_ms'].append((time.perf_counter() - start) * 1000)
    for row, output in zip(rows, outputs):
        row['latency_ms'] = statistics.median(row['latency_runs_ms'])
        row['max_abs_diff'] = float(np.abs(output - outputs[0]).max())
    return rows


def format_runtime_rows(rows: List[Dict[str, object]]) -> str:
    """A Markdown table of :func:`runtime_latency`'s rows, with the speed-up over PyTorch."""
    reference = rows[0]['latency_ms']
    lines = ['| runtime | latency / image (ms) | speed-up over PyTorch | max abs diff |',
             '| --- | ---: | ---: | ---: |']
    for row in rows:
        lines.append(f"| {row['runtime']} | {row['latency_ms']:.1f} | "
                     f"{reference / row['latency_ms']:.2f}x | {row['max_abs_diff']:.1e} |")
    if max(row['max_abs_diff'] for row in rows) > 1e-4:
        # tools/benchmark.py builds the config with random weights; a trained export differs.
        lines.append('\n(max abs diff above 1e-4: the file holds other weights than the '
                     'PyTorch model timed here, e.g. trained ones against random ones; '
                     'tools/benchmark.py --checkpoint or tools/onnx_parity.py compares the '
                     'same weights)')
    return '\n'.join(lines)
