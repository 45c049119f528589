"""mmseg_r2mrf.cli.launch: the end of a distributed run."""
import torch.distributed as dist

from mmseg_r2mrf.cli import end_distributed


def test_end_distributed_destroys_the_process_group_once(tmp_path):
    end_distributed()  # no group: nothing to do, no error
    dist.init_process_group('gloo', init_method=f'file://{tmp_path / "store"}', rank=0,
                            world_size=1)
    try:
        assert dist.is_initialized()
        end_distributed()
        assert not dist.is_initialized()
        end_distributed()  # a second call is a no-op too
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
