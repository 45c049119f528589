"""The main job, end to end on the embedded synthetic defocus data (``make demo``).

1. renders the synthetic defocus set from packaged photographs (once; reused afterwards),
2. trains R²MRF on ImageNet-pretrained EfficientNet-Lite0 (``tools/train.py``; by default
   ``configs/r2mrf/r2mrf-t3_effnetlite0_synthetic.py``, the main job with 3 recurrent steps
   per level, which trains 1.3x faster on a CPU at the same accuracy; ``--config
   configs/r2mrf/r2mrf_effnetlite0_synthetic.py`` trains the paper's 6),
3. evaluates the checkpoint on the synthetic test split (``tools/test.py``),
4. evaluates the classic baseline (local Laplacian energy) on the same split,
5. writes the metric table, the PR/F curves of both, and a sheet of predicted blur maps,

into a new work directory, and prints where everything is. Nothing earlier is overwritten.

Example::

    python tools/demo.py                      # the full main job (about 12 min on 2 cores)
    python tools/demo.py --max-iters 4 --num-train 8 --num-test 4   # a smoke run
"""
import argparse
import json
import os
import os.path as osp
import sys
import time

from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmseg_r2mrf  # noqa: F401
from mmseg_r2mrf.analysis import logged_seconds_per_iter
from mmseg_r2mrf.apis import DefocusDetector
from mmseg_r2mrf.apis.evaluate import evaluate_predictor
from mmseg_r2mrf.baselines import LaplacianEnergyBaseline
from mmseg_r2mrf.cli import (
    DEMO_CONFIG,
    SYNTHETIC_DATA_ROOT,
    CommandError,
    data_root_options,
    new_work_dir,
    newest,
    run_main,
    run_tool,
    train_and_test,
)
from mmseg_r2mrf.evaluation import CURVES_JSON, load_curves, metrics_table, plot_curves
from mmseg_r2mrf.synthesis import is_synthetic_defocus_set
from mmseg_r2mrf.visualization import save_prediction_sheet

from mmseg.registry import DATASETS

#: The main job's targets (blurred region positive), from the project's issue tracker.
TARGETS = dict(maxF=0.90, MAE=0.10)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=DEMO_CONFIG,
                        help='model config (default: the main job with T = 3)')
    parser.add_argument('--data-root', default=SYNTHETIC_DATA_ROOT,
                        help='synthetic set; rendered there if missing, reused if present')
    parser.add_argument('--work-dir', help='results folder (default: '
                        'work_dirs/demo/<timestamp>); must not exist yet')
    parser.add_argument('--max-iters', type=int, help='training iterations (default: config)')
    parser.add_argument('--num-train', type=int, help='training crops to render')
    parser.add_argument('--num-test', type=int, help='test crops to render')
    parser.add_argument('--size', type=int, help='side of the rendered crops')
    parser.add_argument('--sheet-images', type=int, default=6,
                        help='test images on the prediction sheet')
    parser.add_argument('--no-amp', action='store_true',
                        help='train in float32 (default: tools/train.py --amp, bfloat16 autocast '
                        'on CPUs with AVX512-BF16/AMX, float32 elsewhere)')
    return parser.parse_args()


def ensure_data(args) -> None:
    if osp.isdir(args.data_root):
        if not is_synthetic_defocus_set(args.data_root):
            raise CommandError(f'{args.data_root} exists but was not written by '
                               'tools/make_synthetic_defocus.py; pass another --data-root')
        if not osp.isfile(osp.join(args.data_root, 'val.txt')):
            raise CommandError(f'{args.data_root} was written by an older generator, without '
                               'the validation split the config selects on; regenerate it with '
                               f'python tools/make_synthetic_defocus.py {args.data_root} --force')
        print(f'Reusing the synthetic defocus set in {args.data_root}')
        return
    extra = []
    if args.num_train is not None:
        extra += ['--num-train', str(args.num_train)]
    if args.num_test is not None:
        extra += ['--num-test', str(args.num_test)]
    if args.size is not None:
        extra += ['--size', str(args.size)]
    run_tool('make_synthetic_defocus.py', args.data_root, *extra)


