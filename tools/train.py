"""Train a segmentor, with the command line of mmseg's tools/train.py.

Example::

    python tools/train.py configs/r2mrf/r2mrf_resnext101_shi.py --work-dir work_dirs/shi
"""
import argparse
import sys

from mmengine.runner import Runner

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.cli import (
    RUN_INPUT_ERRORS,
    CommandError,
    add_run_arguments,
    configure_resume,
    enable_amp,
    end_distributed,
    load_config,
    require_checkpoint_fit,
    run_main,
    set_local_rank,
)

from mmseg.registry import RUNNERS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument('--resume', action='store_true', default=False,
                        help='resume from the latest checkpoint in the work_dir automatically '
                        '(the newest complete one if last_checkpoint is missing, empty or stale); '
                        "without one, start afresh (from the config's load_from weights, if any)")
    parser.add_argument('--amp', action='store_true', default=False,
                        help='mixed precision: float16 on CUDA, bfloat16 autocast on CPUs '
                        'with AVX512-BF16 or AMX (float32 with a warning on other CPUs)')
    add_run_arguments(parser)
    args = parser.parse_args()
    set_local_rank(args.local_rank)
    return args


def main() -> None:
    args = parse_args()
    try:
        run_training(args)
    except RUN_INPUT_ERRORS as error:
        raise CommandError(str(error)) from None


def run_training(args: argparse.Namespace) -> None:
    cfg = load_config(args.config, args.launcher, args.cfg_options, args.work_dir)

    if args.amp:
        try:
            enable_amp(cfg)
        except ValueError as error:  # an optimizer wrapper that --amp cannot replace
            raise CommandError(str(error)) from None
    configure_resume(cfg, args.resume)
    require_checkpoint_fit(cfg, args.allow_partial)

    runner = Runner.from_cfg(cfg) if 'runner_type' not in cfg else RUNNERS.build(cfg)
    runner.train()
    end_distributed()


if __name__ == '__main__':
    sys.exit(run_main(main))
