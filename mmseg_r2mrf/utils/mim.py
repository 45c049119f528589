"""Where the shipped configs and tools are, in a source checkout or an installed package."""
import os.path as osp

import mmseg_r2mrf


def mim_path(folder: str = 'configs') -> str:
    """Path of ``configs`` or ``tools`` for this installation.

    A built package carries them in ``mmseg_r2mrf/.mim`` (the OpenMMLab convention);
    a source checkout or an editable install has them beside the package.

    Args:
        folder (str): ``'configs'`` or ``'tools'``.

    Returns:
        str: An existing folder.
    """
    package_dir = osp.dirname(osp.abspath(mmseg_r2mrf.__file__))
    for candidate in (osp.join(package_dir, '.mim', folder),
                      osp.join(osp.dirname(package_dir), folder)):
        if osp.isdir(candidate):
            return candidate
    raise FileNotFoundError(f'no {folder!r} folder found for mmseg_r2mrf at {package_dir}')
