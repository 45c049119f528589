"""Measuring a model's cost: inference part by part, and training iterations."""
from .inference_cost import NeckAndHead, format_inference_rows, inference_cost, peak_memory_bytes
from .photo_cost import format_photo_rows, photo_cost, random_weights_detector, synthetic_photo
from .runtime_comparison import format_runtime_rows, runtime_latency
from .training_cost import (
    format_training_rows,
    logged_peak_memory_mib,
    logged_seconds_per_iter,
    profile_training_step,
    synthetic_training_batch,
    time_training_steps,
    training_cost,
)

__all__ = [
    'NeckAndHead', 'format_inference_rows', 'format_photo_rows', 'format_runtime_rows',
    'format_training_rows', 'inference_cost', 'logged_peak_memory_mib',
    'logged_seconds_per_iter', 'peak_memory_bytes',
    'photo_cost', 'profile_training_step', 'random_weights_detector', 'runtime_latency',
    'synthetic_photo',
    'synthetic_training_batch', 'time_training_steps', 'training_cost'
]
