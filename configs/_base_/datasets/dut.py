# DUT-DBD: 600 training / 500 test images. Lay the release out as data/dut/DUT600S_Training,
# DUT600GT_Training, DUT500S-Testing, DUT500GT-Testing (either '_' or '-' is found); its .bmp
# masks say 255 = in focus and DUTDefocusDataset converts them (1 blurred, 0 in focus).
# Shi's pipelines, loaders and evaluator, with DUT's dataset class and folder.
_base_ = './shi.py'
dataset_type = 'DUTDefocusDataset'
data_root = 'data/dut'
# DUT images are smaller than Shi's (a few hundred pixels a side), hence the smaller resize scale.
train_pipeline = [
    dict(step, scale=(480, 480)) if step['type'] == 'RandomResize' else step
    for step in _base_.train_pipeline
]
train_long_side = 480
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
# No validation, as for Shi (no list holds DUT training images out): DUT-trained configs report
# their last checkpoint.
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
