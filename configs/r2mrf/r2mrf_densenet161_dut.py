# R²MRF, DenseNet-161 backbone, trained and tested on DUT-DBD
# (6k iterations, batch 4, 320x320 crops).
_base_ = [
    '../_base_/models/r2mrf_densenet161.py', '../_base_/datasets/dut.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
