# Table 3, R²MRF_no_RRM: no residual learning. Every step predicts the side output directly,
# O_t = F(...), instead of O_t = O_{t-1} + F(...) (Eq. 4); same dual-path mapping F.
_base_ = ['../r2mrf_resnext101_shi.py']
model = dict(decode_head=dict(residual=False))
