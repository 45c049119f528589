# R²MRF, DenseNet-161 backbone, trained and tested on Shi et al.'s CUHK defocus set
# (6k iterations, batch 4, 320x320 crops).
_base_ = [
    '../_base_/models/r2mrf_densenet161.py', '../_base_/datasets/shi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
