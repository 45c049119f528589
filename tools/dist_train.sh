#!/usr/bin/env bash
# Distributed training over torchrun, with the arguments of mmseg's dist_train.sh:
#   bash tools/dist_train.sh CONFIG GPUS [train.py arguments...]
# NNODES, NODE_RANK, PORT and MASTER_ADDR come from the environment (tools/dist_run.sh).
set -euo pipefail
exec bash "$(dirname "$0")/dist_run.sh" train.py "$2" "$1" --launcher pytorch "${@:3}"
