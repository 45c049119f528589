# v5's recipe (r2mrf_effnetlite0_synthetic-stride2-bwbce.py) with `rocket`, the one packaged
# photograph besides `camera` with a sky, among the training photographs and `brick` alone for
# validation. Why: v5's remaining test-split errors are sky crops of `china` labelled sharp (a
# sky takes the label of the farthest background and carries no blur cue of its own), and
# fine-tuning v4 or v5 on renders with rocket did not teach it (README, "Tries after v5").
# The test split stays the seed-0 render's (data/synthetic_defocus_2400: gravel, coffee,
# china), so the result compares with v5's:
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_2400sky --num-train 2400 \
#     --train-photos astronaut camera grass immunohistochemistry motorcycle grace_hopper rocket \
#     --val-photos brick --test-photos coffee china gravel
#   python tools/train.py configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-sky.py --amp
# 4000 iterations: about 2.5 h on 2 cores with bfloat16, 3.2 h without (float32, 2.8 s per
# iteration on a 2-core Intel Xeon, nothing else running); interrupt and continue with --resume.
# Result (2026-12-07, float32, 3.1 s/iteration; test split MAE / maxF / meanF): iteration 4000
# 0.0616 / 0.9491 / 0.9256 against v5's 0.0587 / 0.9454 / 0.9272: better maxF, worse MAE
# (above the 0.06 target), meanF and IoU@0.5. Not released (README, "Tries after v5").
_base_ = './r2mrf_effnetlite0_synthetic-stride2-bwbce.py'
sky_data_root = 'data/synthetic_defocus_2400sky'
train_dataloader = dict(dataset=dict(data_root=sky_data_root))
val_dataloader = dict(dataset=dict(data_root=sky_data_root))
