"""Make a release of a trained checkpoint, to ship in ``mmseg_r2mrf/pretrained/``.

Writes ``<NAME>.pth`` (weights only, at most 25 MB), ``<NAME>.py`` (the model config and test
pipeline that ``DefocusDetector.from_pretrained`` loads), ``<NAME>.md`` (the model card, with
the sha256 of both; fields not given read TODO) and ``<NAME>.json`` (the index the sha256 are
checked against, written last). A checkpoint that does not fit its config is refused, and so is
an existing release of that name unless ``--force``. See :mod:`mmseg_r2mrf.pretrained.releases`
for the naming (``<model>-v<N>``: the highest ``N`` is the default release).

Example::

    python tools/make_release.py configs/r2mrf/r2mrf_effnetlite0_syndof.py \\
        work_dirs/r2mrf_effnetlite0_syndof/best_mIoU_iter_30000.pth r2mrf_effnetlite0_syndof-v1 \\
        --field seed=0 --field "machine=2 CPU cores" --fields-json card.json

Exit status: 0 written; 2 a bad argument or source (nothing written).
"""
import argparse
import json
import pickle
import sys

import mmseg_r2mrf  # noqa: F401  (compatibility layer first, then the registries)
from mmseg_r2mrf.apis import CARD_FIELDS, make_release
from mmseg_r2mrf.cli import CommandError, run_main
from mmseg_r2mrf.pretrained import PRETRAINED_DIR


def _field(text: str) -> tuple:
    key, sep, value = text.partition('=')
    if not sep or not key:
        raise argparse.ArgumentTypeError(f'expected KEY=VALUE, got {text!r}')
    return key, value


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description='Make a release of a trained checkpoint')
    parser.add_argument('config', help='training config of the checkpoint')
    parser.add_argument('checkpoint', help='trained checkpoint')
    parser.add_argument('name', help='release name <model>-v<N>, e.g. '
                        'r2mrf_effnetlite0_syndof-v1')
    parser.add_argument('--out-dir', default=PRETRAINED_DIR,
                        help=f'folder of the release (default {PRETRAINED_DIR})')
    parser.add_argument('--field', type=_field, action='append', default=[],
                        metavar='KEY=VALUE',
                        help=f'a model card field, repeatable; keys: {", ".join(CARD_FIELDS)}')
    parser.add_argument('--fields-json', metavar='FILE',
                        help='card fields as a JSON object (metrics may be an object); '
                        '--field wins')
    parser.add_argument('--force', action='store_true', help='overwrite an existing release')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        fields = {}
        if args.fields_json:
            with open(args.fields_json, encoding='utf-8') as file:
                fields = json.load(file)
            if not isinstance(fields, dict):
                raise ValueError(f'{args.fields_json}: expected a JSON object of card fields')
        fields.update(args.field)
        release = make_release(args.checkpoint, args.config, args.name, args.out_dir,
                               card_fields=fields, force=args.force)
    except (ValueError, OSError, pickle.UnpicklingError) as error:  # FileExistsError is one
        raise CommandError(str(error)) from None
    print(f'release {release.name}:')
    for path in (release.weights, release.config, release.card):
        print(f'  {path}')
    for filename, sha256 in release.index['sha256'].items():
        print(f'  sha256 {sha256}  {filename}')
    todo = [key for key in CARD_FIELDS if key not in release.index['card']]
    if todo:
        print(f'fill in the card fields still TODO in {release.card}: {", ".join(todo)}')
    return 0


if __name__ == '__main__':
    sys.exit(run_main(main))
