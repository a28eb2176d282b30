#!/usr/bin/env bash
# Measure the course's GPU figures on a machine with JAX and no TensorFlow (the H100 that the
# `device` tool lends to some tasks), with the course's own commands:
#
#   tools/gpu_figures.sh bench [MODEL ...]   # fp32 + mixed bf16, forward + train, batch 32, and the
#                                            # harness check on VGG16 (default: every model)
#   tools/gpu_figures.sh breakdown           # VGG16 and AlexNet: forward, gradients, train
#   tools/gpu_figures.sh train               # the MNIST VGG at notebook 05's GPU settings (full
#                                            # width, 15 epochs, rotation 10, zoom 0.1, shift 2)
#   tools/gpu_figures.sh bench --quick       # any extra option goes to the command
#
# Each command writes its JSON file under course/results/ (so that the command line it records
# holds no machine path) and copies it into $OUT when that is set (the device tool's output
# folder). Where .whl/ holds the Keras wheels (../shared/gpu/fetch-keras-wheels) and Keras is
# missing, it installs them first. The GPU machine has no internet and no ../shared, so
# `train` reads MNIST from .data/mnist.npz (copied there and carried) unless CNN_COURSE_DATA
# is set. See README.md, "Benchmarks and GPU figures".
set -euo pipefail
cd "$(dirname "$0")/.."

usage="usage: $0 bench [MODEL ...] [OPTION ...] | breakdown [OPTION ...] | train [OPTION ...]"
case "${1:-}" in
  bench|breakdown|train) ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
python=${PYTHON:-python3}
if [ -d .whl ] && ! "$python" -c "import keras" 2>/dev/null; then
  "$python" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl
  export PYTHONPATH="/tmp/site:$PWD"
fi
export KERAS_BACKEND="${KERAS_BACKEND:-jax}"
export XLA_PYTHON_CLIENT_MEM_FRACTION="${XLA_PYTHON_CLIENT_MEM_FRACTION:-.85}"
if [ -z "${CNN_COURSE_DATA:-}" ] && [ -f .data/mnist.npz ]; then
  export CNN_COURSE_DATA="$PWD/.data"
fi

marker=$(mktemp)
case "${1:-}" in
  bench)
    shift
    models=()
    while [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; do models+=("$1"); shift; done
    "$python" -m support.bench ${models[@]+--models "${models[@]}"} --matmul-size 8192 "$@" ;;
  breakdown)
    shift
    "$python" -m support.bench --models vgg_D alexnet --modes forward gradients train \
      --matmul-size 8192 "$@" ;;
  train)
    shift
    full=(--size full --epochs 15 --rotation 10 --zoom 0.1)   # notebook 05's GPU settings
    for option in "$@"; do [ "$option" = --quick ] && full=(); done   # --quick: its own settings
    "$python" -m support.train ${full[@]+"${full[@]}"} "$@" ;;
  *)
    echo "$usage" >&2; exit 2 ;;
esac

written=$(find course/results -name '*.json' -newer "$marker" | sort)
rm -f "$marker"
if [ -z "$written" ]; then
  echo "$0: no results file was written" >&2
  exit 1
fi
if [ -n "${OUT:-}" ]; then
  cp $written "$OUT"/
fi
echo "results: $written"
