"""Evaluate the topic tags on labelled real frames: precision@3 and per-topic hits.

Reads ``tests/data/eval/frames.csv`` (clips of ../shared/videos by file and time, and
scikit-image's sample photos by name, which needs ``scikit-image`` installed), scores every
frame against the general preset, and prints per frame the top-3 tags next to the labels,
then precision@3 (hits in the top 3 / 3), hit-normalised precision@3 (hits / min(3, labels)),
and for every labelled topic how many of its frames had it in the top 3. Frames with no
label (nothing popular in view) count only for the ranking metric.

Popularity ranking: within each clip, every pair of frames whose labels differ in
popularity (a frame's label value is the largest ``sqrt(weight / max weight)`` of its
labels, 0 without labels; pairs closer than 0.05 are skipped) counts as right when the
frame with the more popular labels gets the higher popularity (a tie counts half).
The figure printed is the pairwise accuracy over all such pairs.

    python scripts/eval_frames.py [--device cpu] [--fit squash|crop] [--power 2] [--size 192]
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
EVAL_FILE = ROOT / "tests" / "data" / "eval" / "frames.csv"
VIDEOS = ROOT / ".." / "shared" / "videos"


def read_video_frame(path: Path, time_s: float) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    try:
        cap.set(cv2.CAP_PROP_POS_MSEC, time_s * 1000.0)
        ok, img = cap.read()
    finally:
        cap.release()
    if not ok or img is None:
        raise SystemExit(f"cannot read {path} at {time_s} s")
    return img


def read_skimage(name: str) -> np.ndarray:
    from skimage import data

    img = getattr(data, name)()
    if isinstance(img, tuple):  # stereo pairs: take the left image
        img = img[0]
    img = np.asarray(img)
    if img.dtype != np.uint8:
        img = (img * 255).astype(np.uint8) if img.max() <= 1 else img.astype(np.uint8)
    if img.ndim == 2:
        return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(img[:, :, 2::-1])


def load_eval_set(path: Path = EVAL_FILE) -> list[tuple[str, np.ndarray, set[str]]]:
    """(name, BGR image, labels) of every row of the evaluation file."""
    rows = [r for r in csv.reader(path.open()) if r and not r[0].startswith("#")]
    out = []
    for source, time_s, labels in rows[1:]:
        if source.startswith("skimage:"):
            img = read_skimage(source.split(":", 1)[1])
            name = source
        else:
            img = read_video_frame(VIDEOS / source, float(time_s))
            name = f"{source}@{time_s}s"
        out.append((name, img, {w.strip() for w in labels.split(";") if w.strip()}))
    return out


RANK_MARGIN = 0.05


def clip_of(name: str) -> str:
    """The clip a frame row comes from (skimage photos are each their own clip)."""
    return name.split("@", 1)[0]


def ranking_accuracy(
    rows: list[tuple[str, float, float]],
) -> tuple[float, int]:
    """Pairwise accuracy of (name, label value, popularity) rows within each clip."""
    right, pairs = 0.0, 0
    for i, (name_a, want_a, pop_a) in enumerate(rows):
        for name_b, want_b, pop_b in rows[i + 1 :]:
            if clip_of(name_a) != clip_of(name_b) or abs(want_a - want_b) < RANK_MARGIN:
                continue
            pairs += 1
            if pop_a == pop_b:
                right += 0.5
            elif (pop_a > pop_b) == (want_a > want_b):
                right += 1
    return (right / pairs if pairs else float("nan")), pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--fit", choices=["squash", "crop"], default=None)
    parser.add_argument("--power", type=float, default=None)
    parser.add_argument("--eval-file", type=Path, default=EVAL_FILE)
    parser.add_argument("--size", type=int, default=None, help="classifier input size (px)")
    args = parser.parse_args(argv)

    from thumbdesk.core.topics import default_topics
    from thumbdesk.ml import backends, lite0, load_scorer, scorer

    if args.size:
        lite0.INPUT_SIZE = args.size
    if args.fit:
        backends.FIT = args.fit
    if args.power:
        scorer.AFFINITY_POWER = args.power
    topics = default_topics()
    words = {t.word for t in topics}
    sc = load_scorer(args.device)
    frames = load_eval_set(args.eval_file)
    for _, _, labels in frames:
        if not labels <= words:
            raise SystemExit(f"labels {labels - words} are not general topics")
    evidence = sc.evidence([img for _, img, _ in frames])
    max_weight = max(t.weight for t in topics)
    rel = {t.word: float(np.sqrt(t.weight / max_weight)) for t in topics}
    ranked: list[tuple[str, float, float]] = []
    precisions, normalised = [], []
    seen: dict[str, int] = defaultdict(int)
    hit: dict[str, int] = defaultdict(int)
    for (name, _, labels), ev in zip(frames, evidence, strict=True):
        ft = sc.score_topics(ev, topics)
        ranked.append((name, max((rel[w] for w in labels), default=0.0), ft.popularity))
        top3 = [t.word for t in ft.topics[:3]]
        hits = len(set(top3) & labels)
        if labels:
            precisions.append(hits / 3)
            normalised.append(hits / min(3, len(labels)))
        for w in labels:
            seen[w] += 1
            hit[w] += w in top3
        tags = ", ".join(f"{t.word} {t.score:.2f}" for t in ft.topics[:3]) or "-"
        print(
            f"{name:42s} pop {ft.popularity:.2f} faces {ft.faces}  [{tags}]  labels "
            f"{';'.join(sorted(labels))}  hits {hits}"
        )
    print(
        f"\n{len(frames)} frames ({len(precisions)} labelled) on {sc.device} (fit={backends.FIT}, "
        f"power={scorer.AFFINITY_POWER:g}, size={lite0.INPUT_SIZE})"
    )
    print(f"precision@3            {np.mean(precisions):.3f}")
    print(f"precision@3 normalised {np.mean(normalised):.3f}  (hits / min(3, labels))")
    print(f"frames with a hit in top 3: {sum(p > 0 for p in precisions)}/{len(precisions)}")
    accuracy, pairs = ranking_accuracy(ranked)
    print(f"popularity pairwise accuracy within clips {accuracy:.3f}  ({pairs} pairs)")
    print("per-topic hits (in top 3 / frames labelled):")
    for w in sorted(seen, key=lambda w: (-seen[w], w)):
        print(f"  {w:12s} {hit[w]}/{seen[w]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
