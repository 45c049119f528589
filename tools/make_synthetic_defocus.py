"""Write the synthetic defocus dataset that the main job trains, validates and tests on.

Sharp photographs (those shipped inside installed packages: scikit-image, scikit-learn,
matplotlib; and any under ``--photos`` folders) are brought to the benchmarks' scale, cut into
random crops, given a scene layout (a sharp subject following the photograph's own regions
before a defocused background, a defocused foreground spilling over a sharp subject, a
defocused object before a sharp background, a receding plane, all sharp, all blurred),
defocused by a thin lens with layered aperture blur in linear light (bokeh from highlights;
disc, polygonal and cat's-eye apertures), then given sensor noise and JPEG. Output, in Shi et
al.'s layout::

    <out_dir>/image/*.jpg  gt/*.png (0 sharp, 1 blurred, 255 ignored)
    <out_dir>/train.txt val.txt test.txt  meta.json (every sample's settings, every photo's
    source and split)  contact_sheet.png (one row per effect)

Train, validation and test crops come from different photographs. Example::

    python tools/make_synthetic_defocus.py data/synthetic_defocus
    python tools/make_synthetic_defocus.py data/my_defocus --photos ~/Pictures --no-packaged
"""
import argparse
import os
import os.path as osp
import sys
import warnings

from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.synthesis import (
    PACKAGED_PHOTOS,
    PHOTO_NAMES,
    SCENES,
    TRAIN_SCENE_WEIGHTS,
    SyntheticDefocusGenerator,
    check_output_dir,
    load_user_photos,
    scene_weights,
    split_photos,
    write_synthetic_defocus,
)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render a synthetic defocus blur detection dataset from real photographs')
    parser.add_argument('out_dir', nargs='?', default='data/synthetic_defocus',
                        help='dataset folder to create (default: data/synthetic_defocus)')
    parser.add_argument('--num-train', type=int, default=600, help='training crops (600)')
    parser.add_argument('--num-val', type=int, default=48,
                        help='validation crops (48; checkpoint selection), own photographs')
    parser.add_argument('--num-test', type=int, default=64, help='test crops (64)')
    parser.add_argument('--size', type=int, default=320, help='side of the square crops (320)')
    parser.add_argument('--long-side', type=int, nargs='+', default=[400, 640],
                        metavar=('MIN', 'MAX'),
                        help='longer side (px) the photos are brought to before cropping, one '
                        'value or a range (default: 400 640, the benchmarks\' scale)')
    parser.add_argument('--seed', type=int, default=0, help='seed; same seed, same dataset')
    parser.add_argument('--photos', nargs='+', default=[], metavar='DIR',
                        help='folders of your own sharp photographs (searched recursively); '
                        'unreadable or too small files are skipped with a warning')
    parser.add_argument('--no-packaged', action='store_true',
                        help=f'leave out the packaged photographs ({", ".join(PHOTO_NAMES)})')
    for split in ('train', 'val', 'test'):
        parser.add_argument(
            f'--{split}-photos', nargs='+', metavar='PHOTO',
            help=f'photographs of the {split} split (names, file names or paths; default: '
            'packaged photos by a fixed table, yours by a hash of their name)')
    defaults = ' '.join(f'{kind}={weight}' for kind, weight in zip(SCENES, TRAIN_SCENE_WEIGHTS))
    parser.add_argument('--train-scene-weights', nargs='+', default=[], metavar='SCENE=W',
                        help='relative frequency of scene kinds in the training split, e.g. '
                        'background_sharp=0.3 all_blurred=0; kinds not named keep their '
                        f'default ({defaults}); validation and test keep their own mixture')
    parser.add_argument('--workers', type=int, default=min(2, os.cpu_count() or 1),
                        help='processes (default: up to 2)')
    parser.add_argument('--force', '--overwrite', dest='force', action='store_true',
                        help='replace a synthetic set that this tool wrote earlier in out_dir '
                        '(--overwrite: its former name)')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    args = parser.parse_args(argv)
    if min(args.num_train, args.num_val, args.num_test) < 0 or \
            args.num_train + args.num_val + args.num_test == 0:
        parser.error('--num-train, --num-val and --num-test must be >= 0, and not all 0')
    if args.size < 32:
        parser.error('--size must be at least 32')
    if len(args.long_side) > 2 or not 0 < args.long_side[0] <= args.long_side[-1]:
        parser.error('--long-side takes one size or a range MIN MAX of positive sizes')
    if args.long_side[-1] < args.size:
        parser.error(f'--long-side {args.long_side[-1]} is smaller than the crop --size '
                     f'{args.size}')
    if args.no_packaged and not args.photos:
        parser.error('--no-packaged needs --photos DIR: there would be no photographs')
    for folder in args.photos:
        if not osp.isdir(folder):
            parser.error(f'--photos {folder}: no such folder')
    overrides = {}
    for item in args.train_scene_weights:
        kind, _, weight = item.partition('=')
        try:
            overrides[kind] = float(weight)
        except ValueError:
            parser.error(f'--train-scene-weights takes SCENE=WEIGHT, got {item!r}')
    try:
        scene_weights(overrides)
    except ValueError as error:
        parser.error(f'--train-scene-weights: {error}')
    args.train_scene_weights = overrides
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    # Refuse an existing folder now, not after loading the photos (seconds of segmentation).
    try:
        check_output_dir(args.out_dir, args.force)
    except FileExistsError as error:
        raise CommandError(str(error)) from None
    sources = {} if args.no_packaged else dict(PACKAGED_PHOTOS)
    photos = {}  # the user's, prepared; the generator loads the packaged ones it uses
    if args.photos:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            photos = load_user_photos(args.photos, min_side=args.size, taken=sources)
        for warning in caught:
            print(f'warning: {warning.message}')
        if not photos and args.no_packaged:
            raise CommandError(f'no usable photographs under {" ".join(args.photos)}')
        sources.update({name: photo.source for name, photo in photos.items()})
    needed = [split for split, count in (('train', args.num_train), ('val', args.num_val),
                                         ('test', args.num_test)) if count]
    splits = split_photos(sources, dict(train=args.train_photos, val=args.val_photos,
                                       test=args.test_photos), needed)
    generator = SyntheticDefocusGenerator(
        size=args.size, seed=args.seed, train_photos=splits['train'],
        val_photos=splits['val'], test_photos=splits['test'], long_side=args.long_side,
        train_scene_weights=args.train_scene_weights, photos=photos)
    for split, names in splits.items():
        print(f'{split}: {len(names)} photographs ({", ".join(names[:8])}'
              f'{", ..." if len(names) > 8 else ""})')
    records = write_synthetic_defocus(
        generator, args.out_dir, args.num_train, args.num_test, num_val=args.num_val,
        workers=max(args.workers, 1), overwrite=args.force,
        progress=not args.no_progress)
    print(f'wrote {len(records)} images to {args.out_dir} '
          f'(contact sheet: {os.path.join(args.out_dir, "contact_sheet.png")})')


if __name__ == '__main__':
    sys.exit(run_main(main))
