# The released model's recipe (mmseg_r2mrf/pretrained/): the main job's R²MRF on
# ImageNet-pretrained EfficientNet-Lite0, trained longer on the synthetic defocus set, the best
# checkpoint chosen on its validation split. About 70 minutes on 2 otherwise idle CPU cores.
_base_ = './r2mrf_effnetlite0_synthetic.py'
max_iters = 1000
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=250)
# A checkpoint every 100 iterations (about 7 minutes): an interrupted run loses little.
default_hooks = dict(checkpoint=dict(interval=100))
randomness = dict(seed=0)
