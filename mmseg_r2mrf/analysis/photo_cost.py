"""Time and memory of predicting one large photograph, per large-image strategy.

What a user waits for: ``DefocusDetector.predict`` on a JPEG file (decoding, the large-image
strategy, the model, the map at the photograph's size), ``'resize'`` (the working resolution)
and ``'slide'`` (full-resolution windows) timed interleaved in one process.
"""
import os.path as osp
import resource
import statistics
import tempfile
import time
from typing import Dict, List, Sequence

import cv2
import numpy as np
import torch

from .inference_cost import peak_memory_bytes


def random_weights_detector(config: str, folder: str, **options):
    """A ``DefocusDetector`` of ``config`` with its initial weights (no pretrained file is
    read): for costs and graph checks, which do not depend on the weights.

    Args:
        config (str): Model config.
        folder (str): Where the random-weights checkpoint is written.
        **options: ``DefocusDetector`` options (``long_side``, ``large_image``,
            ``cfg_options``, ...).
    """
    from mmseg.apis import init_model

    from ..apis import DefocusDetector
    model = init_model(config, device='cpu', cfg_options=options.get('cfg_options'))
    checkpoint = osp.join(folder, osp.basename(config).replace('.py', '_random.pth'))
    torch.save({'state_dict': model.state_dict()}, checkpoint)
    return DefocusDetector(config, checkpoint, **options)


def synthetic_photo(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A uint8 BGR image with structure at several scales (smooth colour fields plus grain)."""
    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 256, (max(height // 16, 2), max(width // 16, 2), 3), np.uint8)
    smooth = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    grain = rng.normal(0, 12, (height, width, 3))
    return np.clip(smooth + grain, 0, 255).astype(np.uint8)


def photo_cost(detector,
               shape: Sequence[int] = (3000, 4000),
               modes: Sequence[str] = ('resize', 'slide'),
               repeat: int = 3,
               warmup: int = 1) -> List[Dict[str, object]]:
    """Seconds and peak tensor memory of ``detector.predict`` on a JPEG photograph of ``shape``.

    Args:
        detector (DefocusDetector or OnnxDefocusDetector): The detector; its
            ``large_image`` is set to each mode in turn and restored.
        shape (Sequence[int]): (height, width) of the photograph.
        modes (Sequence[str]): Large-image strategies.
        repeat (int): Timed predictions per mode (interleaved).
        warmup (int): Untimed predictions per mode.

    Returns:
        list[dict]: One row per mode: ``mode``, ``seconds`` (median), ``seconds_runs``,
        ``peak_tensor_mib`` (largest torch tensor memory during one prediction, from the
        profiler's allocation events; numpy/OpenCV buffers not included),
        ``working_shape`` (what the model saw: (H, W) or the number of windows), and
        ``max_rss_mib`` (the process's peak resident memory so far, all modes together).
    """
    from mmseg_r2mrf_onnx import sliding_windows, working_shape

    saved = detector.large_image
    rows = [dict(mode=mode, seconds_runs=[]) for mode in modes]
    with tempfile.TemporaryDirectory(prefix='photo_cost_') as folder:
        path = osp.join(folder, f'photo_{shape[0]}x{shape[1]}.jpg')
        cv2.imwrite(path, synthetic_photo(*shape), [cv2.IMWRITE_JPEG_QUALITY, 92])
        try:
            for _ in range(warmup):
                for row in rows:
                    detector.large_image = row['mode']
                    detector.predict(path)
            for _ in range(repeat):
                for row in rows:
                    detector.large_image = row['mode']
                    start = time.perf_counter()
                    blur = detector.predict(path)
                    row['seconds_runs'].append(time.perf_counter() - start)
                    if blur.shape != tuple(shape[:2]):
                        raise RuntimeError(f'a map of shape {blur.shape} for a photograph of '
                                           f'{tuple(shape)}')
            for row in rows:
                detector.large_image = row['mode']
                row['peak_tensor_mib'] = peak_memory_bytes(
                    lambda: detector.predict(path), torch.device('cpu')) / 2**20
                if row['mode'] == 'resize':
                    row['working_shape'] = 'x'.join(map(str, working_shape(shape,
                                                                           detector.long_side)))
                elif detector.uses_sliding_window(shape):
                    count = len(sliding_windows(shape[0], shape[1], detector.crop_size,
                                                detector.stride))
                    row['working_shape'] = f'{count} windows of {detector.crop_size}'
                else:
                    row['working_shape'] = f'{shape[0]}x{shape[1]} whole'
        finally:
            detector.large_image = saved
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    for row in rows:
        row['seconds'] = statistics.median(row['seconds_runs'])
        row['max_rss_mib'] = max_rss
    return rows


def format_photo_rows(rows: List[Dict[str, object]]) -> str:
    """A Markdown table of :func:`photo_cost`'s rows."""
    lines = ['| large-image strategy | model input | seconds / photograph | '
             'peak tensor memory (MiB) |', '| --- | --- | ---: | ---: |']
    for row in rows:
        lines.append(f"| {row['mode']} | {row['working_shape']} | {row['seconds']:.2f} | "
                     f"{row['peak_tensor_mib']:.0f} |")
    lines.append(f"\nProcess peak resident memory (all rows): {rows[0]['max_rss_mib']:.0f} MiB")
    return '\n'.join(lines)
