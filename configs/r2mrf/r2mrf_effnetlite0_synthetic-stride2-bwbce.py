# The recipe of release r2mrf_effnetlite0_synthetic-v5 (mmseg_r2mrf/pretrained/): the main job
# (T = 6) from ImageNet-pretrained EfficientNet-Lite0 with the two choices that each beat the
# plain demo job at the demo's budget (README, "Sharper maps"): the fused map at stride 2 and
# the boundary-weighted cross-entropy. v2's data and schedule (2400 training crops, 4000
# iterations), rendered by today's generator:
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_2400 --num-train 2400
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce.py --amp
# About 2.5 h on 2 cores (v5: 2 h 28 min, 2.2 s per iteration): interrupt and continue
# with --resume. The last checkpoint is the release, tested on the seed-0 test split
# (python tools/test.py <this config> <checkpoint>); the val split is only watched.
_base_ = './r2mrf_effnetlite0_synthetic2400-release.py'
model = dict(
    neck=dict(out_level=0),
    decode_head=dict(
        loss_decode=dict(type='BoundaryWeightedBCELoss', radius=15, boundary_weight=5.0,
                         _delete_=True)))
