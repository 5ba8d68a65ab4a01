"""Benchmark the MiniLM text encoder: does the scorer load without it, its load, ms per word.

Each repetition runs in a fresh process (so file reads, sha256 checks and session creation
are all counted): ``load_scorer("cpu")`` time and whether it loaded the encoder (it must
not), then the first out-of-vocabulary word (the encoder's load plus one word), then
``--words`` further out-of-vocabulary words one at a time (the topic-edit case). Prints
median and best over ``--runs``, with the load average (a shared machine's wall times grow
with it).

    python benchmarks/bench_text_encoder.py [--runs 5] [--words 40]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

CHILD = r"""
import json, sys, time
words = sys.argv[1:]
t0 = time.perf_counter()
from thumbdesk.ml import load_scorer, text_encoder
load_scorer("cpu")
t1 = time.perf_counter()
loaded_with_scorer = text_encoder.loaded()
from thumbdesk.ml.assets import text_embeddings
emb = text_embeddings()
words = [w for w in words if w not in emb.vocab]
t2 = time.perf_counter()
emb.lookup(words[0])
t3 = time.perf_counter()
for w in words[1:]:
    emb.lookup(w)
t4 = time.perf_counter()
print(json.dumps({"scorer_s": t1 - t0, "encoder_loaded_with_scorer": loaded_with_scorer,
                  "first_word_s": t3 - t2, "encoder_load_s": text_encoder.text_encoder().load_s,
                  "ms_per_word": (t4 - t3) * 1000 / max(1, len(words) - 1), "words": len(words)}))
"""

WORDS = [
    "fireplace", "slam dunk", "pickleball", "unboxing", "mukbang", "latte art",
    "street food", "golden hour", "snowman", "campfire", "motocross", "trampoline",
    "waterpark", "aquarium", "carousel", "lighthouse", "knitting", "origami", "snowboarder",
    "pinata", "skatepark", "treehouse", "hammock", "bonfire", "sandcastle", "scuba diver",
    "hot air balloon", "roller coaster", "food truck", "night market", "bubble tea",
    "cheesecake", "lasagna", "paella", "guacamole", "smoothie bowl", "rock climbing",
    "parkour", "breakdance", "kitesurfing", "paragliding",
]  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--words", type=int, default=40)
    args = parser.parse_args()
    words = WORDS[: args.words + 1]
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    rows = []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", CHILD, *words], capture_output=True, text=True, check=True
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    assert not any(r["encoder_loaded_with_scorer"] for r in rows), "scorer loaded the encoder"
    for key, unit in (
        ("scorer_s", "s"),
        ("encoder_load_s", "s"),
        ("first_word_s", "s"),
        ("ms_per_word", "ms"),
    ):
        vals = [r[key] for r in rows]
        print(f"{key:>16}: median {statistics.median(vals):.3f} {unit}, best {min(vals):.3f}")
    print(f"encoder loaded with the scorer: never; {rows[0]['words']} words outside the vocabulary")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