def main() -> None:
    args = parse_args()
    started = time.time()
    work_dir = new_work_dir('demo', args.work_dir)
    ensure_data(args)

    # The last checkpoint is tested: the val split (two photographs) is too small to choose on.
    checkpoint, model_curves = train_and_test(
        args.config, work_dir, data_root_options(args.data_root, args.max_iters),
        checkpoint='last', train_args=() if args.no_amp else ('--amp', ))

    print('\nEvaluating the classic baseline (local Laplacian energy) on the same split...')
    init_default_scope('mmseg')
    cfg = Config.fromfile(args.config)
    cfg.test_dataloader.dataset.data_root = args.data_root
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    baseline = LaplacianEnergyBaseline()
    baseline_dir = osp.join(work_dir, 'baseline')
    os.makedirs(baseline_dir)
    evaluate_predictor(baseline, dataset, output_dir=baseline_dir)
    baseline_curves = osp.join(baseline_dir, CURVES_JSON)

    results = [load_curves(model_curves), load_curves(baseline_curves)]
    labels = [f'R²MRF ({osp.splitext(osp.basename(args.config))[0]})',
              'Laplacian energy baseline']
    curves_png = osp.join(work_dir, 'curves.png')
    plot_curves(results, curves_png, labels)
    table = metrics_table(results, labels)
    table_path = osp.join(work_dir, 'metrics.md')
    with open(table_path, 'w') as f:
        f.write(table + '\n')

    detector = DefocusDetector(args.config, checkpoint)
    rows = []
    for index in range(min(args.sheet_images, len(dataset))):
        packed = dataset[index]
        image = packed['inputs'].permute(1, 2, 0).numpy().copy()
        sample = packed['data_samples']
        rows.append(dict(title=osp.basename(sample.img_path), image=image,
                         label=sample.gt_sem_seg.data[0].numpy(),
                         maps={'R²MRF blur map': detector.predict(image),
                               'baseline': baseline(image)}))
    sheet = osp.join(work_dir, 'predictions.png')
    save_prediction_sheet(rows, sheet)

    model, classic = (r['metrics'] for r in results)
    verdicts = {
        f"maxF >= {TARGETS['maxF']}": model['maxF'] >= TARGETS['maxF'],
        f"MAE <= {TARGETS['MAE']}": model['MAE'] <= TARGETS['MAE'],
        'beats the baseline on maxF, meanF and MAE': (
            model['maxF'] > classic['maxF'] and model['meanF'] > classic['meanF']
            and model['MAE'] < classic['MAE']),
    }
    summary = dict(work_dir=work_dir, config=args.config, checkpoint=checkpoint,
                   minutes=(time.time() - started) / 60,
                   seconds_per_iter=logged_seconds_per_iter(work_dir), model=model,
                   baseline=classic, targets_met=verdicts)
    with open(osp.join(work_dir, 'summary.json'), 'w') as f:
        json.dump(summary, f, indent=1)

    print('\n' + table + '\n')
    for name, met in verdicts.items():
        print(f"  target {name}: {'met' if met else 'NOT met'}")
    speed = summary['seconds_per_iter']
    print(f'\nDone in {summary["minutes"]:.1f} min'
          + (f' (training: {speed:.2f} s/iter)' if speed else '') + f'. Results in {work_dir}:')
    print(f'  training log, config    {newest(osp.join(work_dir, "2*", "*.log"))}')
    print(f'  checkpoint              {checkpoint}')
    print(f'  test log and metrics    {osp.dirname(model_curves)}')
    print(f'  metric table            {table_path}')
    print(f'  PR / F curves           {curves_png}')
    print(f'  predicted blur maps     {sheet}')
    print(f'  summary                 {osp.join(work_dir, "summary.json")}')


if __name__ == '__main__':
    sys.exit(run_main(main))
