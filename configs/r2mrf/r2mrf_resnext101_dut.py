# R²MRF, ResNeXt-101 32x4d backbone, trained on DUT-DBD's 600 training images and tested on
# its 500 test images: the protocol of some later work, not R²MRF's, whose DUT column
# is a Shi-trained model (r2mrf_resnext101_shi-to-dut.py). 6k iterations, batch 4, 320x320
# crops; the last checkpoint is reported (no DUT image is held out for selection).
_base_ = [
    '../_base_/models/r2mrf_resnext101.py', '../_base_/datasets/dut.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
