# Table 3, R²MRF_Step_4: 4 recurrent step(s) per branch (the default is 6).
_base_ = ['../r2mrf_resnext101_shi.py']
model = dict(decode_head=dict(num_steps=4))
