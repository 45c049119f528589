# R²MRF, ResNeXt-101 32x4d at the lineage's widths, under the paper's protocol for its DUT
# column: the model of r2mrf-wide_resnext101_shi.py, trained on Shi's 604 training images,
# tested on DUT-DBD's 500 test images. Training is that of the Shi config (one run serves both):
#   python tools/train.py configs/r2mrf/r2mrf-wide_resnext101_shi.py
#   python tools/test.py configs/r2mrf/r2mrf-wide_resnext101_shi-to-dut.py \
#       work_dirs/r2mrf-wide_resnext101_shi/iter_6000.pth
_base_ = './r2mrf-wide_resnext101_shi.py'
test_dataloader = dict(dataset=dict(type='DUTDefocusDataset', data_root='data/dut'))
