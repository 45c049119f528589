"""Making a release (weights-only checkpoint, config, index, model card) from a trained model.

It loads the model with :class:`DefocusDetector`, which loads releases with
:mod:`mmseg_r2mrf.pretrained`: the maker lives here so that the imports go one way.
"""
import copy
import datetime
import json
import os
import os.path as osp
from pathlib import Path
from typing import Mapping, Optional, Union

import torch
from mmengine.config import Config

from ..compat import safe_load_checkpoint
from ..pretrained.releases import (
    CARD_SUFFIX,
    CONFIG_SUFFIX,
    INDEX_SUFFIX,
    PRETRAINED_DIR,
    WEIGHTS_SUFFIX,
    Release,
    file_sha256,
    find_release,
    release_order,
)
from ..utils import atomic_write
from ..version import __version__
from .defocus_detector import DefocusDetector

#: Largest weights file a release may have: it ships inside the wheel.
MAX_WEIGHTS_BYTES = 25 * 1000 * 1000
#: Fields of the model card that ``card_fields`` fills, and their headings in the card.
CARD_FIELDS = {
    'recipe': 'Training recipe (config)',
    'data_recipe': 'Data recipe',
    'seed': 'Seed',
    'schedule': 'Schedule',
    'iterations': 'Iterations',
    'wall_time': 'Wall time',
    'machine': 'Machine',
    'metrics': 'Metrics on the synthetic test split',
    'weights_licence': 'Licence of the weights',
    'photos_licence': 'Licence of the source photographs',
}
_TODO = 'TODO'


def inference_config(cfg: Config) -> Config:
    """What :class:`~mmseg_r2mrf.apis.DefocusDetector` needs of a training config.

    The model and the test pipeline, the default scope and the plugin import. Pretrained
    weights (``init_cfg``, ``pretrained``) are left out as mmseg's ``init_model`` leaves them
    out: the release's weights replace them, and their paths belong to the training machine.

    Args:
        cfg (Config): The training config (a recipe of ``configs/r2mrf/``).

    Returns:
        Config: The inference config.
    """
    model = copy.deepcopy(cfg.model)
    model.pretrained = None
    for part in model.values():
        if isinstance(part, dict) and 'init_cfg' in part:
            part.init_cfg = None
    pipeline = cfg.get('test_pipeline') or cfg.test_dataloader.dataset.pipeline
    return Config(dict(
        default_scope=cfg.get('default_scope', 'mmseg'),
        custom_imports=dict(imports=['mmseg_r2mrf'], allow_failed_imports=False),
        model=model,
        test_pipeline=copy.deepcopy(pipeline)))


def _cell(value) -> str:
    """A value as one Markdown table cell."""
    if isinstance(value, Mapping):
        value = ', '.join(f'{key} {item}' for key, item in value.items())
    return str(value).replace('\n', ' ').replace('|', '\\|')


def _card_text(name: str, fields: dict, sha256: dict, weights_bytes: int) -> str:
    """The model card; ``sha256`` maps each file name to its hash."""
    rows = '\n'.join(f'| {heading} | {_cell(fields.get(key, _TODO))} |'
                     for key, heading in CARD_FIELDS.items())
    weights, config = name + WEIGHTS_SUFFIX, name + CONFIG_SUFFIX
    missing = [heading for key, heading in CARD_FIELDS.items() if key not in fields]
    todo = f' Fields marked {_TODO} are still to be filled in.' if missing else ''
    return f"""# {name}

R²MRF defocus blur detector released with mmseg-r2mrf {__version__}: per-pixel probability
that the photograph is out of focus there (1 = blurred).{todo}

| field | value |
| --- | --- |
{rows}
| Weights file | `{weights}` ({weights_bytes} bytes, weights only) |
| Config file | `{config}` (model and test pipeline) |

## sha256

The files are checked against these (and against `{name}{INDEX_SUFFIX}`) before loading:

```
{sha256[weights]}  {weights}
{sha256[config]}  {config}
```

## Use

```python
from mmseg_r2mrf.apis import DefocusDetector

detector = DefocusDetector.from_pretrained('{name}')
blur = detector.predict('photo.jpg')  # (H, W) float32, 1 = blurred
```

or `python tools/infer.py photos/ --out-dir blur_maps --pretrained {name}`.
"""


