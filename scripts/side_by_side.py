"""Blind side-by-side sheets (our pick against FFmpeg's, a change's before and after), tallied.

Issue 12's last target is a blind side-by-side: a person shown the two thumbnails of a clip,
not told which tool made which, prefers ours or calls them even, on every clip. This script
makes what that person looks at, and counts what they said::

    python scripts/side_by_side.py CLIP_OR_FOLDER... --out DIR [--seed N] [--device cpu]
    python scripts/side_by_side.py --tally DIR

The first form runs the real pipeline (bundled model, general preset) and FFmpeg's thumbnail
filter (``ffmpeg -vf thumbnail``) on each clip and writes ``DIR/sheet_NN.png``: four clips
a sheet, one row each, the two frames side by side labelled "NNN A" and "NNN B", the side of
each tool drawn at random (``--seed``). ``DIR/key.json`` says which side is which; the judge
never opens it, and writes ``DIR/verdicts.json``: ``{"001": "A" | "B" | "tie", ...}``. The
second form reads both and prints the counts: ThumbDesk preferred, FFmpeg preferred, even,
and how often each side was chosen (a judge who favours the left shows there).

A change to the pipeline is judged the same way, before against after::

    python scripts/side_by_side.py --before CACHE --after CACHE --eval-dir DIR --out DIR

``CACHE`` folders are ``eval_topics.py --cache`` runs of the labelled set ``DIR`` (one at the
head, one with the change); every clip whose top pick moved by more than ``--min-shift``
seconds becomes a pair, its old and new frame at random sides, and ``--tally`` counts "after"
against "before". Creators' marked moments can reward a change that no viewer sees: on 49
moved picks of a change that took 11 more picks into a creator's good moment, a blind judge
preferred the old frame 26 times, the new one 19.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from eval_topics import cached_result, load_labels
from pick_common import clips, ffmpeg_thumbnail, frames_at, load_model, run
from thumbdesk.core.formats import IMAGE_FORMATS
from thumbdesk.core.types import PipelineResult

OURS, PEER = "thumbdesk", "ffmpeg"
AFTER, BEFORE = "after", "before"
"""The two sides of a change's sheets (``make_change_sheets``)."""
NAMES = {OURS: "ThumbDesk", PEER: "FFmpeg", AFTER: "after", BEFORE: "before"}
"""How the tally names each side's tool."""
TILE_HEIGHT = 360
"""Height of each frame on a sheet (pixels)."""
PAIRS_PER_SHEET = 4
GAP = 20
"""White space between the two frames of a pair, and between pairs."""
VERDICTS = ("A", "B", "tie")


