"""Write the synthetic defocus dataset that the main job trains and tests on.

Sharp photographs shipped inside installed packages (scikit-image, scikit-learn) are cut into
random crops, given a depth map (the Middlebury motorcycle's measured disparity, elsewhere random
foreground shapes over a tilted background), defocused by a thin lens with layered disk blur in
linear light, then given sensor noise and JPEG. Output, in Shi et al.'s layout::

    <out_dir>/image/*.jpg  gt/*.png (0 sharp, 1 blurred, 255 ignored)  train.txt  test.txt
    <out_dir>/meta.json (every sample's settings)  contact_sheet.png (images and labels)

Train and test crops come from different photographs. The defaults (400 + 48 crops of 320 px)
take about a minute on 2 cores. Example::

    python tools/make_synthetic_defocus.py data/synthetic_defocus
"""
import argparse
import os

from mmseg_r2mrf.synthesis import (DEFAULT_TEST_PHOTOS, DEFAULT_TRAIN_PHOTOS, PHOTO_NAMES,
                                   SyntheticDefocusGenerator, check_output_dir,
                                   write_synthetic_defocus)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Render a synthetic defocus blur detection dataset from real photographs')
    parser.add_argument('out_dir', nargs='?', default='data/synthetic_defocus',
                        help='dataset folder to create (default: data/synthetic_defocus)')
    parser.add_argument('--num-train', type=int, default=400, help='training crops')
    parser.add_argument('--num-test', type=int, default=48, help='test crops')
    parser.add_argument('--size', type=int, default=320, help='side of the square crops')
    parser.add_argument('--seed', type=int, default=0, help='seed; same seed, same dataset')
    parser.add_argument('--train-photos', nargs='+', default=list(DEFAULT_TRAIN_PHOTOS),
                        choices=PHOTO_NAMES, metavar='PHOTO',
                        help=f'source photos of the training split (from {", ".join(PHOTO_NAMES)})')
    parser.add_argument('--test-photos', nargs='+', default=list(DEFAULT_TEST_PHOTOS),
                        choices=PHOTO_NAMES, metavar='PHOTO',
                        help='source photos of the test split, disjoint from the training ones')
    parser.add_argument('--workers', type=int, default=min(2, os.cpu_count() or 1),
                        help='processes (default: up to 2)')
    parser.add_argument('--overwrite', action='store_true',
                        help='replace a synthetic set that this tool wrote earlier in out_dir')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    args = parser.parse_args(argv)
    if args.num_train < 0 or args.num_test < 0 or args.num_train + args.num_test == 0:
        parser.error('--num-train and --num-test must be >= 0, and not both 0')
    if args.size < 32:
        parser.error('--size must be at least 32')
    return args


def main(argv=None) -> None:
    args = parse_args(argv)
    # Refuse an existing folder now, not after loading the photos (seconds of superpixels).
    check_output_dir(args.out_dir, args.overwrite)
    generator = SyntheticDefocusGenerator(
        size=args.size, seed=args.seed, train_photos=args.train_photos,
        test_photos=args.test_photos)
    records = write_synthetic_defocus(
        generator, args.out_dir, args.num_train, args.num_test, workers=max(args.workers, 1),
        overwrite=args.overwrite, progress=not args.no_progress)
    print(f'wrote {len(records)} images to {args.out_dir} '
          f'(contact sheet: {os.path.join(args.out_dir, "contact_sheet.png")})')


if __name__ == '__main__':
    main()
