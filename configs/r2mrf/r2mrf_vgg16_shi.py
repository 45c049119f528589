# R²MRF, VGG-16 backbone, the paper's protocol: trained on Shi et al.'s 604
# training images (6k iterations, batch 4, 320x320 crops), the last checkpoint
# (iter_6000.pth) tested on Shi's 100 test images. The same model on DUT-DBD's 500 test
# images: r2mrf_vgg16_shi-to-dut.py.
_base_ = [
    '../_base_/models/r2mrf_vgg16.py', '../_base_/datasets/shi.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
