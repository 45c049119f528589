# A tiny one-channel segmentor on a tiny folder dataset: the foundation tests train, resume,
# distribute and test it in seconds. Set `data_root` with --cfg-options.
# R²MRF's model base gives the preprocessing (ImageNet normalisation; smaller padding here) and
# the whole-image test mode; the backbone and the one-channel head are tiny, and there is no neck.
_base_ = ['../../../configs/_base_/models/r2mrf.py', '../../../configs/_base_/default_runtime.py']

data_root = 'data/tiny'
model = dict(
    data_preprocessor=dict(size_divisor=8),
    backbone=dict(
        type='ResNet', depth=18, stem_channels=8, base_channels=8, num_stages=2,
        strides=(1, 2), dilations=(1, 1), out_indices=(1, ),
        norm_cfg=dict(type='BN', requires_grad=True)),
    neck=None,
    decode_head=dict(
        _delete_=True,
        type='FCNHead', in_channels=16, in_index=0, channels=8, num_convs=1,
        concat_input=False, num_classes=2, out_channels=1, threshold=0.5,
        norm_cfg=dict(type='BN', requires_grad=True),
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=True, loss_weight=1.0)))

dataset_type = 'BaseSegDataset'
metainfo = dict(classes=('focus', 'blur'), palette=[[0, 0, 0], [255, 255, 255]])
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations'),
    dict(type='PackSegInputs'),
]
dataset = dict(
    type=dataset_type, data_root=data_root, metainfo=metainfo,
    data_prefix=dict(img_path='image', seg_map_path='gt'),
    img_suffix='.png', seg_map_suffix='.png')
train_dataloader = dict(
    batch_size=2, num_workers=0, persistent_workers=False,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(**dataset, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=1, num_workers=0, persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset, pipeline=test_pipeline))
val_dataloader = None
val_cfg = None
val_evaluator = None
test_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4))
param_scheduler = [dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=4, by_epoch=False)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=4, val_interval=1000)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=1, log_metric_by_epoch=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='SafeCheckpointHook', by_epoch=False, interval=2),
    sampler_seed=dict(type='DistSamplerSeedHook'))
randomness = dict(seed=0, deterministic=True)
