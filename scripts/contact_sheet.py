"""Contact sheet of what the pipeline picked and rejected, one PNG per run.

For each clip: a row of its candidates in rank order (rank, time, score, tags, faces), then
the rejected frames with their reasons (duplicates last, at most ``--max-rejected`` shown,
spread over the clip). Look at it before and after changing the pick logic.

    python scripts/contact_sheet.py [CLIP_OR_FOLDER...] [-o /tmp/sheet.png] [--device cpu]

Without clips it runs every clip in ../shared/videos. Outputs are scratch: never commit them.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from pick_common import clips, frames_at, load_model, run
from thumbdesk.core.types import Candidate, PipelineResult

TILE_W, TILE_H = 240, 135
LABEL_H = 72
COLUMNS = 8
FONT = cv2.FONT_HERSHEY_SIMPLEX


def _tile(image: np.ndarray | None, lines: list[str], colour: tuple[int, int, int]) -> np.ndarray:
    tile = np.full((TILE_H + LABEL_H, TILE_W, 3), 32, np.uint8)
    if image is not None:
        h, w = image.shape[:2]
        scale = min(TILE_W / w, TILE_H / h)
        small = cv2.resize(image, (max(1, round(w * scale)), max(1, round(h * scale))))
        y0, x0 = (TILE_H - small.shape[0]) // 2, (TILE_W - small.shape[1]) // 2
        tile[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] = small
    cv2.rectangle(tile, (0, 0), (TILE_W - 1, TILE_H - 1), colour, 2)
    for row, text in enumerate(lines[:5]):
        cv2.putText(tile, text, (4, TILE_H + 13 + 14 * row), FONT, 0.38, (235, 235, 235), 1)
    return tile


def _grid(tiles: list[np.ndarray]) -> list[np.ndarray]:
    rows = []
    for first in range(0, len(tiles), COLUMNS):
        row = tiles[first : first + COLUMNS]
        row += [np.zeros_like(tiles[0])] * (COLUMNS - len(row))
        rows.append(np.hstack(row))
    return rows


def _banner(text: str) -> np.ndarray:
    bar = np.full((26, TILE_W * COLUMNS, 3), 70, np.uint8)
    cv2.putText(bar, text, (6, 18), FONT, 0.55, (255, 255, 255), 1)
    return bar


def _text_note(candidate: Candidate) -> str:
    """' text 4%' (the share of the picture under burnt-in text), or nothing without text."""
    text = candidate.topics.text
    return f" text {text.share:.0%}" if text is not None and text.boxes else ""


def _spread(items: list, limit: int) -> list:
    """At most ``limit`` of ``items``, evenly spread (the first and last kept)."""
    if len(items) <= limit:
        return items
    picks = np.linspace(0, len(items) - 1, limit).round().astype(int)
    return [items[i] for i in sorted(set(picks.tolist()))]


def clip_sheet(clip: Path, result: PipelineResult, max_rejected: int) -> np.ndarray:
    """The candidates and rejected frames of one clip, stacked."""
    non_dup = [r for r in result.rejected if r.reason != "duplicate"]
    dups = [r for r in result.rejected if r.reason == "duplicate"]
    shown = _spread(non_dup, max_rejected) + _spread(dups, max(4, max_rejected // 2))
    images = frames_at(
        clip, result, [c.frame.index for c in result.candidates] + [r.frame_index for r in shown]
    )
    tiles = []
    for c in result.candidates:
        tags = ", ".join(t.word for t in c.topics.topics[:3]) or "-"
        b = c.breakdown
        lines = [
            f"#{c.rank} t={c.frame.time_s:.2f}s score {c.score:.3f}",
            f"q{b.quality:.2f} r{b.representativeness:.2f} p{b.popularity:.2f} f{b.face:.2f}"
            f" n{c.cluster_size}",
            f"{tags}"[:40],
            f"faces {c.topics.faces}{_text_note(c)} {c.flag_reason if c.flagged else ''}"[:46],
            (
                f"was: {c.face_note}"
                if c.face_note
                else f"peak: {c.moment_note}"
                if c.moment_note
                else f"face: {c.face_flaw}"
                if c.face_flaw
                else f"lesser moment: {c.moment_flaw}"
                if c.moment_flaw
                else ""
            )[:46],
        ]
        tiles.append(_tile(images[c.frame.index], lines, (0, 200, 0)))
    rej_tiles = []
    for r in shown:
        wrapped = textwrap.wrap(r.detail, 40)[:3]
        lines = [f"{r.reason} t={r.time_s:.2f}s", *wrapped]
        colour = (0, 160, 255) if r.reason == "duplicate" else (0, 0, 220)
        rej_tiles.append(_tile(images[r.frame_index], lines, colour))
    title = (
        f"{clip.name}: {len(result.candidates)} candidates, {len(result.rejected)} rejected "
        f"of {result.sampled} sampled"
    )
    parts = [_banner(title), *_grid(tiles)]
    if rej_tiles:
        parts += [_banner(f"rejected ({len(shown)} of {len(result.rejected)} shown)")]
        parts += _grid(rej_tiles)
    for warning in result.warnings:
        parts.append(_banner(warning[:120]))
    return np.vstack(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clips", nargs="*")
    parser.add_argument("-o", "--output", type=Path, default=Path("/tmp/contact_sheet.png"))
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--max-rejected", type=int, default=16)
    args = parser.parse_args(argv)
    scorer = load_model(args.device)
    sheets = []
    for clip in clips(args.clips):
        result = run(clip, scorer)
        sheets.append(clip_sheet(clip, result, args.max_rejected))
        sheets.append(np.zeros((12, TILE_W * COLUMNS, 3), np.uint8))
        print(f"{clip.name}: {len(result.candidates)} candidates", flush=True)
    if not sheets:
        print("no clips", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(args.output), np.vstack(sheets))
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
