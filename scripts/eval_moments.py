"""Measure the pick against a creator's marked moments: good and best, with FFmpeg beside it.

A set of marked clips is a folder with a ``MOMENTS.json`` (or one named with ``--moments``)::

    {"clips/dance.mp4": {"good": [[0.0, 4.5], [6.0, 9.2]], "best": [[7.1, 7.9]]}, ...}

the keys relative to the folder; ``good`` lists every time span (seconds) where a frame
would make a fine thumbnail, ``best`` the one to three short spans (0.3-3 s) of the very best
moment. Spans are marked by a person from timestamped contact sheets before any tool has run
on the clip. For each clip the script runs the real pipeline (bundled model, general preset)
and reports whether the pick, and any of the top three, lies in a good and in a best moment
(within ``SLACK_S``), with the same for FFmpeg's thumbnail filter (``ffmpeg -vf thumbnail``,
when ffmpeg is on the PATH) and what a frame drawn at random would score (the share of the
clip the spans cover). Issue 12's targets: the pick in a good moment on 90% of clips and in
the best one on 40%.

    python scripts/eval_moments.py FOLDER [FOLDER...] [--moments FILE] [--device cpu]
        [--json OUT.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pick_common import ffmpeg_thumbnail, in_spans, load_model, run
from thumbdesk.core.model_api import FrameScorer

SLACK_S = 0.05
"""A time this close to a span counts as inside it (a frame step at 20 fps)."""
TOP = 3

Span = tuple[float, float]


@dataclass(frozen=True)
class Moments:
    """A creator's marks on one clip."""

    good: tuple[Span, ...]
    best: tuple[Span, ...]


@dataclass(frozen=True)
class ClipScore:
    """Where the pick and the peer's frame fall in one clip's marked moments."""

    clip: str
    pick_s: float | None
    good: bool
    best: bool
    good_in_top: bool
    best_in_top: bool
    random_good: float
    """Share of the clip in a good moment: what a frame drawn at random scores."""
    random_best: float
    peer_s: float | None = None
    peer_good: bool | None = None
    peer_best: bool | None = None


def inside(spans: Sequence[Span], time_s: float | None) -> bool:
    """Whether ``time_s`` lies in one of ``spans`` (within SLACK_S)."""
    return time_s is not None and in_spans(time_s, spans, SLACK_S)


def covered(spans: Sequence[Span], duration_s: float) -> float:
    """Share of a clip of ``duration_s`` the ``spans`` cover (overlaps counted once)."""
    if duration_s <= 0:
        return 0.0
    total, reach = 0.0, 0.0
    for begin, end in sorted((max(0.0, a), min(duration_s, b)) for a, b in spans):
        start = max(begin, reach)
        if end > start:
            total, reach = total + end - start, end
    return total / duration_s


def load_moments(path: Path) -> dict[str, Moments]:
    """The marks of a MOMENTS.json, by clip path relative to its folder."""
    raw = json.loads(path.read_text())
    return {
        item: Moments(
            tuple((float(a), float(b)) for a, b in marks.get("good", [])),
            tuple((float(a), float(b)) for a, b in marks.get("best", [])),
        )
        for item, marks in raw.items()
    }


def score_clip(
    clip: Path, name: str, moments: Moments, scorer: FrameScorer | None, peer: bool
) -> ClipScore:
    """Run the pipeline (and the peer) on ``clip`` and score both against ``moments``."""
    result = run(clip, scorer)
    times = [c.frame.time_s for c in result.candidates[:TOP]]
    pick_s = times[0] if times else None
    duration = result.video.duration_s
    found = ffmpeg_thumbnail(clip) if peer else None
    peer_s = None if found is None else found.time_s
    return ClipScore(
        clip=name,
        pick_s=pick_s,
        good=inside(moments.good, pick_s),
        best=inside(moments.best, pick_s),
        good_in_top=any(inside(moments.good, t) for t in times),
        best_in_top=any(inside(moments.best, t) for t in times),
        random_good=round(covered(moments.good, duration), 4),
        random_best=round(covered(moments.best, duration), 4),
        peer_s=peer_s,
        peer_good=None if peer_s is None else inside(moments.good, peer_s),
        peer_best=None if peer_s is None else inside(moments.best, peer_s),
    )


def summary(scores: Sequence[ClipScore]) -> str:
    """One paragraph of totals."""
    n = len(scores)
    if not n:
        return "no marked clip found"

    def count(flag: str) -> int:
        return sum(bool(getattr(s, flag)) for s in scores)

    lines = [
        f"pick in a good moment {count('good')}/{n}, in the best {count('best')}/{n}; "
        f"top {TOP}: good {count('good_in_top')}/{n}, best {count('best_in_top')}/{n}",
        f"a random frame: good {sum(s.random_good for s in scores):.1f}/{n}, "
        f"best {sum(s.random_best for s in scores):.1f}/{n}",
    ]
    peered = [s for s in scores if s.peer_s is not None]
    if peered:
        good = sum(bool(s.peer_good) for s in peered)
        best = sum(bool(s.peer_best) for s in peered)
        lines.append(f"FFmpeg thumbnail: good {good}/{len(peered)}, best {best}/{len(peered)}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--moments", type=Path, help="the marks (default: FOLDER/MOMENTS.json)")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--no-peer", action="store_true", help="skip FFmpeg's thumbnail filter")
    parser.add_argument("--json", type=Path, help="write every clip's figures here")
    args = parser.parse_args(argv)
    scorer = load_model(args.device)
    scores: list[ClipScore] = []
    for folder in args.folders:
        marks = load_moments(args.moments or folder / "MOMENTS.json")
        for item, moments in sorted(marks.items()):
            clip = folder / item
            if not clip.is_file():
                print(f"{item}: not found, skipped", file=sys.stderr)
                continue
            score = score_clip(clip, item, moments, scorer, peer=not args.no_peer)
            scores.append(score)
            peer = (
                ""
                if score.peer_s is None
                else f"; FFmpeg {score.peer_s:.2f} s good {score.peer_good} best {score.peer_best}"
            )
            pick = "none" if score.pick_s is None else f"{score.pick_s:.2f} s"
            print(f"{item}: pick {pick} good {score.good} best {score.best}{peer}", flush=True)
    print(summary(scores))
    if args.json:
        args.json.write_text(json.dumps([asdict(s) for s in scores], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
