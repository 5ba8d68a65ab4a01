#!/usr/bin/env bash
# `make bench`: install FFmpeg if missing (benchmark-only; not a runtime dependency of
# ThumbDesk), then run the side-by-side benchmark. Extra arguments go to bench.py, e.g.
#   bash benchmarks/run.sh --reps 5 --json bench.json
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v ffmpeg >/dev/null 2>&1 || ! command -v ffprobe >/dev/null 2>&1; then
    echo "bench: installing ffmpeg (apt-get)"
    if [ "$(id -u)" -eq 0 ]; then
        apt-get update -qq && apt-get install -y -qq ffmpeg
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq ffmpeg
    fi
fi

PYTHON="${PYTHON:-.venv/bin/python}"
"$PYTHON" benchmarks/bench.py "$@"
echo
echo "Scoring cost per candidate (benchmarks/bench_model.py; CUDA only with a GPU):"
"$PYTHON" benchmarks/bench_model.py --runs 3 --backends cpu-ort,cpu-opencv,cuda
echo
echo "Topic words outside the vocabulary (benchmarks/bench_text_encoder.py):"
"$PYTHON" benchmarks/bench_text_encoder.py --runs 3
