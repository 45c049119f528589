# Table 3, R²MRF_O4: at test time, output the last step of branch 4 instead of the fusion.
# A test-time switch: test a checkpoint trained with r2mrf_resnext101_shi.py, e.g.
#   python tools/test.py configs/r2mrf/ablations/r2mrf_resnext101_o4_shi.py CHECKPOINT
_base_ = ['../r2mrf_resnext101_shi.py']
model = dict(decode_head=dict(test_output=4))
