# v5's weights (stride 2 + boundary-weighted cross-entropy) trained on for 1200 iterations at a
# tenth of the base learning rate on a render of the training photographs that v5 has not seen
# (seed 2), rendered by the generator before the sky rule (its code as of commit 94f74ac, which
# gives other scenes than today's with the same command). Fine-tunes of v2 and v3 on such renders
# gained maxF on the test split; fine-tunes on renders by today's generator lost it.
#   git worktree add /tmp/oldgen 94f74ac
#   (cd /tmp/oldgen && PYTHONPATH=. python tools/make_synthetic_defocus.py \
#       <repo>/data/synthetic_defocus_old_s2 --seed 2 --num-train 1600)
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-finetune.py --amp
# About 45 minutes on 2 cores. The val split of that render is only watched; like v5 the last
# checkpoint is tested on the seed-0 test split of data/synthetic_defocus_2400:
#   python tools/test.py <this config> <checkpoint>
_base_ = './r2mrf_effnetlite0_synthetic-stride2-bwbce.py'
data_root = 'data/synthetic_defocus_old_s2'
max_iters = 1200
load_from = 'mmseg_r2mrf/pretrained/r2mrf_effnetlite0_synthetic-v5.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=50, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=400)
train_dataloader = dict(dataset=dict(data_root=data_root))
val_dataloader = dict(dataset=dict(data_root=data_root))
default_hooks = dict(checkpoint=dict(interval=200))
randomness = dict(seed=2)
