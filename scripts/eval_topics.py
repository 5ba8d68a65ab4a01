"""Measure topic tags on the labelled footage of ``../shared/eval`` (hit@3 and per topic).

Scoring follows ``../shared/eval/README.md``: a photo becomes a 1-second still clip; the
pipeline runs on every item with the default (general) topic list; the rank-1 candidate's
three highest-scoring tags *hit* when any of them is one of the item's label words. Printed:
one line per item (hit or miss, the top tags with scores, the labels), hit@3 over all items,
per-topic recall (for every topic word of the list that labels at least one item: how many
of those items had it among the rank-1 tags), and how many shown tags are outside the labels
(not always wrong: a label list is not exhaustive, so look at the picture).

``--cache DIR`` keeps each item's pipeline result (candidates with their model evidence) in
DIR, so a change to the evidence map or the scoring re-scores every item in seconds with
``rerank``; ``--fresh`` runs the image models again. ``--json FILE`` writes the figures.

    python scripts/eval_topics.py [--cache /tmp/evalcache] [--fresh] [--only NAME...]
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import cv2

from thumbdesk.core.formats import IMAGE_FORMATS
from thumbdesk.core.pipeline import pick, rerank
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import PipelineResult, Topic
from thumbdesk.ml import load_scorer

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = ROOT / ".." / "shared" / "eval"
STILL_SECONDS = 1.0
STILL_FPS = 25
STILL_LONG_SIDE = 1920
TOP_TAGS = 3


def load_labels(eval_dir: Path = EVAL_DIR) -> dict[str, list[str]]:
    """Item path (relative to ``eval_dir``) -> its label words."""
    labels: dict[str, list[str]] = json.loads((eval_dir / "LABELS.json").read_text())
    return labels


def still_clip(photo: Path, folder: Path) -> Path:
    """A 1-second clip of ``photo`` (long side at most 1920 px), as the README scores photos."""
    image = cv2.imread(str(photo), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {photo}")
    height, width = image.shape[:2]
    scale = min(1.0, STILL_LONG_SIDE / max(height, width))
    size = (max(2, round(width * scale) // 2 * 2), max(2, round(height * scale) // 2 * 2))
    image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    out = folder / (photo.stem + ".mp4")
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), STILL_FPS, size)
    for _ in range(round(STILL_SECONDS * STILL_FPS)):
        writer.write(image)
    writer.release()
    return out


def cache_file(cache: Path, item: str) -> Path:
    """Where ``--cache`` keeps the pipeline's result for ``item`` (a path under the eval dir)."""
    return cache / (item.replace("/", "__") + ".pkl")


def cached_result(cache: Path, item: str) -> PipelineResult | None:
    """The result ``--cache`` kept for ``item`` as the pipeline gave it, or None."""
    path = cache_file(cache, item)
    if not path.exists():
        return None
    with path.open("rb") as f:
        result: PipelineResult = pickle.load(f)
    return result


def item_result(
    item: str, eval_dir: Path, device: str, cache: Path | None, fresh: bool
) -> PipelineResult:
    """The pipeline's result for one item, from the cache when allowed."""
    scorer = load_scorer(device)
    topics = default_topics()
    stored = cached_result(cache, item) if cache and not fresh else None
    if stored is not None:
        return rerank(stored, scorer, topics)
    source = eval_dir / item
    with tempfile.TemporaryDirectory() as tmp:
        path = still_clip(source, Path(tmp)) if source.suffix.lower() in IMAGE_FORMATS else source
        result = pick(path, scorer=scorer, topics=topics)
    if cache is not None:
        cached = cache_file(cache, item)
        cached.parent.mkdir(parents=True, exist_ok=True)
        with cached.open("wb") as f:
            pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return result


def evaluate(
    items: dict[str, list[str]],
    eval_dir: Path,
    device: str,
    cache: Path | None,
    fresh: bool,
    topics: tuple[Topic, ...],
) -> dict[str, object]:
    """Run every item; print a line each; return the figures."""
    words = {t.word for t in topics}
    hits = 0
    shown_outside = shown_total = 0
    recall: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    per_item = {}
    for item, labels in sorted(items.items()):
        result = item_result(item, eval_dir, device, cache, fresh)
        top = result.candidates[0] if result.candidates else None
        tags = list(top.topics.topics[:TOP_TAGS]) if top else []
        tag_words = [t.word for t in tags]
        hit = any(w in labels for w in tag_words)
        hits += hit
        shown_total += len(tag_words)
        shown_outside += sum(w not in labels for w in tag_words)
        for word in set(labels) & words:
            recall[word][1] += 1
            recall[word][0] += word in tag_words
        time_s = f"{top.frame.time_s:5.2f}s" if top else "  -  "
        shown = ", ".join(f"{t.word} {t.score:.2f}" for t in tags) or "(no tags)"
        print(f"{'HIT ' if hit else 'miss'} {item:48s} {time_s}  {shown:40s} | {' '.join(labels)}")
        per_item[item] = {"hit": hit, "tags": tag_words}
    n = len(items)
    print(f"\nhit@{TOP_TAGS}: {hits}/{n} ({hits / max(n, 1):.0%})")
    print(f"shown tags outside the labels: {shown_outside} of {shown_total}")
    print("per-topic recall (rank-1 tags):")
    for word, (got, total) in sorted(recall.items(), key=lambda kv: (-kv[1][1], kv[0])):
        print(f"  {word:12s} {got}/{total}")
    return {
        "hits": hits,
        "items": n,
        "hit_rate": hits / max(n, 1),
        "shown_outside": shown_outside,
        "shown_total": shown_total,
        "recall": {w: {"hit": g, "items": t} for w, (g, t) in recall.items()},
        "per_item": per_item,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--cache", type=Path, help="keep pipeline results here (re-score fast)")
    parser.add_argument("--fresh", action="store_true", help="ignore cached results")
    parser.add_argument("--only", nargs="*", help="items whose path contains one of these")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    items = load_labels(args.eval_dir)
    if args.only:
        items = {k: v for k, v in items.items() if any(s in k for s in args.only)}
    figures = evaluate(
        items, args.eval_dir, args.device, args.cache, args.fresh, tuple(default_topics())
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
