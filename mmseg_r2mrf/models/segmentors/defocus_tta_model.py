"""Test-time augmentation that merges probabilities correctly for one-channel heads."""
from typing import List

import torch
from mmengine.structures import PixelData

from mmseg.models.segmentors import SegTTAModel
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import SampleList


@MODELS.register_module()
class DefocusTTAModel(SegTTAModel):
    """mmseg's ``SegTTAModel`` with a merge that is right for one-channel (sigmoid) heads.

    mmseg 1.2.2's ``SegTTAModel.merge_preds`` applies ``sigmoid`` to ``seg_logits`` that
    ``EncoderDecoder.postprocess_result`` already turned into probabilities (so every pixel
    ends above 0.5), and leaves ``seg_logits`` holding the last augmentation's map instead of the
    merged one. Here, per image:

    * one channel: ``seg_logits`` are probabilities already; they are averaged as they are;
    * several channels: ``seg_logits`` are logits; their softmax is averaged and stored back as
      its log, so ``seg_logits`` stay logits whose softmax is the merged probability.

    The merged map goes to ``seg_logits`` (what :class:`DefocusMetric` reads) and
    ``pred_sem_seg`` is ``p > decode_head.threshold`` (one channel) or the argmax.

    Args:
        module (dict | nn.Module): The segmentor (``tools/test.py --tta`` sets it from
            ``model``).
    """

    def merge_preds(self, data_samples_list: List[SampleList]) -> SampleList:
        """Merge the predictions of the augmented copies of each image.

        Args:
            data_samples_list (list[list[SegDataSample]]): For each image, the predictions of
                its augmented copies (already flipped back and resized to the original size).

        Returns:
            list[SegDataSample]: One merged prediction per image, with the metainfo and
            ``gt_sem_seg`` of its first copy.
        """
        predictions = []
        for data_samples in data_samples_list:
            first = data_samples[0]
            channels = first.seg_logits.data.shape[0]
            if channels == 1:
                prob = torch.stack([s.seg_logits.data for s in data_samples]).mean(0)
                seg_logits = prob
                seg_pred = (prob > self.module.decode_head.threshold).to(prob)
            else:
                prob = torch.stack([s.seg_logits.data.softmax(dim=0)
                                    for s in data_samples]).mean(0)
                seg_logits = prob.log()  # softmax(log p) = p, since p sums to 1
                seg_pred = prob.argmax(dim=0, keepdim=True)
            merged = SegDataSample(metainfo=first.metainfo)
            merged.seg_logits = PixelData(data=seg_logits)
            merged.pred_sem_seg = PixelData(data=seg_pred)
            if 'gt_sem_seg' in first:
                merged.gt_sem_seg = first.gt_sem_seg
            predictions.append(merged)
        return predictions
