"""Finding and verifying the released models that ship in ``mmseg_r2mrf/pretrained/``.

A release named ``<model>-v<N>`` (e.g. ``r2mrf_effnetlite0_syndof-v1``) is four files in one
folder:

* ``<name>.pth``: weights only, ``{'state_dict': ..., 'meta': ...}``;
* ``<name>.py``: the mmengine config that :class:`~mmseg_r2mrf.apis.DefocusDetector` needs
  (``model`` and ``test_pipeline``; the training recipe is named in the card);
* ``<name>.json``: the index: the sha256 of the ``.pth`` and of the ``.py``, and the card's
  fields; it is written last, so a release exists only once it is complete;
* ``<name>.md``: the model card for people (recipe, schedule, metrics, licences, sha256).

``N`` counts the releases of the package, whatever the model: the newest release, which
:func:`find_release` picks when no name is given, is the one with the highest ``N``.
"""
import hashlib
import json
import os
import os.path as osp
import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Tuple

#: The folder of the releases that ship with the package.
PRETRAINED_DIR = osp.dirname(osp.abspath(__file__))
#: ``<model>-v<N>``: letters, digits and ``_`` in the model part, then a release number.
RELEASE_NAME = re.compile(r'^(?P<model>[A-Za-z0-9_]+)-v(?P<version>[0-9]+)$')
#: Suffixes of a release's files besides its index ``<name>.json``.
WEIGHTS_SUFFIX, CONFIG_SUFFIX, CARD_SUFFIX, INDEX_SUFFIX = '.pth', '.py', '.md', '.json'


class ReleaseNotFoundError(FileNotFoundError):
    """No release is installed, the one asked for is not, or one of its files is missing."""


class ReleaseIntegrityError(ValueError):
    """A release file whose content is not the one released (sha256), or a broken index."""


@dataclass(frozen=True)
class Release:
    """A verified release: the paths of its files and its index.

    Attributes:
        name (str): ``<model>-v<N>``.
        weights (str): The ``.pth`` file.
        config (str): The ``.py`` config.
        card (str): The ``.md`` model card.
        index (dict): The content of ``<name>.json``.
    """

    name: str
    weights: str
    config: str
    card: str
    index: dict


def release_order(name: str) -> Tuple[int, str]:
    """Sort key of a release name: its release number, then its model part.

    Raises:
        ValueError: A name not of the form ``<model>-v<N>``.
    """
    match = RELEASE_NAME.match(name)
    if match is None:
        raise ValueError(f'release name {name!r} is not of the form <model>-v<N>, e.g. '
                         'r2mrf_effnetlite0_syndof-v1 (letters, digits and _ in <model>)')
    return int(match['version']), match['model']


def file_sha256(path: str) -> str:
    """Hex sha256 of a file's content, read in chunks."""
    digest = hashlib.sha256()
    with open(path, 'rb') as file:
        for chunk in iter(lambda: file.read(1 << 20), b''):
            digest.update(chunk)
    return digest.hexdigest()


def list_pretrained(root: Optional[str] = None) -> List[str]:
    """Names of the releases in ``root``, newest first (an index ``<name>.json`` each).

    Args:
        root (str, optional): Folder of the releases; default :data:`PRETRAINED_DIR`.

    Returns:
        list[str]: Release names, highest release number first; [] when none is installed.
    """
    root = PRETRAINED_DIR if root is None else root
    if not osp.isdir(root):
        return []
    names = [entry[:-len(INDEX_SUFFIX)] for entry in os.listdir(root)
             if entry.endswith(INDEX_SUFFIX)]
    return sorted((name for name in names if RELEASE_NAME.match(name)), key=release_order,
                  reverse=True)


def _read_index(path: str, name: str) -> dict:
    try:
        with open(path, encoding='utf-8') as file:
            index = json.load(file)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ReleaseIntegrityError(f'the index {path} of release {name} is no valid JSON '
                                    f'({error})') from None
    if not isinstance(index, dict) or not isinstance(index.get('sha256'), dict):
        raise ReleaseIntegrityError(f'the index {path} of release {name} has no "sha256" '
                                    'table of its files')
    return index


def find_release(name: Optional[str] = None, root: Optional[str] = None) -> Release:
    """The files of a release, after checking that they are complete and unchanged.

    Every file listed in the index's ``sha256`` table (the weights and the config) is hashed
    and compared, so a file edited, truncated or replaced (e.g. by a git-lfs pointer) is
    refused before anything of it is loaded.

    Args:
        name (str, optional): The release; default the newest (see :func:`list_pretrained`).
        root (str, optional): Folder of the releases; default :data:`PRETRAINED_DIR`.

    Returns:
        Release: Its verified files.

    Raises:
        ReleaseNotFoundError: No release installed, no release of that name, or a file of it
            missing.
        ReleaseIntegrityError: A file whose sha256 is not the released one, or a broken index.
    """
    root = PRETRAINED_DIR if root is None else root
    names = list_pretrained(root)
    if not names:
        raise ReleaseNotFoundError(
            f'no released model is installed in {root} (a release is <name>.pth, .py, .json '
            'and .md there); give a CONFIG and CHECKPOINT instead, or make a release from a '
            'trained checkpoint with tools/make_release.py')
    if name is None:
        name = names[0]
    elif name not in names:
        raise ReleaseNotFoundError(f'no released model named {name!r} in {root}; installed: '
                                   f'{", ".join(names)}')
    paths = {suffix: osp.join(root, name + suffix)
             for suffix in (WEIGHTS_SUFFIX, CONFIG_SUFFIX, CARD_SUFFIX, INDEX_SUFFIX)}
    index = _read_index(paths[INDEX_SUFFIX], name)
    expected: Dict[str, str] = index['sha256']
    for suffix in (WEIGHTS_SUFFIX, CONFIG_SUFFIX):
        if osp.basename(paths[suffix]) not in expected:
            raise ReleaseIntegrityError(f'the index {paths[INDEX_SUFFIX]} of release {name} '
                                        f'has no sha256 of {osp.basename(paths[suffix])}')
    for filename, sha256 in expected.items():
        if osp.basename(filename) != filename:  # an index may only name files beside it
            raise ReleaseIntegrityError(f'the index {paths[INDEX_SUFFIX]} of release {name} '
                                        f'names {filename!r}, which is not beside it')
        path = osp.join(root, filename)
        if not osp.isfile(path):
            raise ReleaseNotFoundError(f'release {name} is incomplete: {path} is missing')
        actual = file_sha256(path)
        if actual != sha256:
            raise ReleaseIntegrityError(
                f'{path} is not the file of release {name}: its sha256 is {actual}, the '
                f'release has {sha256} (changed, truncated or a git-lfs pointer?); reinstall '
                'the package or make the release again')
    return Release(name=name, weights=paths[WEIGHTS_SUFFIX], config=paths[CONFIG_SUFFIX],
                   card=paths[CARD_SUFFIX], index=index)
