# R²MRF on ResNeXt-101 32x4d at the widths of the authors' lineage (R³Net, BR²Net: integrated
# features of 256 channels, refinement blocks of 128 channels, every block at the resolution of
# the stride-4 features). The paper gives no widths; the defaults of r2mrf.py (AMDF 32, RRM 16,
# each branch at its level's resolution) were chosen for cost. Here: each level projected to 64
# channels, the AMDF map 256, RRM paths 64, every branch at the AMDF's resolution (stride 4).
# RRM paths of 128 (the lineage's refinement width) are a --cfg-options away:
#   --cfg-options model.decode_head.channels=128
# Cost at 320x320 beside the defaults: README, "Reproducing the paper".
_base_ = './r2mrf_resnext101.py'
level_channels = 64
amdf_channels = 256
model = dict(
    neck=dict(level_channels=level_channels, out_channels=amdf_channels),
    decode_head=dict(
        in_channels=[level_channels] * 5 + [amdf_channels],  # five levels, then the AMDF
        channels=64,
        branch_resolution='amdf'))
