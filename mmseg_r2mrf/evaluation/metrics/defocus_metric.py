"""Defocus blur detection metrics: F-measure (max, mean, adaptive, at 0.5), IoU, MAE and curves.

The numbers are those of pysodmetrics 1.6.x (``FmeasureV2`` with ``FmeasureHandler``,
``PrecisionHandler``, ``RecallHandler``, ``IOUHandler``, and ``MAE``) called per image with
``normalize=False``, a float probability map and a bool mask, then averaged over images, with one
addition that pysodmetrics lacks: pixels labelled 255 are left out of every statistic.
pysodmetrics itself is not needed at run time; the tests compare against it.
"""
import csv
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log
from mmengine.structures import BaseDataElement

from mmseg.registry import METRICS

from ...structures import IGNORE_INDEX, blur_map_to_uint8, blur_probability
from ..curves import plot_curves, save_curves

#: Number of quantisation levels (and thresholds) of the dynamic curves.
NUM_LEVELS = 256
#: Names under which the curves are saved in ``output_dir``.
CURVES_JSON = 'defocus_curves.json'
CURVES_PNG = 'defocus_curves.png'
#: Name of the per-image scores (:func:`per_image_rows`) saved in ``output_dir``.
PER_IMAGE_CSV = 'defocus_per_image.csv'


