# The demo's job (three recurrent steps per level) with every deep-supervision term a
# cross-entropy weighted up beside the label's region borders (BoundaryWeightedBCELoss,
# F3Net's weighting: up to 1 + 5 / 2 at a border, 31-px window), measured against the plain
# cross-entropy in the README's "Sharper maps" paragraph.
_base_ = './r2mrf-t3_effnetlite0_synthetic.py'
model = dict(
    decode_head=dict(
        loss_decode=dict(type='BoundaryWeightedBCELoss', radius=15, boundary_weight=5.0,
                         _delete_=True)))
