"""Benchmark the model: load time and ms per candidate at batch 16 (OpenCV, torch CPU, CUDA).

Frames are real (../shared/videos/bikes.mp4 at working size 480). For each backend it runs
the classifier alone, YuNet faces alone, the face attributes (gender, age, expression)
alone, the object detector alone, the text detector alone (issue 12's caption check; it
runs where the people models run) and the whole ``evidence`` step (preprocess + the topic
models; text is read apart, after them)
``--runs`` times and prints the median and the best run in wall time and in process CPU
time (all threads), with the load average before and after. Wall time on a shared machine
grows with the load; CPU time much less so (it still grows when the cores' caches and SMT
siblings are shared), so report both, and the load.

    python benchmarks/bench_model.py [--runs 7] [--backends cpu-ort,cpu-opencv,cpu-torch,cuda]
        [--threads N] [--size 224] [--pipeline]

``--pipeline`` also times the whole pipeline (``core.pipeline.pick``: decode, filter,
cluster, score) on the shared clips with each backend, warm, and prints each backend's
speed-up over the first one (scripts/gpu_check.sh: ONNX Runtime against CUDA).
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

ROOT = Path(__file__).resolve().parents[1]
VIDEO = ROOT / ".." / "shared" / "videos" / "bikes.mp4"


def frames(n: int = 16, video: Path = VIDEO) -> list[np.ndarray]:
    """``n`` frames spread over ``video`` (bikes.mp4), at working size (long side 480)."""
    cap = cv2.VideoCapture(str(video))
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


def timed(fn: Callable[[], object], runs: int, n: int) -> str:
    """'wall median/best, cpu median/best' in ms per candidate over ``runs`` runs."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    ms = 1000.0 / n
    return (
        f"wall {statistics.median(wall) * ms:6.1f} (best {min(wall) * ms:5.1f})  "
        f"cpu {statistics.median(cpu) * ms:6.1f} (best {min(cpu) * ms:5.1f})"
    )


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
    faces = scorer._faces
    batch = preprocess(images)
    n = len(images)
    print(f"{device:11s} {scorer.device}, load {load_s:.2f} s, batch {n}, ms per candidate:")
    print(f"  preprocess  {timed(lambda: preprocess(images), runs, n)}")
    size = clf.batch_size  # as the pipeline runs it (run_batches)
    in_batches = lambda: [clf.logits(batch[i : i + size]) for i in range(0, n, size)]  # noqa: E731
    print(f"  classifier  {timed(in_batches, runs, n)}  (batches of {size})")
    print(f"  faces       {timed(lambda: [faces.detect(im) for im in images], runs, n)}")
    found = [faces.detect(im) for im in images]
    people = scorer._people
    judge = lambda: [people.judge(im, f) for im, f in zip(images, found, strict=True)]  # noqa: E731
    print(f"  people      {timed(judge, runs, n)}  ({sum(map(len, found))} faces)")
    objects = scorer._objects
    print(f"  objects     {timed(lambda: [objects.detect(im) for im in images], runs, n)}")
    text = scorer._text
    # read as the pipeline reads it (read_many: text.BATCH frames a model run), and one at a time
    print(f"  text        {timed(lambda: text.read_many(images), runs, n)}")
    print(f"  text 1 by 1 {timed(lambda: [text.read(im) for im in images], runs, n)}")
    # bikes.mp4 is letterboxed (480x204): the text detector's cost follows the frame's shape
    for shape, clip in (("16:9", "bigbuckbunny.mp4"), ("9:16", "vertical_9x16_bbb.mp4")):
        if (VIDEO.parent / clip).exists():
            more = frames(n, VIDEO.parent / clip)
            print(f"  text {shape}   {timed(lambda m=more: text.read_many(m), runs, n)}")
    print(f"  evidence    {timed(lambda: scorer.evidence(images), runs, n)}  (text apart)")


def clips() -> list[Path]:
    """The shared clips, or the bundled sample clip where ../shared is absent (a fresh clone)."""
    found = sorted(VIDEO.parent.glob("*.mp4"))
    return found or [ROOT / "resources" / "sample" / "bigbuckbunny.mp4"]


def bench_pipeline(devices: list[str], runs: int) -> None:
    """Median wall time of the whole pipeline over every clip, per backend, and speed-ups."""
    from thumbdesk.core.errors import ModelError
    from thumbdesk.core.pipeline import pick
    from thumbdesk.core.topics import default_topics
    from thumbdesk.ml import load_scorer

    paths, topics = clips(), default_topics()
    medians: dict[str, float] = {}
    for device in devices:
        try:
            scorer = load_scorer(device)
        except ModelError as exc:
            print(f"pipeline {device:11s} skipped: {exc}")
            continue
        pick(paths[0], scorer=scorer, topics=topics)  # warm-up
        walls = []
        for _ in range(runs):
            t0 = time.perf_counter()
            for path in paths:
                pick(path, scorer=scorer, topics=topics)
            walls.append(time.perf_counter() - t0)
        medians[device] = statistics.median(walls)
        print(
            f"pipeline {device:11s} {len(paths)} clips: median {medians[device]:.2f} s "
            f"(best {min(walls):.2f} s) on {scorer.device}"
        )
    if len(medians) > 1:
        base, *others = medians
        for device in others:
            print(f"pipeline speed-up {device} over {base}: {medians[base] / medians[device]:.2f}x")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--backends", default="cpu-ort,cpu-opencv,cpu-torch,cuda")
    parser.add_argument("--threads", type=int, default=None, help="cv2.setNumThreads")
    parser.add_argument("--size", type=int, default=None, help="classifier input size (px)")
    parser.add_argument("--pipeline", action="store_true", help="also time the whole pipeline")
    args = parser.parse_args()
    if args.threads is not None:
        cv2.setNumThreads(args.threads)
    if args.size:
        from thumbdesk.ml import lite0

        lite0.INPUT_SIZE = args.size
    images = frames()
    from thumbdesk.ml import assets

    total = sum(int(e["size"]) for e in assets.manifest().values())
    print(f"bundled models: {total / 1e6:.1f} MB in {len(assets.manifest())} files")
    print(
        f"cpus {os.cpu_count()}, cv2 threads {cv2.getNumThreads()}, frames {len(images)} x "
        f"{images[0].shape}, load average {os.getloadavg()[0]:.2f}"
    )
    devices = [device.strip() for device in args.backends.split(",")]
    for device in devices:
        bench(device, images, args.runs)
    if args.pipeline:
        bench_pipeline(devices, args.runs)
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
