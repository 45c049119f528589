# R²MRF, ResNeXt-101 32x4d backbone, the paper's protocol: trained on Shi et al.'s 604
# training images (6k iterations, batch 4, 320x320 crops), the last checkpoint
# (iter_6000.pth) tested on Shi's 100 test images. The same model on DUT-DBD's 500 test
# images: r2mrf_resnext101_shi-to-dut.py.
_base_ = [
    '../_base_/models/r2mrf_resnext101.py', '../_base_/datasets/shi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
