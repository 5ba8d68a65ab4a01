#!/usr/bin/env bash
# The GPU path, proven on a machine with an NVIDIA GPU, from a fresh clone, in under 5 minutes:
#
#   bash scripts/gpu_check.sh            (PYTHON=python3.X and VENV=path are optional)
#
# 1. installs the project with the "cuda" extra (torch) and the test tools into $VENV;
# 2. runs tests/test_cuda.py: CUDA logits within CUDA_LOGIT_TOLERANCE of ONNX Runtime and the
#    same top-1 on the shared clips (../shared/videos; the bundled sample clip without them),
#    one batch per clip, a clear error for a missing cuda:N, TF32 off;
# 3. runs benchmarks/bench_model.py on ONNX Runtime (CPU) and CUDA: ms per candidate per stage
#    and the whole pipeline's speed-up.
# It prints the card first and fails (exit 1) if torch sees no CUDA device.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

echo "== card"
if command -v nvidia-smi >/dev/null; then
    nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
else
    echo "nvidia-smi not found"
fi

echo "== installing .[dev,cuda] into $VENV"
test -x "$VENV/bin/python" || "$PYTHON" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e '.[dev,cuda]'
"$VENV/bin/python" - <<'PY'
import sys

import torch

if not torch.cuda.is_available():
    sys.exit(f"gpu_check: torch {torch.__version__} sees no CUDA device: nothing to check")
print(f"torch {torch.__version__} (CUDA {torch.version.cuda}), "
      f"cuda:0 = {torch.cuda.get_device_name(0)}, {torch.cuda.device_count()} device(s)")
PY

echo "== CUDA tests (tests/test_cuda.py)"
QT_QPA_PLATFORM=offscreen "$VENV/bin/python" -m pytest tests/test_cuda.py -q -rs -p no:cacheprovider

echo "== model benchmark: ms per candidate, and the pipeline speed-up"
"$VENV/bin/python" benchmarks/bench_model.py --runs 5 --backends cpu-ort,cuda --pipeline

echo "== gpu_check: done in $(($(date +%s) - started)) s"
