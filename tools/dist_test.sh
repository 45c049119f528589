#!/usr/bin/env bash
# Distributed testing over torchrun, with the arguments of mmseg's dist_test.sh:
#   bash tools/dist_test.sh CONFIG CHECKPOINT GPUS [test.py arguments...]
# NNODES, NODE_RANK, PORT and MASTER_ADDR come from the environment (tools/dist_run.sh).
set -euo pipefail
exec bash "$(dirname "$0")/dist_run.sh" test.py "$3" "$1" "$2" --launcher pytorch "${@:4}"
