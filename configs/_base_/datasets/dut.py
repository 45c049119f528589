# DUT-DBD: 600 training / 500 test images. Lay the release out as data/dut/DUT600S_Training,
# DUT600GT_Training, DUT500S-Testing, DUT500GT-Testing (either '_' or '-' is found); its .bmp
# masks say 255 = in focus and DUTDefocusDataset converts them (1 blurred, 0 in focus).
dataset_type = 'DUTDefocusDataset'
data_root = 'data/dut'
crop_size = (320, 320)
# The paper's augmentation (random rotation, resizing, horizontal flip), crop 320. DUT images
# are smaller than Shi's (a few hundred pixels a side), hence the smaller resize scale.
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(type='LoadDefocusAnnotations'),
    dict(type='RandomResize', scale=(480, 480), ratio_range=(0.75, 1.25), keep_ratio=True),
    dict(type='RandomRotate', prob=0.5, degree=10, pad_val=0, seg_pad_val=255),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(type='LoadDefocusAnnotations'),
    dict(type='PackSegInputs'),
]
img_ratios = [0.75, 1.0, 1.25]
tta_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(
        type='TestTimeAug',
        transforms=[
            [dict(type='Resize', scale_factor=r, keep_ratio=True) for r in img_ratios],
            [dict(type='RandomFlip', prob=0., direction='horizontal'),
             dict(type='RandomFlip', prob=1., direction='horizontal')],
            [dict(type='LoadDefocusAnnotations')],
            [dict(type='PackSegInputs')],
        ])
]
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(type=dataset_type, data_root=data_root, split='train', pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='DefocusMetric')
test_evaluator = val_evaluator
