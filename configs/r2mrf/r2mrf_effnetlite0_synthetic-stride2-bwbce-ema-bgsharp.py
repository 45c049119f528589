# The EMA continuation of v5 (r2mrf_effnetlite0_synthetic-stride2-bwbce-ema.py) on a render whose
# training split draws `background_sharp` scenes (a blurred foreground before a sharp far
# background) for a quarter of its crops, not about 12 %. Why: the 8 `background_sharp` test
# crops hold 1.55 of the 3.5 points of F that v5 misses (its two worst are `china` crops whose
# sky takes the far background's label, sharp, with no blur cue of its own); a model learns that
# rule only from scenes that show it.
# The test split is still the seed-0 render's (data/synthetic_defocus_2400), so the result
# compares with v5's. Data (val and test crops follow the default mixture):
#   python tools/make_synthetic_defocus.py data/synthetic_defocus_bgsharp --seed 4 \
#     --num-train 1600 --train-scene-weights background_sharp=0.3
# (weights are normalised: 0.3 beside the other defaults is 0.254; the 2026-12-07 render drew
# 424 of its 1600 training crops as background_sharp)
#   python tools/train.py \
#     configs/r2mrf/r2mrf_effnetlite0_synthetic-stride2-bwbce-ema-bgsharp.py --amp
# Rendering took 5 minutes on the idle machine; 900 iterations take about an hour in float32.
# Result (2026-12-07, stopped after iteration 340 for the sky run's EMA continuation): iteration
# 300 MAE 0.0596 / maxF 0.9440 / meanF 0.9268 on the test split (v5 0.0587 / 0.9454 / 0.9272);
# background_sharp crops mean F 0.820 (v5 0.806), china's subject_sharp crops lower. Not released.
_base_ = './r2mrf_effnetlite0_synthetic-stride2-bwbce-ema.py'
bgsharp_data_root = 'data/synthetic_defocus_bgsharp'
train_dataloader = dict(dataset=dict(data_root=bgsharp_data_root))
val_dataloader = dict(dataset=dict(data_root=bgsharp_data_root))
