"""Benchmark the people-evidence models: load time and milliseconds per frame, on the CPU.

Loads each wrapper (sha256 check and ONNX Runtime session included), then times, interleaved
over ``--runs`` rounds on real frames at working size (long side 480): YuNet with and
without the upscaled pass, face attributes for one and for four faces, NanoDet with decoding,
MoveNet, and Lite0 as a reference measured under the same load. Prints median and best with
the load average (a shared machine's wall times grow with it).

    python benchmarks/bench_people.py [--runs 15] [--device cpu]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core.decode import to_working_size
from thumbdesk.ml import assets
from thumbdesk.ml.backends import OnnxRuntimeClassifier, preprocess
from thumbdesk.ml.detector import ObjectDetector
from thumbdesk.ml.faces import FaceDetector
from thumbdesk.ml.people import PeopleAttributes
from thumbdesk.ml.pose import PoseDetector

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "photos"
PHOTOS = ("selfie_group_many_people.jpg", "family_parents_three_daughters.jpg")


def timed(make: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    obj = make()
    return obj, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--device", default="cpu", help="cpu, cpu-torch or cuda")
    args = parser.parse_args(argv)
    assets.model_bytes.cache_clear()
    faces1, t_yunet = timed(FaceDetector)
    faces2 = FaceDetector(upscale_small=True)
    people, t_people = timed(lambda: PeopleAttributes(args.device))
    objects, t_objects = timed(lambda: ObjectDetector(args.device))
    poses, t_poses = timed(PoseDetector)
    lite = OnnxRuntimeClassifier()
    print(
        f"load s: yunet {t_yunet:.2f}, faceres+emotion {t_people:.2f}, nanodet "
        f"{t_objects:.2f}, movenet {t_poses:.2f} (device {args.device})"
    )
    assert isinstance(faces1, FaceDetector) and isinstance(people, PeopleAttributes)
    assert isinstance(objects, ObjectDetector) and isinstance(poses, PoseDetector)
    frames = []
    for name in PHOTOS:
        img = cv2.imread(str(EVAL / name), cv2.IMREAD_COLOR)
        if img is not None:
            frames.append(to_working_size(img, 480))
    if not frames:
        raise SystemExit(f"no photos under {EVAL}")
    found = [faces1.detect(f) for f in frames]
    tasks: dict[str, Callable[[np.ndarray, tuple], object]] = {
        "lite0 (reference)": lambda img, fs: lite.logits(preprocess([img])),
        "yunet 1x": lambda img, fs: faces1.detect(img),
        "yunet 1x + 1.5x pass": lambda img, fs: faces2.detect(img),
        "faceres+emotion, 1 face": lambda img, fs: people.judge(img, fs[:1]),
        "faceres+emotion, 4 faces": lambda img, fs: people.judge(img, fs[:4]),
        "nanodet + decode": lambda img, fs: objects.detect(img),
        "movenet": lambda img, fs: poses.detect(img),
    }
    times: dict[str, list[float]] = {k: [] for k in tasks}
    for img, fs in zip(frames, found, strict=True):
        for fn in tasks.values():
            fn(img, fs)  # warm-up
    for _ in range(args.runs):
        for name, fn in tasks.items():
            for img, fs in zip(frames, found, strict=True):
                start = time.perf_counter()
                fn(img, fs)
                times[name].append((time.perf_counter() - start) * 1e3)
    load = os.getloadavg()[0]
    print(f"ms per frame, {os.cpu_count()} CPUs, load average {load:.1f}:")
    for name, vals in times.items():
        print(f"  {name}: median {statistics.median(vals):.1f}, best {min(vals):.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