def make_release(checkpoint: Union[str, Path],
                 config: Union[str, Path, Config],
                 name: str,
                 out_dir: Optional[str] = None,
                 card_fields: Optional[Mapping] = None,
                 force: bool = False) -> Release:
    """Write a release of a trained checkpoint: ``<name>.pth``, ``.py``, ``.md`` and ``.json``.

    The checkpoint is loaded into the model of ``config`` exactly as
    :class:`~mmseg_r2mrf.apis.DefocusDetector` loads it (a checkpoint that does not fit is
    refused), and the weights it then holds are saved without optimizer state or message
    hub: ``{'state_dict': ..., 'meta': {'release', 'dataset_meta', 'iter', ...}}``. The index
    ``<name>.json`` is written last, so an interrupted call leaves no listed release; the
    release is then found and verified as :func:`find_release` would.

    Args:
        checkpoint (str or Path): The trained checkpoint.
        config (str, Path or Config): Its training config.
        name (str): ``<model>-v<N>``, e.g. ``r2mrf_effnetlite0_syndof-v1``.
        out_dir (str, optional): Where to write; default the package's ``pretrained`` folder.
        card_fields (Mapping, optional): Values of :data:`CARD_FIELDS` (``metrics`` may be a
            dict); ``recipe`` defaults to the config's path and ``iterations`` to the
            checkpoint's ``meta['iter']``; the others left out read TODO in the card.
        force (bool): Overwrite an existing release of that name.

    Returns:
        Release: The release written.

    Raises:
        FileExistsError: A file of the release exists and ``force`` is False.
        ValueError: A bad name, an unknown card field or one JSON cannot hold, weights over
            :data:`MAX_WEIGHTS_BYTES`, or a checkpoint that does not fit the config.
    """
    release_order(name)  # ValueError for a bad name
    fields = dict(card_fields or {})
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValueError(f'unknown card field(s) {", ".join(unknown)}; the fields are '
                         f'{", ".join(CARD_FIELDS)}')
    out_dir = PRETRAINED_DIR if out_dir is None else str(out_dir)
    paths = {suffix: osp.join(out_dir, name + suffix)
             for suffix in (WEIGHTS_SUFFIX, CONFIG_SUFFIX, CARD_SUFFIX, INDEX_SUFFIX)}
    existing = [path for path in paths.values() if osp.exists(path)]
    if existing and not force:
        raise FileExistsError(f'release {name} exists in {out_dir} ({", ".join(existing)}); '
                              'pass force=True (--force) to overwrite it')
    source_cfg = config if isinstance(config, Config) else Config.fromfile(str(config))
    fields.setdefault('recipe', str(config) if not isinstance(config, Config) else
                      source_cfg.filename or _TODO)
    source_meta = safe_load_checkpoint(str(checkpoint), map_location='cpu').get('meta') or {}
    if 'iter' in source_meta:
        fields.setdefault('iterations', source_meta['iter'])
    try:
        json.dumps(fields)
    except TypeError as error:
        raise ValueError(f'card_fields must be JSON values (str, numbers, dicts): {error}') \
            from None
    cfg = inference_config(source_cfg)
    detector = DefocusDetector(cfg, checkpoint)  # refuses a checkpoint that does not fit
    weights = {
        'state_dict': {key: value.detach().cpu().clone()
                       for key, value in detector.model.state_dict().items()},
        'meta': {'release': name, 'mmseg_r2mrf_version': __version__,
                 'dataset_meta': source_meta.get('dataset_meta'),
                 'iter': source_meta.get('iter'),
                 'source_checkpoint': osp.basename(str(checkpoint))},
    }
    os.makedirs(out_dir, exist_ok=True)
    with atomic_write(paths[WEIGHTS_SUFFIX]) as tmp_path:
        torch.save(weights, tmp_path)
        weights_bytes = osp.getsize(tmp_path)
        if weights_bytes > MAX_WEIGHTS_BYTES:  # raising here writes nothing
            raise ValueError(f'the weights of {checkpoint} take {weights_bytes} bytes, more '
                             f'than a release may ({MAX_WEIGHTS_BYTES}, it ships in the wheel)')
    with atomic_write(paths[CONFIG_SUFFIX]) as tmp_path, open(tmp_path, 'w') as file:
        file.write(cfg.pretty_text)
    sha256 = {osp.basename(paths[suffix]): file_sha256(paths[suffix])
              for suffix in (WEIGHTS_SUFFIX, CONFIG_SUFFIX)}
    card = _card_text(name, fields, sha256, weights_bytes)
    with atomic_write(paths[CARD_SUFFIX]) as tmp_path, open(tmp_path, 'w') as file:
        file.write(card)
    index = {'name': name, 'sha256': sha256, 'weights_bytes': weights_bytes,
             'created': datetime.datetime.now(datetime.timezone.utc).isoformat(
                 timespec='seconds'),
             'mmseg_r2mrf_version': __version__, 'card': fields}
    with atomic_write(paths[INDEX_SUFFIX]) as tmp_path, open(tmp_path, 'w') as file:
        json.dump(index, file, indent=2)
        file.write('\n')
    return find_release(name, out_dir)
