# R²MRF with VGG-16 (the paper's R²MRF_VGG ablation): mmpretrain's VGG, whose five stage
# outputs (after each max-pool: 64/128/256/512/512 channels at strides 2-32) are the five
# levels; AMDF at level 1's resolution as Eq. 1 says (stride 2), then R2MRFHead.
#
# ImageNet weights from a local file (never downloaded): convert torchvision's vgg16 with
#   python tools/convert_weights.py vgg16-397923af.pth pretrain/vgg16.pth
# or use an mmpretrain VGG-16 checkpoint with
#   --cfg-options model.backbone.init_cfg.checkpoint=PATH model.backbone.init_cfg.prefix=backbone.
# A missing file stops training with FileNotFoundError naming it.
_base_ = './r2mrf.py'
model = dict(
    backbone=dict(
        type='mmpretrain.VGG',
        depth=16,
        num_classes=-1,
        out_indices=(0, 1, 2, 3, 4),
        init_cfg=dict(type='Pretrained', checkpoint='pretrain/vgg16.pth')),
    neck=dict(in_channels=[64, 128, 256, 512, 512]))
