# R²MRF, ResNeXt-101 32x4d, at the widths of the authors' lineage (AMDF 256, RRM 64, every
# branch at the AMDF's stride-4 resolution; configs/_base_/models/r2mrf_resnext101_wide.py),
# trained and tested as r2mrf_resnext101_shi.py: Shi's 604 training images, 6k iterations,
# the last checkpoint tested on Shi's 100 test images.
_base_ = [
    '../_base_/models/r2mrf_resnext101_wide.py', '../_base_/datasets/shi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
