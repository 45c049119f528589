"""Measuring a model's cost: training iterations (and, in tools/benchmark.py, inference)."""
from .training_cost import synthetic_training_batch, time_training_steps, training_cost

__all__ = ['synthetic_training_batch', 'time_training_steps', 'training_cost']
