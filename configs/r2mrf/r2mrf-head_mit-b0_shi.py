# Reuse: R2MRFHead on another mmseg backbone, SegFormer's MiT-B0 (four levels, 32/64/160/256
# channels at strides 4-32), with the AMDF neck. Any backbone that returns a tuple of levels
# works the same way: list their channels in the neck's `in_channels`, and give the head one
# `in_channels` entry per level plus one for the AMDF. Pretrained MiT-B0 weights converted by
# mmseg's tools/model_converters/mit2mmseg.py go to pretrain/mit_b0.pth (or set
# model.backbone.init_cfg.checkpoint); a missing file stops training with FileNotFoundError.
_base_ = [
    '../_base_/datasets/shi.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_6k.py'
]
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
        type='MixVisionTransformer',
        in_channels=3,
        embed_dims=32,
        num_stages=4,
        num_layers=[2, 2, 2, 2],
        num_heads=[1, 2, 5, 8],
        patch_sizes=[7, 3, 3, 3],
        sr_ratios=[8, 4, 2, 1],
        out_indices=(0, 1, 2, 3),
        mlp_ratio=4,
        qkv_bias=True,
        drop_rate=0.0,
        attn_drop_rate=0.0,
        drop_path_rate=0.1,
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/mit_b0.pth')),
    neck=dict(type='AMDF', in_channels=[32, 64, 160, 256], norm_cfg=norm_cfg),
    decode_head=dict(
        type='R2MRFHead',
        in_channels=[32, 32, 32, 32, 32],  # four levels, then the AMDF
        num_steps=6,
        num_classes=2,
        out_channels=1,
        threshold=0.5,
        norm_cfg=norm_cfg,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
