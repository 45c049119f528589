"""Export a defocus detector to ONNX, check the file, and compare it with PyTorch."""
import os
import os.path as osp
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch

from .exportable_model import INPUT_NAME, LOGIT_NAME, PROBABILITY_NAME, ExportableDefocusModel

#: Image sizes (H, W) on which an export is compared with PyTorch: even, odd, and one whose
#: sides are no multiple of the backbone's stride 32.
DEFAULT_CHECK_SIZES = ((64, 96), (75, 53), (161, 239))
#: Largest |p_onnx - p_torch| that counts as the same model.
PARITY_TOLERANCE = 1e-4
#: The ONNX opset exported (the default of torch's exporter in torch 2.9+).
DEFAULT_OPSET = 18


class OnnxExportError(RuntimeError):
    """The exported file failed the ONNX checker or differs from the PyTorch model."""


def export_detector(detector,
                    out_path: str,
                    opset: int = DEFAULT_OPSET,
                    check_sizes: Sequence[Tuple[int, int]] = DEFAULT_CHECK_SIZES,
                    tolerance: float = PARITY_TOLERANCE) -> Dict[str, object]:
    """Write ``detector``'s model as ONNX, check it, compare it with PyTorch, then move it in place.

    The file is written under a temporary name beside ``out_path``, checked with
    ``onnx.checker``, run with ONNX Runtime on random images of ``check_sizes`` against the
    PyTorch model, and renamed to ``out_path`` only when the largest difference of the
    probabilities is at most ``tolerance``. Metadata: ``train_long_side`` (the detector's
    working resolution), ``color_type`` (how its config decodes image files), ``source``.

    Args:
        detector (DefocusDetector): A loaded detector (config and checkpoint, or a release).
        out_path (str): The ``.onnx`` file to write (replaced if it exists: the caller asks).
        opset (int): ONNX opset.
        check_sizes (Sequence[tuple]): (H, W) of the comparison images.
        tolerance (float): Largest accepted |p_onnx - p_torch|.

    Returns:
        dict: ``path``, ``opset``, ``max_abs_diff`` per size (``'HxW'`` -> float) and
        ``max_abs_diff`` over all.

    Raises:
        OnnxExportError: The checker refuses the file, or the outputs differ by more than
            ``tolerance`` (nothing is left at ``out_path``).
    """
    import onnx

    model = ExportableDefocusModel(detector.model).eval()
    out_dir = osp.dirname(osp.abspath(out_path))
    os.makedirs(out_dir, exist_ok=True)
    handle, tmp_path = tempfile.mkstemp(suffix='.onnx.tmp', dir=out_dir)
    os.close(handle)
    try:
        example = torch.randint(0, 256, (1, 64, 96, 3), dtype=torch.uint8)
        height = torch.export.Dim('height', min=32, max=16384)
        width = torch.export.Dim('width', min=32, max=16384)
        with torch.no_grad():
            torch.onnx.export(model, (example, ), tmp_path, input_names=[INPUT_NAME],
                              output_names=[PROBABILITY_NAME, LOGIT_NAME],
                              dynamic_shapes={'image': {1: height, 2: width}},
                              opset_version=opset, dynamo=True, external_data=False,
                              verbose=False)
        graph = onnx.load(tmp_path)
        metadata = dict(train_long_side=str(detector.long_side),
                        color_type=detector.load_options.get('color_type', 'color'),
                        source=detector.release or 'config and checkpoint')
        for key, value in metadata.items():
            graph.metadata_props.append(onnx.StringStringEntryProto(key=key, value=value))
        try:
            onnx.checker.check_model(graph, full_check=True)
        except onnx.checker.ValidationError as error:
            raise OnnxExportError(f'the exported graph fails onnx.checker: {error}') from error
        onnx.save(graph, tmp_path)
        diffs = compare_with_pytorch(model, tmp_path, check_sizes)
        worst = max(diffs.values())
        if not worst <= tolerance:
            raise OnnxExportError(f'ONNX Runtime and PyTorch differ by up to {worst:.3g} '
                                  f'(tolerance {tolerance:g}) on {diffs}')
        os.replace(tmp_path, out_path)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
    return dict(path=out_path, opset=opset, max_abs_diff_by_size=diffs, max_abs_diff=worst)


def compare_with_pytorch(model: ExportableDefocusModel, onnx_path: str,
                         sizes: Sequence[Tuple[int, int]], seed: int = 0,
                         providers: Optional[List[str]] = None) -> Dict[str, float]:
    """Largest |p_onnx - p_torch| of the blur probability on random images of ``sizes``.

    Args:
        model (ExportableDefocusModel): The PyTorch side.
        onnx_path (str): The exported file.
        sizes (Sequence[tuple]): (H, W) of the images.
        seed (int): Seed of the random images.
        providers (list[str], optional): ONNX Runtime providers; default the CPU.

    Returns:
        dict[str, float]: ``'HxW'`` -> largest absolute difference.
    """
    import onnxruntime

    session = onnxruntime.InferenceSession(onnx_path,
                                           providers=providers or ['CPUExecutionProvider'])
    generator = torch.Generator().manual_seed(seed)
    diffs = {}
    for height, width in sizes:
        image = torch.randint(0, 256, (1, height, width, 3), dtype=torch.uint8,
                              generator=generator)
        with torch.no_grad():
            expected = model(image)[0].numpy()
        got = session.run([PROBABILITY_NAME], {INPUT_NAME: image.numpy()})[0]
        diffs[f'{height}x{width}'] = float(np.abs(got - expected).max())
    return diffs


def detector_parity(detector, onnx_path: str, image: np.ndarray,
                    large_image_modes: Sequence[str] = ('resize', 'slide'),
                    slide_above: int = 640) -> Dict[str, float]:
    """Largest |p_onnx - p_torch| of the two detectors' maps on one image, per large-image mode.

    Where :func:`compare_with_pytorch` compares the graphs on one input, this compares what a
    user gets: ``DefocusDetector.predict`` against ``OnnxDefocusDetector.predict`` on the same
    image with the same large-image strategy (``'resize'`` to the working resolution, or
    ``'slide'`` windows at full resolution above ``slide_above``).

    Args:
        detector (DefocusDetector): The PyTorch detector the file was exported from.
        onnx_path (str): Its export.
        image (np.ndarray): (H, W, 3) uint8 BGR image.
        large_image_modes (Sequence[str]): Strategies to compare.
        slide_above (int): Longer side above which ``'slide'`` uses windows.

    Returns:
        dict[str, float]: mode -> largest absolute difference of the maps.
    """
    from mmseg_r2mrf_onnx import OnnxDefocusDetector

    diffs = {}
    saved = (detector.large_image, detector.slide_above)
    try:
        for mode in large_image_modes:
            detector.large_image, detector.slide_above = mode, slide_above
            onnx_detector = OnnxDefocusDetector(onnx_path, providers=['CPUExecutionProvider'],
                                                large_image=mode, long_side=detector.long_side,
                                                slide_above=slide_above,
                                                crop_size=detector.crop_size,
                                                stride=detector.stride)
            diffs[mode] = float(np.abs(onnx_detector.predict(image) -
                                       detector.predict(image)).max())
    finally:
        detector.large_image, detector.slide_above = saved
    return diffs