def tile(image: np.ndarray, label: str) -> np.ndarray:
    """``image`` scaled to TILE_HEIGHT with ``label`` in its top-left corner."""
    height, width = image.shape[:2]
    scaled = cv2.resize(image, (max(1, round(width * TILE_HEIGHT / height)), TILE_HEIGHT))
    for colour, thickness in (((255, 255, 255), 7), ((0, 0, 255), 3)):
        cv2.putText(scaled, label, (8, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.3, colour, thickness)
    return scaled


def pair_row(pair_id: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """One clip's row: the A frame, a gap, the B frame."""
    gap = np.full((TILE_HEIGHT, GAP, 3), 255, np.uint8)
    return np.hstack([tile(left, f"{pair_id} A"), gap, tile(right, f"{pair_id} B")])


def stack(rows: list[np.ndarray]) -> np.ndarray:
    """Rows one under the other, padded white to the widest, GAP apart."""
    width = max(r.shape[1] for r in rows)
    padded: list[np.ndarray] = []
    for row in rows:
        if padded:
            padded.append(np.full((GAP, width, 3), 255, np.uint8))
        padded.append(np.pad(row, ((0, 0), (0, width - row.shape[1]), (0, 0)), constant_values=255))
    return np.vstack(padded)


def make_sheets(paths: list[Path], out: Path, seed: int, device: str) -> dict[str, dict[str, str]]:
    """Run both tools on ``paths``, write the sheets and ``key.json`` into ``out``; the key."""
    out.mkdir(parents=True, exist_ok=True)
    scorer = load_model(device)
    draw = random.Random(seed)
    key: dict[str, dict[str, str]] = {}
    rows: list[np.ndarray] = []
    for clip in paths:
        found = ffmpeg_thumbnail(clip)
        result = run(clip, scorer)
        if found is None or not result.candidates:
            print(f"{clip}: no frame from {'FFmpeg' if found is None else 'ThumbDesk'}, skipped")
            continue
        peer = found.image
        index = result.candidates[0].frame.index
        ours = frames_at(clip, result, [index], long_side=max(peer.shape[:2]))[index]
        pair_id = f"{len(key) + 1:03d}"
        ours_left = draw.random() < 0.5
        key[pair_id] = {"clip": str(clip), "A": OURS if ours_left else PEER}
        rows.append(pair_row(pair_id, *((ours, peer) if ours_left else (peer, ours))))
        print(f"{pair_id}: {clip}", flush=True)
    write_sheets(rows, key, out)
    return key


def make_change_sheets(
    eval_dir: Path, before: Path, after: Path, out: Path, seed: int, min_shift: float
) -> dict[str, dict[str, str]]:
    """Pairs of the clips of ``eval_dir`` whose top pick moved between two cached runs."""
    out.mkdir(parents=True, exist_ok=True)
    draw = random.Random(seed)
    key: dict[str, dict[str, str]] = {}
    rows: list[np.ndarray] = []
    for item in sorted(load_labels(eval_dir)):
        clip = eval_dir / item
        old, new = (cached_pick(cache, item) for cache in (before, after))
        if clip.suffix.lower() in IMAGE_FORMATS or old is None or new is None:
            continue
        old_pick, new_pick = old.candidates[0].frame, new.candidates[0].frame
        if abs(new_pick.time_s - old_pick.time_s) <= min_shift:
            continue
        old_frame = frames_at(clip, old, [old_pick.index], TILE_HEIGHT)[old_pick.index]
        new_frame = frames_at(clip, new, [new_pick.index], TILE_HEIGHT)[new_pick.index]
        pair_id = f"{len(key) + 1:03d}"
        new_left = draw.random() < 0.5
        key[pair_id] = {
            "clip": str(clip),
            "A": AFTER if new_left else BEFORE,
            "B": BEFORE if new_left else AFTER,
        }
        rows.append(
            pair_row(pair_id, *((new_frame, old_frame) if new_left else (old_frame, new_frame)))
        )
        print(f"{pair_id}: {item} {old_pick.time_s:.2f} s -> {new_pick.time_s:.2f} s", flush=True)
    write_sheets(rows, key, out)
    return key


def cached_pick(cache: Path, item: str) -> PipelineResult | None:
    """The cached result of ``item`` in ``cache`` when it has a pick, else None."""
    result = cached_result(cache, item)
    return result if result is not None and result.candidates else None


def write_sheets(rows: list[np.ndarray], key: dict[str, dict[str, str]], out: Path) -> None:
    """The rows, PAIRS_PER_SHEET a sheet, and ``key.json`` into ``out``."""
    for n in range(0, len(rows), PAIRS_PER_SHEET):
        sheet = out / f"sheet_{n // PAIRS_PER_SHEET + 1:02d}.png"
        cv2.imwrite(str(sheet), stack(rows[n : n + PAIRS_PER_SHEET]))
    (out / "key.json").write_text(json.dumps(key, indent=1))


def winner(side: dict[str, str], verdict: str) -> str:
    """Which tool a verdict prefers, or "tie"; ``side`` is the pair's key.

    A key of the FFmpeg sheets names side A only (B is the other of OURS and PEER).
    """
    if verdict == "tie":
        return "tie"
    left = side["A"]
    right = side.get("B") or (PEER if left == OURS else OURS)
    return left if verdict == "A" else right


def tally(key: dict[str, dict[str, str]], verdicts: dict[str, str]) -> str:
    """The summary line: wins of each tool, ties, the sides chosen, the pairs left unjudged."""
    for pair_id, verdict in verdicts.items():
        if pair_id not in key or verdict not in VERDICTS:
            raise ValueError(f"verdict {pair_id}: {verdict!r} is not a pair of the key or A/B/tie")
    wins = Counter(winner(key[p], v) for p, v in verdicts.items())
    sides = Counter(verdicts.values())
    changed = any(AFTER in side.values() for side in key.values())
    first, second = (AFTER, BEFORE) if changed else (OURS, PEER)
    line = (
        f"{NAMES[first]} {wins[first]}, {NAMES[second]} {wins[second]}, tie {wins['tie']}: "
        f"{NAMES[first]} preferred or tied on {wins[first] + wins['tie']} of {len(verdicts)}"
        f" (side chosen: A {sides['A']}, B {sides['B']})"
    )
    missing = sorted(set(key) - set(verdicts))
    if missing:
        line += f"; no verdict for {len(missing)}: {', '.join(missing)}"
    return line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*", help="clips or folders (default ../shared/videos)")
    parser.add_argument("--out", type=Path, help="folder for the sheets and key.json")
    parser.add_argument("--tally", type=Path, metavar="DIR", help="count DIR/verdicts.json")
    parser.add_argument("--seed", type=int, default=7, help="seed of the sides drawn")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--before", type=Path, metavar="CACHE", help="cached run at the head")
    parser.add_argument("--after", type=Path, metavar="CACHE", help="cached run with a change")
    parser.add_argument("--eval-dir", type=Path, help="the labelled set both caches ran on")
    parser.add_argument("--min-shift", type=float, default=0.3, help="seconds a pick must move")
    args = parser.parse_args(argv)
    if args.tally:
        key = json.loads((args.tally / "key.json").read_text())
        verdicts = json.loads((args.tally / "verdicts.json").read_text())
        print(tally(key, verdicts))
        return 0
    if args.out is None:
        parser.error("--out DIR is needed to make sheets (or --tally DIR to count)")
    if args.before or args.after:
        if not (args.before and args.after and args.eval_dir):
            parser.error("--before, --after and --eval-dir go together")
        key = make_change_sheets(
            args.eval_dir, args.before, args.after, args.out, args.seed, args.min_shift
        )
        print(f"{len(key)} moved picks in {args.out}; the judge writes verdicts.json there")
        return 0
    if shutil.which("ffmpeg") is None:
        print("side_by_side: ffmpeg is not on the PATH (apt-get install ffmpeg)", file=sys.stderr)
        return 2
    key = make_sheets(clips(args.clips), args.out, args.seed, args.device)
    print(f"{len(key)} pairs in {args.out}; the judge writes {args.out / 'verdicts.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
