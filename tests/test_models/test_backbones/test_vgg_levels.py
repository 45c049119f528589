"""mmpretrain's VGG as R²MRF's VGG backbone: five levels from `type='mmpretrain.VGG'`."""
import torch

import mmseg_r2mrf  # noqa: F401  (mmcv-lite fallback before mmseg)

from mmseg.registry import MODELS


def test_five_levels_after_each_pool_and_a_local_checkpoint(tmp_path):
    cfg = dict(type='mmpretrain.VGG', depth=11, num_classes=-1, out_indices=(0, 1, 2, 3, 4))
    torch.manual_seed(0)
    source = MODELS.build(cfg)
    path = tmp_path / 'vgg11.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    torch.manual_seed(1)
    model = MODELS.build(dict(cfg, init_cfg=dict(type='Pretrained', checkpoint=str(path))))
    model.init_weights()
    model.eval()
    source.eval()
    x = torch.randn(1, 3, 64, 96)
    with torch.no_grad():
        outs = model(x)
        expected = source(x)
    assert [tuple(o.shape[1:]) for o in outs] == [(64, 32, 48), (128, 16, 24), (256, 8, 12),
                                                 (512, 4, 6), (512, 2, 3)]
    for out, ref in zip(outs, expected):
        assert torch.equal(out, ref)
