# The recipe of release r2mrf_effnetlite0_synthetic-v2 (mmseg_r2mrf/pretrained/): the main job's
# R²MRF on ImageNet-pretrained EfficientNet-Lite0, trained 4000 iterations on a synthetic set
# with four times the main job's training crops (the val and test crops are the same: a crop
# depends only on the seed, its split and its index):
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_2400 --num-train 2400
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic2400-release.py --amp
# --amp trains in bfloat16 autocast on CPUs with AVX512-BF16/AMX (about 1.05 s/iteration on 2
# cores: about 75 minutes). The release is the last checkpoint; the val split is evaluated every
# 500 iterations to watch the run, and no checkpoint is chosen on the test split.
_base_ = './r2mrf_effnetlite0_synthetic.py'
data_root = 'data/synthetic_defocus_2400'
max_iters = 4000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=100, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=100, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=500)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
test_dataloader = dict(dataset=dict(data_root=data_root))
# A checkpoint every 250 iterations (about 4.5 minutes): an interrupted run loses little.
default_hooks = dict(checkpoint=dict(interval=250))
randomness = dict(seed=0)
