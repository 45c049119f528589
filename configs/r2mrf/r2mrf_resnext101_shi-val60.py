# R²MRF, ResNeXt-101 32x4d, on Shi et al.'s CUHK set with honest model selection: trained on 544
# of the 604 training images, the best checkpoint by maxF chosen on the other 60 (every 1000
# iterations), tested on the 100 test images. Not the paper's protocol (r2mrf_resnext101_shi.py
# trains on all 604 and reports the last checkpoint); use it to see whether selection helps.
#   python tools/test.py configs/r2mrf/r2mrf_resnext101_shi-val60.py \
#       work_dirs/r2mrf_resnext101_shi-val60/best_maxF_iter_*.pth
_base_ = [
    '../_base_/models/r2mrf_resnext101.py', '../_base_/datasets/shi_val60.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_6k.py'
]
default_hooks = dict(checkpoint=dict(save_best='maxF', rule='greater'))
