# The main job (r2mrf_effnetlite0_synthetic.py) with three recurrent steps per level instead of
# the paper's six: a choice for training on a CPU, not the paper's model. Neck and head cost
# 2.22 instead of 3.85 GMACs at 320x320; the README's "Training speed on a CPU" gives its
# training step and its accuracy beside the six-step config's, trained the same way.
_base_ = './r2mrf_effnetlite0_synthetic.py'
model = dict(decode_head=dict(num_steps=3))
