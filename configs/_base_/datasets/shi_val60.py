# Shi et al.'s CUHK defocus set with a validation split held out of the training images, for
# choosing a checkpoint without the test set: train on 544 of the 604 training images
# (split 'train_without_val'), validate on the other 60 (split 'val', the fixed list
# mmseg_r2mrf/datasets/splits/shi_defocus_val60.txt: every 10th training image in sorted order),
# test on the 100 test images. A config over this base may add save_best='maxF'; the paper
# itself trains on all 604 and reports the last checkpoint (shi.py).
_base_ = './shi.py'
train_dataloader = dict(dataset=dict(split='train_without_val'))
# shi.py has no validation: `_delete_` replaces its None.
val_dataloader = dict(
    _base_.test_dataloader, _delete_=True,
    dataset=dict(_base_.test_dataloader.dataset, split='val'))
val_evaluator = dict(_delete_=True, type='DefocusMetric')
val_cfg = dict(_delete_=True, type='ValLoop')
