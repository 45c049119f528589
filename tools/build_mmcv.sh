#!/usr/bin/env bash
# Builds full mmcv 2.1.0 (compiled ops; CUDA ops where a GPU toolkit is present) from the PyPI
# source for torch >= 2.10, and installs it in place of mmcv-lite.
#
#   bash tools/build_mmcv.sh [--python PATH] [--jobs N] [--patch-only DIR]
#
# Why a script: mmcv 2.1.0 publishes no wheels for today's torch, and its setup.py compiles
# with -std=c++14/-std=c++17 while torch >= 2.10 headers need C++20. We raise those flags to
# -std=c++20 and build with `pip wheel --no-build-isolation` against the installed torch.
# Seen here: CPU ops build in about 9 minutes on 2 cores. mmseg-r2mrf itself needs no compiled
# op; this is for users who combine it with mmseg models that do (DCN, PSA, CCNet, ...).
set -euo pipefail

PYTHON=${PYTHON:-python}
JOBS=${MAX_JOBS:-$(nproc)}
PATCH_ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PYTHON=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --patch-only) PATCH_ONLY=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "build_mmcv.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

MMCV_VERSION=2.1.0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

"$PYTHON" -c 'import torch, sys; v = tuple(int(x) for x in torch.__version__.split("+")[0].split(".")[:2]); sys.exit(0 if v >= (2, 0) else 1)' \
  || { echo "build_mmcv.sh: torch >= 2.0 must be installed in $PYTHON first" >&2; exit 1; }

echo "Downloading the mmcv $MMCV_VERSION source from PyPI..."
"$PYTHON" -m pip download --no-deps --no-binary :all: --no-build-isolation -d "$WORK" "mmcv==$MMCV_VERSION" -q
tar -xzf "$WORK"/mmcv-"$MMCV_VERSION".tar.gz -C "$WORK"
SRC="$WORK/mmcv-$MMCV_VERSION"

# torch >= 2.10 headers require C++20.
sed -i -E "s/-std=c\+\+1[47]/-std=c++20/g; s|/std:c\+\+1[47]|/std:c++20|g" "$SRC/setup.py"
if grep -qE -- "-std=c\+\+1[47]" "$SRC/setup.py"; then
  echo "build_mmcv.sh: could not raise the C++ standard in $SRC/setup.py" >&2; exit 1
fi
if [ -n "$PATCH_ONLY" ]; then
  mkdir -p "$PATCH_ONLY" && cp -r "$SRC" "$PATCH_ONLY/"
  echo "Patched source left in $PATCH_ONLY/mmcv-$MMCV_VERSION"; exit 0
fi

export MMCV_WITH_OPS=1 MAX_JOBS="$JOBS"
if command -v nvcc >/dev/null 2>&1 && "$PYTHON" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)'; then
  echo "CUDA toolkit and GPU found: building CUDA ops too."
  export FORCE_CUDA=1
else
  echo "No CUDA toolkit or GPU: building CPU ops only."
fi
(cd "$SRC" && "$PYTHON" -m pip wheel --no-deps --no-build-isolation -w "$WORK/dist" .)

# mmcv and mmcv-lite both provide the `mmcv` package: never leave both installed.
"$PYTHON" -m pip uninstall -y mmcv-lite || true
"$PYTHON" -m pip install --no-deps "$WORK"/dist/mmcv-*.whl
"$PYTHON" -c 'from mmcv.ops import point_sample, RoIAlign; import mmcv; print("full mmcv", mmcv.__version__, "installed with compiled ops")'
