"""make_release: a trained checkpoint becomes a weights-only release with its card."""
import json
import os
import os.path as osp

import pytest
import torch

from mmseg_r2mrf.apis import CARD_FIELDS, make_release, release_builder
from mmseg_r2mrf.compat import CheckpointMismatchError
from mmseg_r2mrf.pretrained import file_sha256

from tiny_detector import TINY_RELEASE as NAME
from tiny_detector import make_tiny_detector


def test_release_files(release_dir):
    assert sorted(os.listdir(release_dir)) == sorted(
        [f'{NAME}.pth', f'{NAME}.py', f'{NAME}.json', f'{NAME}.md', 'source'])
    weights = torch.load(osp.join(release_dir, f'{NAME}.pth'), map_location='cpu',
                         weights_only=True)
    assert set(weights) == {'state_dict', 'meta'}  # weights only: no optimizer, no hub
    assert weights['meta']['release'] == NAME
    assert weights['meta']['dataset_meta'] == {'classes': ('focus', 'blur')}
    source = torch.load(osp.join(release_dir, 'source', 'tiny_detector.pth'),
                        map_location='cpu', weights_only=True)['state_dict']
    assert weights['state_dict'].keys() == source.keys()
    for key, value in source.items():
        torch.testing.assert_close(weights['state_dict'][key], value, rtol=0, atol=0)
    index = json.load(open(osp.join(release_dir, f'{NAME}.json')))
    card = open(osp.join(release_dir, f'{NAME}.md')).read()
    for filename in (f'{NAME}.pth', f'{NAME}.py'):
        sha256 = file_sha256(osp.join(release_dir, filename))
        assert index['sha256'][filename] == sha256
        assert f'{sha256}  {filename}' in card  # sha256sum's format
    for heading in CARD_FIELDS.values():
        assert f'| {heading} |' in card
    assert '| Seed | 0 |' in card and '| Schedule | TODO |' in card
    assert 'Fields marked TODO are still to be filled in.' in card
    assert index['card']['seed'] == 0


def test_a_complete_card_says_nothing_of_todo(tmp_path):
    from mmseg_r2mrf.apis.release_builder import _card_text
    fields = {key: 'x' for key in CARD_FIELDS}
    sha256 = {'r-v1.pth': 'a' * 64, 'r-v1.py': 'b' * 64}
    assert 'TODO' not in _card_text('r-v1', fields, sha256, 10)
    del fields['seed']
    assert 'Fields marked TODO' in _card_text('r-v1', fields, sha256, 10)


def test_make_release_refuses_to_overwrite(release_copy):
    source = osp.join(release_copy, 'source')
    args = (osp.join(source, 'tiny_detector.pth'), osp.join(source, 'tiny_detector.py'), NAME)
    before = open(osp.join(release_copy, f'{NAME}.json')).read()
    with pytest.raises(FileExistsError, match=f'release {NAME} exists.*force'):
        make_release(*args, out_dir=release_copy)
    assert open(osp.join(release_copy, f'{NAME}.json')).read() == before
    release = make_release(*args, out_dir=release_copy, card_fields=dict(seed=5), force=True)
    assert release.index['card']['seed'] == 5


def test_make_release_refuses_bad_sources(tmp_path, monkeypatch):
    config, checkpoint = make_tiny_detector(str(tmp_path))
    out_dir = tmp_path / 'out'
    with pytest.raises(ValueError, match='not of the form <model>-v<N>'):
        make_release(checkpoint, config, 'tiny', out_dir=str(out_dir))
    with pytest.raises(ValueError, match='unknown card field.*speed'):
        make_release(checkpoint, config, NAME, out_dir=str(out_dir), card_fields=dict(speed=1))
    weights = torch.load(checkpoint, map_location='cpu', weights_only=True)
    del weights['state_dict']['decode_head.conv_seg.bias']
    torch.save(weights, tmp_path / 'partial.pth')
    with pytest.raises(CheckpointMismatchError, match='conv_seg.bias'):
        make_release(str(tmp_path / 'partial.pth'), config, NAME, out_dir=str(out_dir))
    monkeypatch.setattr(release_builder, 'MAX_WEIGHTS_BYTES', 1000)
    with pytest.raises(ValueError, match='more than a release may'):
        make_release(checkpoint, config, NAME, out_dir=str(out_dir))
    assert not out_dir.exists() or os.listdir(out_dir) == []
