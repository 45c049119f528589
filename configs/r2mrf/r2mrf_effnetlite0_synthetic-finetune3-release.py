# The recipe of release r2mrf_effnetlite0_synthetic-v5: v4's weights trained on for 1600 more
# iterations on a render by the generator that keeps the sky farthest and draws plain
# backdrops along the top of the frame (seed 4: other scenes, blur radii, apertures and crops
# of the same 6 photographs):
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_s4 --seed 4 --num-train 1600
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-finetune3-release.py --amp
# The last checkpoint is released; it is tested on the seed-0 test split of the same generator
# (python tools/make_synthetic_defocus.py data/synthetic_defocus):
#   python tools/test.py <this config> <checkpoint>
_base_ = './r2mrf_effnetlite0_synthetic-finetune2-release.py'
data_root = 'data/synthetic_defocus_s4'
max_iters = 1600
load_from = 'mmseg_r2mrf/pretrained/r2mrf_effnetlite0_synthetic-v4.pth'
optim_wrapper = dict(optimizer=dict(lr=2e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=400)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
default_hooks = dict(checkpoint=dict(interval=400))
randomness = dict(seed=4)
