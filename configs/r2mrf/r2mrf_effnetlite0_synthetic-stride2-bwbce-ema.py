# v5 (the stride-2, boundary-weighted release) trained on for 900 more iterations on its own
# data (data/synthetic_defocus_2400, see the base config) at a tenth of the base learning rate,
# with an exponential moving average of the weights (mmengine's EMAHook): the average starts
# at v5's weights and keeps (1 - momentum)^iterations of them, 0.9985^900 = 26 %, so it is a
# blend of v5 and the weights the continued run visits. Validation and the saved checkpoints
# hold the averaged weights (the hook swaps them in), the raw ones are kept as
# `ema_state_dict`.
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-ema.py --amp
# 58 minutes on 2 cores without AVX512-BF16 (--amp then trains in float32; about two thirds of
# that with bfloat16). Checkpoints are chosen on the val split and the chosen one is tested on
# the seed-0 test split: python tools/test.py <this config> <checkpoint>. Result (2026-12-07):
# iteration 900 MAE 0.0568 / maxF 0.9451 / meanF 0.9287 against v5's 0.0587 / 0.9454 / 0.9272,
# so not released (README, "Tries after v5").
_base_ = './r2mrf_effnetlite0_synthetic-stride2-bwbce.py'
max_iters = 900
load_from = 'mmseg_r2mrf/pretrained/r2mrf_effnetlite0_synthetic-v5.pth'
optim_wrapper = dict(optimizer=dict(lr=1e-4))
# No `end` for the decay: mmengine ends it at train_cfg.max_iters, so configs that inherit this
# one and change max_iters keep a schedule that decays to 0 at their last iteration.
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, begin=0, end=50, by_epoch=False),
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=50, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=300)
default_hooks = dict(checkpoint=dict(interval=150))
custom_hooks = _base_.custom_hooks + [
    dict(type='EMAHook', ema_type='ExponentialMovingAverage', momentum=0.0015,
         update_buffers=True, priority='ABOVE_NORMAL'),
]
randomness = dict(seed=1)
