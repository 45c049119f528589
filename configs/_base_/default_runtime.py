# Runtime shared by every config of mmseg-r2mrf.
default_scope = 'mmseg'
# Imports the plugin (and its compatibility layer) before mmseg builds anything.
custom_imports = dict(imports=['mmseg_r2mrf'], allow_failed_imports=False)
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),  # tools/ switch to gloo where there is no CUDA
)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SegLocalVisualizer', vis_backends=vis_backends, name='visualizer')
log_processor = dict(by_epoch=False)
log_level = 'INFO'
# `tools/test.py --tta`: mmseg's SegTTAModel applies the sigmoid twice to one-channel heads.
tta_model = dict(type='DefocusTTAModel')
# CheckpointFitHook: a checkpoint that does not fit the model is an error (mmengine warns);
# --allow-partial of tools/train.py and tools/test.py lowers it to a warning.
# RandomStateHook: restores dropout randomness on --resume, so a resumed run matches an
# uninterrupted one.
# TrainingSpeedHook: after 20 iterations, logs s/iter and how long the rest of the run will take.
custom_hooks = [dict(type='CheckpointFitHook'), dict(type='RandomStateHook'),
                dict(type='TrainingSpeedHook', report_after=20)]
load_from = None
resume = False
