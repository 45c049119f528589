# What every R²MRF model shares, whatever its backbone: ImageNet normalisation, the AMDF neck
# (Eq. 1) and R2MRFHead (six recurrent steps per level, Eqs. 2-7), one sigmoid output with
# 1 = blurred. A backbone base adds `model.backbone` and the neck's `in_channels` (one entry per
# level); with N levels the head takes N + 1 inputs (the levels, then the AMDF).
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
    # mmseg's EncoderDecoder, plus an optional test-time refinement of the map along the
    # image's edges: refine_cfg=dict(type='GuidedFilterRefiner', radius=8, eps=1e-3).
    type='DefocusEncoderDecoder',
    refine_cfg=None,
    data_preprocessor=data_preprocessor,
    neck=dict(
        type='AMDF',
        level_channels=32,
        out_channels=32,
        out_level=0,  # Eq. 1: the finest level's resolution
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='R2MRFHead',
        in_channels=[32, 32, 32, 32, 32, 32],  # five levels, then the AMDF
        channels=16,  # RRM path width: 3.9 GMACs for neck + head on ResNeXt-101 (32: 10.7)
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
