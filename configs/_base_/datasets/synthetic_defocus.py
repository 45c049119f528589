# The synthetic defocus set of tools/make_synthetic_defocus.py (real photographs, scene layouts,
# thin-lens layered blur; masks 0 = sharp, 1 = blurred, 255 = ignored, declared by its dataset
# class). Make it with: python tools/make_synthetic_defocus.py data/synthetic_defocus
# Shi's pipelines, loaders and evaluator, with the synthetic dataset class and folder.
_base_ = './shi.py'
dataset_type = 'SyntheticDefocusDataset'
data_root = 'data/synthetic_defocus'
# Rotation and flip only: the generator already samples photo scales, and resampling a crop
# would change its blur radii, on which the labels' thresholds are defined.
train_pipeline = [step for step in _base_.train_pipeline if step['type'] != 'RandomResize']
train_dataloader = dict(
    dataset=dict(type=dataset_type, data_root=data_root, pipeline=train_pipeline))
# The validation split (photographs of its own) is where a checkpoint may be chosen; the test
# split, which the results are reported on, never is. shi.py has no validation: `_delete_`
# replaces its None.
val_dataloader = dict(
    _base_.test_dataloader, _delete_=True,
    dataset=dict(type=dataset_type, data_root=data_root, split='val',
                 pipeline=_base_.test_pipeline))
val_evaluator = dict(_delete_=True, type='DefocusMetric')
val_cfg = dict(_delete_=True, type='ValLoop')
test_dataloader = dict(dataset=dict(type=dataset_type, data_root=data_root))
