custom_imports = dict(
    allow_failed_imports=False, imports=[
        'mmseg_r2mrf',
    ])
default_scope = 'mmseg'
model = dict(
    backbone=dict(
        arch='lite0',
        out_indices=(
            1,
            2,
            3,
            5,
            8,
        ),
        pretrained='imagenet',
        type='EfficientNetLite'),
    data_preprocessor=dict(
        bgr_to_rgb=True,
        mean=[
            127.0,
            127.0,
            127.0,
        ],
        pad_val=0,
        seg_pad_val=255,
        size_divisor=32,
        std=[
            128.0,
            128.0,
            128.0,
        ],
        type='SegDataPreProcessor'),
    decode_head=dict(
        align_corners=False,
        branch_resolution='level',
        channels=16,
        in_channels=[
            32,
            32,
            32,
            32,
            32,
            32,
        ],
        kernel_sizes=(
            3,
            5,
        ),
        loss_decode=dict(
            boundary_weight=5.0, radius=15, type='BoundaryWeightedBCELoss'),
        norm_cfg=dict(requires_grad=True, type='BN'),
        num_classes=2,
        num_steps=6,
        out_channels=1,
        threshold=0.5,
        type='R2MRFHead'),
    neck=dict(
        in_channels=[
            16,
            24,
            40,
            112,
            1280,
        ],
        level_channels=32,
        norm_cfg=dict(requires_grad=True, type='BN'),
        out_channels=32,
        out_level=0,
        type='AMDF'),
    pretrained=None,
    refine_cfg=None,
    test_cfg=dict(mode='whole'),
    train_cfg=dict(),
    type='DefocusEncoderDecoder')
test_pipeline = [
    dict(color_type='color_ignore_orientation', type='LoadImageFromFile'),
    dict(type='LoadDefocusAnnotations'),
    dict(type='PackSegInputs'),
]
