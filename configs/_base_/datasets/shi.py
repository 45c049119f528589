# Shi et al.'s CUHK defocus set: 604 training / 100 test images (the shipped split list), the
# paper's protocol: train on all 604, test the last checkpoint on the 100.
# Lay the release out as data/shi/image/*.jpg|.JPG and data/shi/gt/*.png (255 = blurred);
# ShiDefocusDataset converts the masks to the project's labels (1 blurred, 0 in focus).
dataset_type = 'ShiDefocusDataset'
data_root = 'data/shi'
crop_size = (320, 320)
# The longer side of the images the model learns blur at (Shi's are about 640 px): inference on
# larger photographs (DefocusDetector, tools/infer.py) shrinks them to it and enlarges the map.
train_long_side = 640
# The paper's augmentation: random rotation, resizing and horizontal flip; crop 320 as BTBNet and
# later work. Images are about 640 px on the long side. ImageNet normalisation is done by the
# model's data_preprocessor. Images are read without EXIF orientation, like their masks.
train_pipeline = [
    dict(type='LoadImageFromFile', color_type='color_ignore_orientation'),
    dict(type='LoadDefocusAnnotations'),
    dict(type='RandomResize', scale=(640, 640), ratio_range=(0.75, 1.25), keep_ratio=True),
    dict(type='RandomRotate', prob=0.5, degree=10, pad_val=0, seg_pad_val=255),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackSegInputs'),
]
# Full resolution at test time.
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
# No validation: the paper trains on all 604 training images and reports the model after 6k
# iterations, so nothing is held out to choose a checkpoint on, and the test split must never
# be used to choose one. (mmengine validates only with val_dataloader, val_evaluator and val_cfg
# all set.) shi_val60.py holds 60 training images out for checkpoint selection.
val_dataloader = None
val_evaluator = None
val_cfg = None
test_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, data_root=data_root, split='test', pipeline=test_pipeline))
test_evaluator = dict(type='DefocusMetric')
