"""The sdist builds a wheel, and the wheel (a non-editable install) ships configs and tools in
mmseg_r2mrf/.mim. Both are built outside the repository, so nothing stale in build/ counts."""
import subprocess
import sys
import zipfile

import pytest

from tiny_data import REPO_ROOT


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp('dist')
    # `pip install .` and `python -m build` go through the sdist: it must carry configs/ and
    # tools/ for build_py to copy them (MANIFEST.in).
    result = subprocess.run(
        [sys.executable, 'setup.py', '-q', 'egg_info', '--egg-base', str(out), 'sdist',
         '--dist-dir', str(out)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    sdists = list(out.glob('mmseg_r2mrf-*.tar.gz'))
    assert len(sdists) == 1
    result = subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps', '--no-build-isolation', '-q',
         '-w', str(out), str(sdists[0])], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    wheels = list(out.glob('mmseg_r2mrf-*.whl'))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_ships_configs_tools_and_split_list(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ('mmseg_r2mrf/.mim/configs/_base_/default_runtime.py',
                     'mmseg_r2mrf/.mim/tools/train.py', 'mmseg_r2mrf/.mim/tools/test.py',
                     'mmseg_r2mrf/.mim/tools/dist_train.sh', 'mmseg_r2mrf/compat/checkpoint.py'):
        assert required in names, f'{required} missing from {wheel.name}'
    assert not any('__pycache__' in name for name in names)


def test_installed_package_finds_its_configs(wheel, tmp_path):
    target = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '-q', '--target',
                    str(target), str(wheel)], check=True, capture_output=True, timeout=300)
    code = ('import mmseg_r2mrf.utils.mim as m, os; '
            "print(m.mim_path('configs')); print(m.mim_path('tools'))")
    # Run from tmp_path, with only the installed copy importable.
    result = subprocess.run([sys.executable, '-c', code], cwd=str(tmp_path),
                            env={'PYTHONPATH': str(target), 'PATH': '/usr/bin:/bin'},
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    configs, tools = result.stdout.split()
    assert configs.startswith(str(target)) and configs.endswith('.mim/configs')
    assert tools.endswith('.mim/tools')


def test_one_cv2_distribution():
    """opencv-python (mmcv) and opencv-python-headless (pysodmetrics) would clash on cv2."""
    from importlib import metadata
    cv2_owners = {dist.metadata['Name'] for dist in metadata.distributions()
                  if 'cv2/__init__.py' in {str(f) for f in (dist.files or [])}}
    assert cv2_owners == {'opencv-python'}, cv2_owners
