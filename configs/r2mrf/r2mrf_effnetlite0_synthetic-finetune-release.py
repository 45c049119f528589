# The recipe of the release after r2mrf_effnetlite0_synthetic-v2: v2's weights trained on for
# 2000 more iterations on a fresh render of the training photographs (seed 1: other scenes,
# blur radii, apertures and crops of the same 6 photographs), at a lower learning rate:
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_s1 --seed 1 --num-train 2400
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-finetune-release.py --amp
# The last checkpoint is released. It is tested on the seed-0 test split (the default set's,
# python tools/make_synthetic_defocus.py data/synthetic_defocus), where v1 and v2 were measured:
#   python tools/test.py <this config> <checkpoint> \
#       --cfg-options test_dataloader.dataset.data_root=data/synthetic_defocus
# v2 no longer ships with the package; restore it from the git history first:
#   git checkout c45199b -- mmseg_r2mrf/pretrained/r2mrf_effnetlite0_synthetic-v2.*
_base_ = './r2mrf_effnetlite0_synthetic2400-release.py'
data_root = 'data/synthetic_defocus_s1'
max_iters = 2000
load_from = 'mmseg_r2mrf/pretrained/r2mrf_effnetlite0_synthetic-v2.pth'
optim_wrapper = dict(optimizer=dict(lr=3e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=500)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root='data/synthetic_defocus'))
default_hooks = dict(checkpoint=dict(interval=250))
randomness = dict(seed=1)
