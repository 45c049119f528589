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
# torchvision's resnext101_32x8d: groups=32, base_width=8, and tools/convert_weights.py.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='ResNeXtWithStem',
        depth=101,
        groups=32,
        base_width=4,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        stem_output='after_pool',  # 'before_pool': the paper's conv1, stride 2
        style='pytorch',
        norm_cfg=norm_cfg,
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/resnext101_32x4d.pth')),
    neck=dict(
        type='AMDF',
        in_channels=[64, 256, 512, 1024, 2048],
        level_channels=32,
        out_channels=32,
        out_level=0,
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='R2MRFHead',
        in_channels=[32, 32, 32, 32, 32, 32],  # five levels, then the AMDF
        channels=16,  # RRM path width: 3.9 GMACs for neck + head (32: 10.7, see R2MRFHead)
        num_steps=6,
        kernel_sizes=(3, 5),
        branch_resolution='level',
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        norm_cfg=norm_cfg,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