def safe_divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``numerator / denominator`` in float64, 0 where the denominator is 0.

    The same as pysodmetrics' ``_BaseHandler.divide``: no warning, no NaN.

    Args:
        numerator (np.ndarray): Numerators.
        denominator (np.ndarray): Denominators, broadcastable with ``numerator``.

    Returns:
        np.ndarray: The quotients (float64).
    """
    shape = np.broadcast_shapes(np.shape(numerator), np.shape(denominator))
    denominator = np.array(np.broadcast_to(denominator, shape), dtype=np.float64)
    np.divide(numerator, denominator, out=denominator, where=denominator != 0)
    return denominator


def f_measure(precision: np.ndarray, recall: np.ndarray, beta2: float) -> np.ndarray:
    """F-measure ``(1 + β²)·P·R / (β²·P + R)``, 0 where ``β²·P + R`` is 0.

    Written in pysodmetrics' operation order (``FmeasureHandler``), so that results agree to
    the last bit.

    Args:
        precision (np.ndarray): Precisions.
        recall (np.ndarray): Recalls.
        beta2 (float): β², the weight of the precision.

    Returns:
        np.ndarray: F-measures (float64).
    """
    return safe_divide((beta2 + 1) * precision * recall, beta2 * precision + recall)


def image_statistics(prob: np.ndarray, gt: np.ndarray, positive: str = 'blur') -> Optional[dict]:
    """The small per-image statistics that every reported number is reduced from.

    Mirrors pysodmetrics ``FmeasureV2.step`` / ``MAE.step`` with ``normalize=False`` on the valid
    pixels only. Subtleties kept on purpose, because they change results:

    * Quantisation is :func:`blur_map_to_uint8`, ``(p * 255).astype(uint8)`` in the map's own
      float dtype, i.e. ``floor(255·p)`` (for float32 maps, checked for every float32 value in
      [0, 1]: rounding ``p * 255`` to float32 never changes the level).
    * The dynamic threshold ``t`` (0..255) keeps pixels with ``floor(255·p) >= t``; the counts are
      kept as a 256-bin histogram per class, so memory does not grow with the image size.
    * The adaptive threshold is ``min(2 * mean(p), 1)`` with numpy's mean in the map's dtype
      (float32 pairwise summation for float32 maps: an exact mean can put pixels lying on the
      threshold on the other side), over valid pixels only, applied with ``>=`` to the float
      (not quantised) map.
    * The fixed threshold is ``p > 0.5`` on the float map (pysodmetrics' "binary" results).
    * MAE is ``mean(|p - g|)`` in the map's dtype.

    Leaving out ignored pixels is the same as giving pysodmetrics the flattened valid pixels as a
    ``1 x N`` image: none of these statistics depends on where a pixel is, only on its value and
    label (pysodmetrics' structure measures would differ, but DefocusMetric reports none).

    Args:
        prob (np.ndarray): Probability of "blurred" per pixel, float32 or float64 in [0, 1],
            shape (H, W).
        gt (np.ndarray): Labels, shape (H, W): 1 blurred, 0 in focus, 255 ignored.
        positive (str): ``'blur'`` (label 1 positive, scored by ``p``) or ``'focus'`` (label 0
            positive, scored by ``1 - p``).

    Returns:
        dict | None: ``None`` if no pixel is valid, else ``hist`` (2 x 256 counts of the
        quantised map on negative and positive pixels), ``fg``/``bg`` (positive and negative
        pixel counts), ``adp_tp``/``adp_fp`` and ``bin_tp``/``bin_fp`` (true and false
        positives at the adaptive threshold and at 0.5), and ``mae``.

    Raises:
        ValueError: ``gt`` holds a label other than 0, 1 and 255.
    """
    valid = gt != IGNORE_INDEX
    label = gt == 1
    num_valid = int(np.count_nonzero(valid))
    # Three masks instead of a np.unique per image: the check costs almost nothing.
    if np.count_nonzero(label) + np.count_nonzero(gt == 0) != num_valid:
        raise ValueError(f'ground-truth labels {np.unique(gt).tolist()}; expected 0 (in focus), '
                         f'1 (blurred) and {IGNORE_INDEX} (ignored)')
    if num_valid == 0:
        return None
    if num_valid == gt.size:  # no copy when nothing is ignored (the usual case)
        pred = prob
    else:
        pred, label = prob[valid], label[valid]
    if positive == 'focus':
        pred, label = 1 - pred, ~label  # 1 - p stays in the map's dtype, as in the tests

    fg = int(np.count_nonzero(label))
    # One bincount over (label, level) pairs: 256 levels of negatives, then of positives.
    index = blur_map_to_uint8(pred).astype(np.uint16)
    index |= label.view(np.uint8).astype(np.uint16) << 8
    hist = np.bincount(index.ravel(), minlength=2 * NUM_LEVELS).reshape(2, NUM_LEVELS)

    adaptive = pred >= min(2 * pred.mean(), 1)
    binary = pred > 0.5
    adp_tp = int(np.count_nonzero(adaptive & label))
    bin_tp = int(np.count_nonzero(binary & label))
    return dict(
        hist=hist,
        fg=fg,
        bg=num_valid - fg,
        adp_tp=adp_tp,
        adp_fp=int(np.count_nonzero(adaptive)) - adp_tp,
        bin_tp=bin_tp,
        bin_fp=int(np.count_nonzero(binary)) - bin_tp,
        mae=float(np.mean(np.abs(pred - label))))


def per_image_scores(stats: Sequence[dict], beta2: float = 0.3) -> Dict[str, np.ndarray]:
    """The scores of each image, before they are averaged over images.

    ``P = TP / (TP + FP)``, ``R = TP / (TP + FN)``, ``F = (1 + β²)PR / (β²P + R)``,
    ``IoU = TP / (TP + FP + FN)``, each 0 where its denominator is 0 (so an image without
    positive pixels has R = F = IoU = 0 at every threshold, as in pysodmetrics).

    Args:
        stats (Sequence[dict]): Outputs of :func:`image_statistics` (no ``None``).
        beta2 (float): β².

    Returns:
        dict[str, np.ndarray]: ``precision``, ``recall``, ``fmeasure`` (N x 256, at thresholds
        0..255: a pixel is positive when ``floor(255·p) >= threshold``), and per image (N)
        ``adpF``, ``F@0.5``, ``IoU@0.5`` and ``MAE``.
    """
    hist = np.stack([s['hist'] for s in stats])  # N x 2 x 256
    # Pixels with level >= t, for t = 0..255: reversed cumulative sums.
    at_least = np.flip(np.cumsum(np.flip(hist, axis=2), axis=2), axis=2)
    fp, tp = at_least[:, 0], at_least[:, 1]
    fg = np.array([s['fg'] for s in stats])[:, None]
    precision = safe_divide(tp, tp + fp)
    recall = safe_divide(tp, fg)

    def fixed_threshold_scores(prefix: str) -> Tuple[np.ndarray, np.ndarray]:
        tp_ = np.array([s[f'{prefix}_tp'] for s in stats])
        fp_ = np.array([s[f'{prefix}_fp'] for s in stats])
        fn_ = fg[:, 0] - tp_
        f = f_measure(safe_divide(tp_, tp_ + fp_), safe_divide(tp_, tp_ + fn_), beta2)
        return f, safe_divide(tp_, tp_ + fp_ + fn_)

    adp_f, _ = fixed_threshold_scores('adp')
    bin_f, bin_iou = fixed_threshold_scores('bin')
    return {
        'precision': precision,
        'recall': recall,
        'fmeasure': f_measure(precision, recall, beta2),
        'adpF': adp_f,
        'F@0.5': bin_f,
        'IoU@0.5': bin_iou,
        'MAE': np.array([s['mae'] for s in stats], dtype=np.float64),
    }


def reduce_statistics(stats: Sequence[dict], beta2: float = 0.3) -> Tuple[Dict[str, float],
                                                                          Dict[str, list]]:
    """Reduce per-image statistics to the reported metrics and the mean curves.

    Per image (:func:`per_image_scores`), then averaged over images (pysodmetrics'
    ``sample_based=True``):

    * ``maxF`` / ``meanF``: max / mean over the 256 thresholds of the mean F curve.
    * ``adpF``: mean of the per-image F at the adaptive threshold.
    * ``F@0.5`` / ``IoU@0.5``: means of the per-image F / IoU of ``p > 0.5``.
    * ``MAE``: mean of the per-image MAE.
    * ``maxF_meanPR``: the R³Net/BR²Net lineage: F of the mean P and mean R curves, max over
      thresholds (0 where ``β²P + R`` is 0).

    Args:
        stats (Sequence[dict]): Outputs of :func:`image_statistics` (no ``None``), at least one.
        beta2 (float): β².

    Returns:
        tuple[dict, dict]: The metrics (floats) and the curves: ``threshold`` (0..255, a pixel is
        positive when ``floor(255·p) >= threshold``), mean ``precision``, ``recall`` and
        ``fmeasure`` per threshold (lists of floats, in threshold order).
    """
    if len(stats) == 0:
        raise ValueError('reduce_statistics needs the statistics of at least one image')
    scores = per_image_scores(stats, beta2)
    mean_p, mean_r, mean_f = (scores[key].mean(0) for key in ('precision', 'recall', 'fmeasure'))
    metrics = {
        'MAE': float(scores['MAE'].mean()),
        'maxF': float(mean_f.max()),
        'meanF': float(mean_f.mean()),
        'adpF': float(scores['adpF'].mean()),
        'F@0.5': float(scores['F@0.5'].mean()),
        'IoU@0.5': float(scores['IoU@0.5'].mean()),
        'maxF_meanPR': float(f_measure(mean_p, mean_r, beta2).max()),
    }
    curves = dict(threshold=list(range(NUM_LEVELS)), precision=mean_p.tolist(),
                  recall=mean_r.tolist(), fmeasure=mean_f.tolist())
    return metrics, curves


def per_image_rows(names: Sequence[str], stats: Sequence[dict],
                   beta2: float = 0.3) -> List[Dict[str, object]]:
    """One row per image, to find which images a model gets wrong.

    ``F@maxF`` is the image's F at the threshold where the mean F curve peaks, so these values
    average to the reported ``maxF``, as ``MAE`` and ``F@0.5`` average to theirs.

    Args:
        names (Sequence[str]): Image paths, in the order of ``stats``.
        stats (Sequence[dict]): Outputs of :func:`image_statistics` (no ``None``), at least one.
        beta2 (float): β².

    Returns:
        list[dict]: ``image``, ``MAE``, ``F@maxF``, ``F@0.5``, ``IoU@0.5`` per image.
    """
    scores = per_image_scores(stats, beta2)
    best = int(np.argmax(scores['fmeasure'].mean(0)))
    return [{'image': name, 'MAE': float(scores['MAE'][i]),
             'F@maxF': float(scores['fmeasure'][i, best]), 'F@0.5': float(scores['F@0.5'][i]),
             'IoU@0.5': float(scores['IoU@0.5'][i])} for i, name in enumerate(names)]


@METRICS.register_module()
class DefocusMetric(BaseMetric):
    """Defocus blur detection metric: MAE, F-measures, IoU, PR and F curves.

    Reads, per image, ``seg_logits`` (after mmseg's ``postprocess_result``, at the original image
    size, turned into the probability of "blurred" by :func:`blur_probability`) and
    ``gt_sem_seg`` (1 blurred, 0 in focus, 255 ignored).
    ``process()`` keeps only :func:`image_statistics` (two 256-bin histograms and a few counts)
    per image, so memory does not depend on the image size, and mmengine's ``BaseMetric``
    collects them across ranks. Result keys: ``MAE``, ``maxF``, ``meanF``, ``adpF``, ``F@0.5``,
    ``IoU@0.5``, ``maxF_meanPR`` (see :func:`reduce_statistics`); they equal pysodmetrics 1.6.x
    with ``normalize=False`` on the valid pixels. An image without a valid pixel is skipped and
    counted in the log.

    Args:
        beta2 (float): β² of the F-measure. Defaults to 0.3.
        positive (str): The positive class, ``'blur'`` (default) or ``'focus'``. ``'focus'``
            scores ``1 - p`` (in the map's dtype) against ``1 - g`` on valid pixels, so its
            levels are ``floor(255·(1 - p))``, not ``255 - floor(255·p)``: the same numbers as
            pysodmetrics given ``1 - p`` and the in-focus mask.
        output_dir (str, optional): Where to save the mean curves and metrics
            (``defocus_curves.json``), the PR and F-measure plot (``defocus_curves.png``) and
            each image's scores (``defocus_per_image.csv``, :func:`per_image_rows`).
            ``tools/test.py`` sets it to the run's log folder.
        prediction_dir (str, optional): Where to save each image's blur probability map as an
            8-bit PNG ``<image stem>.png`` holding :func:`blur_map_to_uint8` of it,
            ``floor(255·p)``, the level the curves use (``tools/test.py --out``).
        overwrite (bool): Replace files in ``output_dir``/``prediction_dir`` that this metric did
            not write itself. Defaults to False: an existing file is an error.
        collect_device (str): Device for collecting results across ranks. Defaults to 'cpu'.
        prefix (str, optional): Prefix of the metric names. Defaults to none: plain names, as
            ``save_best='maxF'`` expects.
    """
    # '' rather than None: the same plain names, without BaseMetric's "prefix is not set" warning.
    default_prefix = ''

    def __init__(self,
                 beta2: float = 0.3,
                 positive: str = 'blur',
                 output_dir: Optional[str] = None,
                 prediction_dir: Optional[str] = None,
                 overwrite: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None,
                 **kwargs) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix, **kwargs)
        if positive not in ('blur', 'focus'):
            raise ValueError(f"DefocusMetric: positive must be 'blur' or 'focus', got {positive!r}")
        if not beta2 > 0:
            raise ValueError(f'DefocusMetric: beta2 must be positive, got {beta2!r}')
        self.beta2 = float(beta2)
        self.positive = positive
        self.output_dir = output_dir
        self.prediction_dir = prediction_dir
        self.overwrite = overwrite
        # Files this metric wrote (path -> image), so that re-evaluating replaces them, while a
        # user's file, or two images with the same stem, is an error.
        self._written: Dict[str, str] = {}

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep the statistics of each image of a batch.

        Args:
            data_batch (dict): The batch from the dataloader (unused).
            data_samples (Sequence[dict]): The model's outputs, as dicts (``Evaluator`` converts
                ``SegDataSample`` with ``to_dict()``); ``SegDataSample`` is accepted too.
        """
        for sample in data_samples:
            if isinstance(sample, BaseDataElement):
                sample = sample.to_dict()
            img_path = sample.get('img_path', '<image without img_path>')
            prob = self._blur_probability(sample, img_path)
            if 'gt_sem_seg' not in sample:
                raise KeyError(f'{img_path}: no gt_sem_seg; DefocusMetric needs the ground truth '
                               '(LoadAnnotations in the test pipeline)')
            gt = sample['gt_sem_seg']['data'].detach().cpu().numpy()[0]
            if prob.shape != gt.shape:
                raise ValueError(
                    f'{img_path}: prediction of size {prob.shape} and ground truth of size '
                    f'{gt.shape} differ; DefocusMetric does not resize: predict at the original '
                    'image size (EncoderDecoder.postprocess_result does)')
            try:
                stats = image_statistics(prob, gt, self.positive)
            except ValueError as error:
                raise ValueError(f'{img_path}: {error}') from error
            if self.prediction_dir is not None:
                self._save_prediction(prob, img_path)
            self.results.append(dict(img_path=img_path, stats=stats))

    @staticmethod
    def _blur_probability(sample: dict, img_path: str) -> np.ndarray:
        """:func:`blur_probability` of the sample's ``seg_logits``; errors name the image."""
        if 'seg_logits' not in sample:
            raise KeyError(f'{img_path}: no seg_logits in the model output; DefocusMetric needs '
                           'the probability map that EncoderDecoder.predict stores there')
        try:
            return blur_probability(sample['seg_logits']['data'])
        except ValueError as error:
            raise ValueError(f'{img_path}: {error}') from error

    def _check_writable(self, path: str, img_path: str) -> None:
        """Refuse to replace a file this metric did not write, or to write one twice per pass."""
        previous = self._written.get(path)
        if previous is not None and previous != img_path:
            raise FileExistsError(f'{img_path} and {previous} would both be saved as {path}: '
                                  'images need distinct file stems')
        if previous is None and osp.exists(path) and not self.overwrite:
            raise FileExistsError(f'{path} exists; choose a new folder or set overwrite=True '
                                  '(e.g. --cfg-options test_evaluator.overwrite=True)')
        self._written[path] = img_path

    def _save_prediction(self, prob: np.ndarray, img_path: str) -> None:
        os.makedirs(self.prediction_dir, exist_ok=True)
        stem = osp.splitext(osp.basename(img_path))[0]
        path = osp.join(self.prediction_dir, f'{stem}.png')
        self._check_writable(path, img_path)
        if not cv2.imwrite(path, blur_map_to_uint8(prob)):
            raise OSError(f'could not write the prediction of {img_path} to {path}')

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Reduce the collected statistics; log the protocol and save the curves if asked.

        Args:
            results (list[dict]): What :meth:`process` kept, from every rank.

        Returns:
            dict[str, float]: ``MAE``, ``maxF``, ``meanF``, ``adpF``, ``F@0.5``, ``IoU@0.5``,
            ``maxF_meanPR``.

        Raises:
            ValueError: If no image has a valid (not ignored) pixel, naming the images.
        """
        scored = [r for r in results if r['stats'] is not None]
        stats = [r['stats'] for r in scored]
        skipped = [r['img_path'] for r in results if r['stats'] is None]
        protocol = (f"positive class '{self.positive}', beta2={self.beta2:g}, "
                    f'{len(stats)} images, {len(skipped)} skipped (no valid pixel)')
        if skipped:
            print_log(f'DefocusMetric skipped {len(skipped)} images without a valid pixel: '
                      + ', '.join(skipped[:10]) + (' ...' if len(skipped) > 10 else ''),
                      logger='current')
        if not stats:
            # Scores of nothing would read as a perfect MAE of 0.
            raise ValueError(
                f'DefocusMetric: none of the {len(skipped)} images has a valid pixel: every '
                'label is 255 (ignored), so there is nothing to evaluate. Check the masks and '
                "the dataset's mask_polarity: " + ', '.join(skipped[:5])
                + (' ...' if len(skipped) > 5 else ''))
        metrics, curves = reduce_statistics(stats, self.beta2)
        print_log(f'DefocusMetric ({protocol}): '
                  + ', '.join(f'{k}: {v:.4f}' for k, v in metrics.items()), logger='current')
        if self.output_dir is not None:
            self._save_curves(metrics, curves, len(stats), len(skipped))
            self._save_per_image([r['img_path'] for r in scored], stats)
        return metrics

    def _save_curves(self, metrics: dict, curves: dict, num_images: int,
                     num_skipped: int) -> None:
        os.makedirs(self.output_dir, exist_ok=True)
        json_path = osp.join(self.output_dir, CURVES_JSON)
        png_path = osp.join(self.output_dir, CURVES_PNG)
        for path in (json_path, png_path):
            self._check_writable(path, '<curves>')
        result = dict(positive=self.positive, beta2=self.beta2, num_images=num_images,
                      num_skipped=num_skipped, metrics=metrics, **curves)
        save_curves(result, json_path)
        plot_curves([result], png_path)
        print_log(f'DefocusMetric: curves saved to {json_path} and {png_path}', logger='current')

    def _save_per_image(self, names: List[str], stats: List[dict]) -> None:
        path = osp.join(self.output_dir, PER_IMAGE_CSV)
        self._check_writable(path, '<per-image scores>')
        rows = per_image_rows(names, stats, self.beta2)
        with open(path, 'w', newline='') as file:
            writer = csv.DictWriter(file, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        print_log(f'DefocusMetric: per-image scores saved to {path} '
                  '(tools/analyze_errors.py groups them)', logger='current')


__all__ = [
    'CURVES_JSON', 'CURVES_PNG', 'PER_IMAGE_CSV', 'DefocusMetric', 'blur_map_to_uint8',
    'blur_probability', 'per_image_rows', 'per_image_scores'
]
