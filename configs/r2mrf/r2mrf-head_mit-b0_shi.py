# Reuse: R2MRFHead on another mmseg backbone, SegFormer's MiT-B0 (four levels, 32/64/160/256
# channels at strides 4-32), with the AMDF neck. Any backbone that returns a tuple of levels
# works the same way: list their channels in the neck's `in_channels`, and give the head one
# `in_channels` entry per level plus one for the AMDF. Pretrained MiT-B0 weights converted by
# mmseg's tools/model_converters/mit2mmseg.py go to pretrain/mit_b0.pth (or set
# model.backbone.init_cfg.checkpoint); a missing file stops training with FileNotFoundError.
_base_ = [
    '../_base_/models/r2mrf.py', '../_base_/datasets/shi.py', '../_base_/default_runtime.py',
    '../_base_/schedules/schedule_6k.py'
]
model = dict(
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
    neck=dict(in_channels=[32, 64, 160, 256]),
    decode_head=dict(in_channels=[32, 32, 32, 32, 32]))  # four levels, then the AMDF
