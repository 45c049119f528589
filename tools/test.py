"""Test (and evaluate) a segmentor, with the command line of mmseg's tools/test.py.

With :class:`~mmseg_r2mrf.evaluation.DefocusMetric` as evaluator, the PR and F-measure curves
(JSON and PNG) are written next to the log, in ``<work_dir>/<timestamp>/``, and ``--out`` saves
each predicted blur map as a PNG.

Example::

    python tools/test.py configs/r2mrf/r2mrf_resnext101_shi.py work_dirs/shi/iter_6000.pth
"""
import argparse
import sys

from mmengine.runner import Runner

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.cli import (
    RUN_INPUT_ERRORS,
    CommandError,
    add_run_arguments,
    end_distributed,
    load_config,
    require_checkpoint_fit,
    run_main,
    set_local_rank,
)
from mmseg_r2mrf.evaluation import DefocusMetric


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Test (and evaluate) a segmentor')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir',
                        help='the directory for the log, metrics and curves')
    parser.add_argument('--out', type=str,
                        help='the directory to save predictions for offline evaluation')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument('--show-dir', help='directory where painted images will be saved')
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of show (s)')
    add_run_arguments(parser)
    parser.add_argument('--tta', action='store_true', help='test time augmentation')
    args = parser.parse_args()
    set_local_rank(args.local_rank)
    return args


def enable_visualization(cfg, args) -> None:
    hooks = cfg.default_hooks
    if 'visualization' not in hooks:
        raise RuntimeError('--show/--show-dir need a VisualizationHook in default_hooks, e.g. '
                           "visualization=dict(type='SegVisualizationHook')")
    hooks.visualization.draw = True
    if args.show:
        hooks.visualization.show = True
        hooks.visualization.wait_time = args.wait_time
    if args.show_dir:
        cfg.visualizer.save_dir = args.show_dir


def _evaluator_cfgs(evaluator):
    return evaluator if isinstance(evaluator, list) else [evaluator]


def main() -> None:
    args = parse_args()
    try:
        run_test(args)
    except RUN_INPUT_ERRORS as error:
        raise CommandError(str(error)) from None


def run_test(args: argparse.Namespace) -> None:
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir)
    cfg.load_from = args.checkpoint
    require_checkpoint_fit(cfg, args.allow_partial)

    if args.show or args.show_dir:
        enable_visualization(cfg, args)
    if args.tta:
        if 'tta_pipeline' not in cfg or 'tta_model' not in cfg:
            raise CommandError(f'--tta needs tta_pipeline and tta_model in {args.config}')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        for metric_cfg in _evaluator_cfgs(cfg.test_evaluator):
            if metric_cfg.get('type') == 'DefocusMetric':
                metric_cfg['prediction_dir'] = args.out
            else:  # mmseg's IoUMetric and friends
                metric_cfg['output_dir'] = args.out
                metric_cfg['keep_results'] = True

    runner = Runner.from_cfg(cfg)
    # Curves go next to this run's log unless the config names a folder.
    for metric in runner.test_loop.evaluator.metrics:
        if isinstance(metric, DefocusMetric) and metric.output_dir is None:
            metric.output_dir = runner.log_dir
    runner.test()
    end_distributed()


if __name__ == '__main__':
    sys.exit(run_main(main))
