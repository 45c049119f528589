# R²MRF with VGG-16 (the paper's R²MRF_VGG ablation): mmpretrain's VGG, whose five stage
# outputs (after each max-pool: 64/128/256/512/512 channels at strides 2-32) are the five
# levels; AMDF at level 1's resolution as Eq. 1 says (stride 2), then R2MRFHead.
#
# ImageNet weights from a local file (never downloaded): convert torchvision's vgg16 with
#   python tools/convert_weights.py vgg16-397923af.pth pretrain/vgg16.pth
# or use an mmpretrain VGG-16 checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH model.backbone.init_cfg.prefix=backbone.
# A missing file stops training with FileNotFoundError naming it.
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
        type='mmpretrain.VGG',
        depth=16,
        num_classes=-1,
        out_indices=(0, 1, 2, 3, 4),
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/vgg16.pth')),
    neck=dict(
        type='AMDF',
        in_channels=[64, 128, 256, 512, 512],
        level_channels=32,
        out_channels=32,
        out_level=0,
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
