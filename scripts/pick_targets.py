"""Measure the pick targets of issue 12 over clips: same-picture pairs and small subjects.

- same-picture pairs: among each clip's top 5 candidates, pairs whose 64x36 grey thumbnails
  correlate at >= 0.98 after brightness normalisation (zero mean, unit spread: a fade copy
  is the same picture). Target: 0 on every clip.
- small subject: for clips listed in ``tests/data/eval/small_subjects.csv`` (a time window
  where a small subject on a plain background is shown), whether one of the top 3
  candidates falls in that window. Target: yes.
- action peaks: for clips listed in ``tests/data/eval/action_peaks.csv`` (the peaks of the
  action in ../shared/eval clips, marked by eye from 4-8 fps strips before the moments step
  was built: the kick, the dive, the top of a jump, the pose at its extreme), whether the top
  pick, and one of the top 3, falls in a marked peak (within ``PEAK_SLACK_S``).

    python scripts/pick_targets.py [CLIP_OR_FOLDER...] [--device cpu]
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pick_common import ROOT, clips, in_spans, load_model, run
from thumbdesk.core.types import Candidate

SAME_PICTURE = 0.98
TOP_PAIRS, TOP_SUBJECT = 5, 3
SUBJECTS = ROOT / "tests" / "data" / "eval" / "small_subjects.csv"
PEAKS = ROOT / "tests" / "data" / "eval" / "action_peaks.csv"
PEAK_SLACK_S = 0.07
"""Half a frame step of the 8 fps strips the peaks were marked on."""


def normalised_thumb(image: np.ndarray) -> np.ndarray:
    """64x36 grey thumbnail, zero mean and unit norm (brightness and contrast removed)."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    thumb = cv2.resize(grey, (64, 36), interpolation=cv2.INTER_AREA).astype(np.float64).ravel()
    thumb -= thumb.mean()
    norm = float(np.linalg.norm(thumb))
    return thumb / norm if norm > 1e-9 else thumb


def same_picture_pairs(candidates: tuple[Candidate, ...]) -> list[tuple[int, int, float]]:
    """(rank, rank, correlation) of every same-picture pair among the top candidates."""
    top = candidates[:TOP_PAIRS]
    thumbs = [normalised_thumb(c.frame.image) for c in top]
    pairs = []
    for i in range(len(top)):
        for j in range(i + 1, len(top)):
            corr = float(thumbs[i] @ thumbs[j])
            if corr >= SAME_PICTURE:
                pairs.append((top[i].rank, top[j].rank, corr))
    return pairs


def subject_windows() -> dict[str, tuple[float, float]]:
    with SUBJECTS.open(newline="") as handle:
        return {
            row["clip"]: (float(row["start_s"]), float(row["end_s"]))
            for row in csv.DictReader(handle)
        }


def action_peaks() -> dict[str, list[tuple[float, float]]]:
    peaks: dict[str, list[tuple[float, float]]] = {}
    with PEAKS.open(newline="") as handle:
        for row in csv.DictReader(handle):
            peaks.setdefault(row["clip"], []).append((float(row["start_s"]), float(row["end_s"])))
    return peaks


def in_peak(time_s: float, peaks: list[tuple[float, float]]) -> bool:
    return in_spans(time_s, peaks, PEAK_SLACK_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    scorer = load_model(args.device)
    windows, peaks = subject_windows(), action_peaks()
    total_pairs, subject_hits, subject_clips = 0, 0, 0
    peak_clips, peak_top1, peak_top3 = 0, 0, 0
    for clip in clips(args.clips):
        result = run(clip, scorer)
        pairs = same_picture_pairs(result.candidates)
        total_pairs += len(pairs)
        line = f"{clip.name}: {len(pairs)} same-picture pair(s) in the top {TOP_PAIRS}"
        if pairs:
            line += " " + ", ".join(f"#{a}~#{b} ({c:.3f})" for a, b, c in pairs)
        if clip.name in windows:
            start, end = windows[clip.name]
            times = [c.frame.time_s for c in result.candidates[:TOP_SUBJECT]]
            hit = any(start <= t <= end for t in times)
            subject_clips += 1
            subject_hits += hit
            shown = ", ".join(f"{t:.2f}" for t in times)
            line += f"; small subject in the top {TOP_SUBJECT}: {'yes' if hit else 'NO'} ({shown})"
        if clip.name in peaks:
            times = [c.frame.time_s for c in result.candidates[:TOP_SUBJECT]]
            top1 = bool(times) and in_peak(times[0], peaks[clip.name])
            top3 = any(in_peak(t, peaks[clip.name]) for t in times)
            peak_clips, peak_top1, peak_top3 = peak_clips + 1, peak_top1 + top1, peak_top3 + top3
            shown = ", ".join(f"{t:.2f}" for t in times)
            line += f"; pick in a marked peak: {'yes' if top1 else 'no'}, top 3: "
            line += f"{'yes' if top3 else 'no'} ({shown})"
        print(line, flush=True)
    print(
        f"TOTAL: {total_pairs} same-picture pair(s); small subject in the top {TOP_SUBJECT} on "
        f"{subject_hits} of {subject_clips} clip(s); pick in a marked action peak on "
        f"{peak_top1} of {peak_clips}, a peak in the top {TOP_SUBJECT} on {peak_top3}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
