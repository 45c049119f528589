# R²MRF with DenseNet-161 (the paper's R²MRF_DenseNet ablation): mmpretrain's DenseNet with its
# stem as the fifth level (DenseNetWithStem): 96/192/384/1056/2208 channels at strides
# 4/8/16/32/32; AMDF at the stem's resolution, then R2MRFHead.
#
# ImageNet weights from a local file (never downloaded): convert torchvision's densenet161
# with
#   python tools/convert_weights.py densenet161-8d451a50.pth pretrain/densenet161.pth
# or use an mmpretrain DenseNet-161 checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH model.backbone.init_cfg.prefix=backbone.
# A missing file stops training with FileNotFoundError naming it.
_base_ = './r2mrf.py'
model = dict(
    backbone=dict(
        type='DenseNetWithStem',
        arch='161',
        out_indices=(0, 1, 2, 3),
        stem_output='after_pool',
        norm_cfg=dict(type='BN', requires_grad=True),
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/densenet161.pth')),
    neck=dict(in_channels=[96, 192, 384, 1056, 2208]))
