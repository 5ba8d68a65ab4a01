"""Benchmark the model: load time and ms per candidate at batch 16 (OpenCV, torch CPU, CUDA).

Frames are real (../shared/videos/bikes.mp4 at working size 480). Prints, per backend, the
classifier alone and the whole ``evidence`` step (classifier + YuNet faces), median of runs.

    python benchmarks/bench_model.py [--runs 5] [--backends cpu-opencv,cpu-torch,cuda]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT / ".." / "shared" / "videos" / "bikes.mp4"


def frames(n: int = 16) -> list[np.ndarray]:
    cap = cv2.VideoCapture(str(VIDEO))
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    out = []
    for i in range(n):
        cap.set(cv2.CAP_PROP_POS_FRAMES, i * count // n)
        ok, img = cap.read()
        if not ok:
            break
        scale = 480 / max(img.shape[:2])
        out.append(cv2.resize(img, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA))
    cap.release()
    return out


def bench(device: str, images: list[np.ndarray], runs: int) -> None:
    from thumbdesk.core.errors import ModelError
    from thumbdesk.ml import load_scorer
    from thumbdesk.ml.backends import preprocess

    start = time.perf_counter()
    try:
        scorer = load_scorer(device)
    except ModelError as exc:
        print(f"{device:11s} skipped: {exc}")
        return
    load_s = time.perf_counter() - start
    clf = scorer._clf
    batch = preprocess(images)
    clf.logits(batch)  # warm-up
    cls_times, ev_times = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        clf.logits(batch)
        cls_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        scorer.evidence(images)
        ev_times.append(time.perf_counter() - t0)
    n = len(images)
    print(
        f"{device:11s} {scorer.device:32s} load {load_s:5.2f} s   classifier "
        f"{1000 * statistics.median(cls_times) / n:6.1f} ms/candidate   evidence (+faces, "
        f"preprocess) {1000 * statistics.median(ev_times) / n:6.1f} ms/candidate   (batch {n})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", default="cpu-opencv,cpu-torch,cuda")
    args = parser.parse_args()
    images = frames()
    print(f"cv2 threads: {cv2.getNumThreads()}, frames: {len(images)} x {images[0].shape}")
    for device in args.backends.split(","):
        bench(device.strip(), images, args.runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
