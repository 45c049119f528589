# R²MRF (Tang et al., AAAI 2020) with its paper backbone, ResNeXt-101 32x4d: five levels (the
# stem after max-pool at stride 4, then the four stages), the AMDF neck (Eq. 1) and R2MRFHead
# (six recurrent steps per level, Eqs. 2-7). One sigmoid output: 1 = blurred.
#
# ImageNet weights are read from a local file, never downloaded: put an open-mmlab
# ResNeXt-101 32x4d checkpoint (mmcv's `open-mmlab://resnext101_32x4d`) at
# `pretrain/resnext101_32x4d.pth`, or point to yours with
#   --cfg-options model.backbone.init_cfg.checkpoint=/path/to/weights.pth
# A missing file stops training with FileNotFoundError naming it (no silent random start);
# `model.backbone.init_cfg=None` trains from scratch on purpose.
# torchvision's ResNet/ResNeXt files load as they are (same key names; the unused fc.* keys are
# only logged): for resnext101_32x8d set groups=32, base_width=8. Pretrained loading merely
# warns about tensors of another shape, so `tools/convert_weights.py FILE OUT` is the check: it
# refuses unknown layouts and prints the backbone config that the file fits.
_base_ = './r2mrf.py'
model = dict(
    backbone=dict(
        type='ResNeXtWithStem',
        depth=101,
        groups=32,
        base_width=4,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        stem_output='after_pool',  # 'before_pool': the paper's conv1, stride 2
        style='pytorch',
        norm_cfg=dict(type='BN', requires_grad=True),
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/resnext101_32x4d.pth')),
    neck=dict(in_channels=[64, 256, 512, 1024, 2048]))
