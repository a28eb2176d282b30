#!/usr/bin/env bash
# All of the course's GPU figures in one call of the device tool, most important first, each
# stage cut off by a shared deadline so that what finished comes back (results files and the
# log land in $OUT as each stage ends):
#
#   tools/gpu_all.sh [SECONDS]      # default 560: the deadline, from the start of this script
#
#   1. bench: VGG16, AlexNet, LeNet-5 and the MNIST VGG, forward, gradients and train, float32
#      and mixed bfloat16, with the harness check on VGG16 (the bars; the step breakdown)
#   2. train: the MNIST VGG at the GPU settings (15 epochs)
#   3. variants: VGG16 with its weights in bfloat16 against mixed bfloat16, and a profile
#   4. bench: VGG A, B, C and E (no second harness check)
#   5. bench: GoogLeNet and Inception v3 (predict_on_batch on Inception v3)
#   6. variants: VGG16 mixed bfloat16 with XLA's Triton GEMMs off (dense layers on cuBLAS)
#
# Carry .whl and .data (see tools/gpu_figures.sh). A JAX compilation cache under /tmp lets
# the harness check and predict_on_batch reuse the executables of the rows they repeat; no
# row of a results file is timed twice, so each file's compile times are its own.
set -uo pipefail
cd "$(dirname "$0")/.."
deadline=$(( $(date +%s) + ${1:-560} ))
out=${OUT:-/tmp/gpu-out}
mkdir -p "$out"
log="$out/gpu_all.log"
export PYTHONUNBUFFERED=1 KERAS_BACKEND=jax XLA_PYTHON_CLIENT_MEM_FRACTION=.85
export JAX_COMPILATION_CACHE_DIR=/tmp/jax-cache
if [ -d .whl ] && ! python3 -c "import keras" 2>/dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
    --target /tmp/site .whl/*.whl || exit 1
fi
export PYTHONPATH="/tmp/site:$PWD"

stage() {  # stage NAME COMMAND...: run it with what is left of the deadline, log its time
  local name=$1; shift
  local left=$(( deadline - $(date +%s) ))
  if [ "$left" -lt 20 ]; then echo "== $name: skipped, ${left} s left" | tee -a "$log"; return; fi
  echo "== $name: start, ${left} s left, load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
  local start=$(date +%s)
  timeout -k 5 "$left" "$@" 2>&1 | tee -a "$log"
  echo "== $name: exit ${PIPESTATUS[0]} after $(( $(date +%s) - start )) s" | tee -a "$log"
}

{
  nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv
  python3 -c "import jax, jaxlib, keras; print(jax.devices(), jax.__version__, jaxlib.__version__, keras.__version__)"
} 2>&1 | tee -a "$log"

stage bench-vgg16 tools/gpu_figures.sh bench vgg_D alexnet lenet5 mnist_vgg_full \
  --modes forward gradients train
stage train tools/gpu_figures.sh train
stage variants python3 tools/gpu_variants.py --profile /tmp/profile --out "$out/variants-bf16.json"
stage bench-vgg tools/gpu_figures.sh bench vgg_A vgg_B vgg_C vgg_E --no-harness-check
stage bench-inception tools/gpu_figures.sh bench googlenet inception_v3 --no-harness-check
stage variants-cublas env XLA_FLAGS="--xla_gpu_enable_triton_gemm=false" \
  python3 tools/gpu_variants.py --policies mixed_bfloat16 --out "$out/variants-cublas.json"

# The profile: its Chrome trace (JSON), moved up to where the device tool brings files back.
trace=$(find /tmp/profile -name '*.trace.json.gz' 2>/dev/null | head -1)
[ -n "$trace" ] && cp "$trace" "$out/vgg16-train-mixed-bf16.trace.json.gz"
ls -la "$out" | tee -a "$log"
