"""Measure the people-evidence models on labelled footage (default ../shared/eval).

For each item (photos as they are; clips at 20 / 50 / 80 % of their length), frames are
brought to the pipeline's working size (long side 480), then:

- faces (YuNet, thumbdesk.ml.faces) and their attributes (thumbdesk.ml.people): for faces
  judged (>= GENDER_MIN_PX), how often P(female) > 0.5 matches the item's labels, on items
  whose labels name only women / girls or only men / boys;
- people found: on items whose labels hold a people word, how often NanoDet
  (thumbdesk.ml.detector) finds at least one person, and on the others how often it finds
  one anyway;
- milliseconds per frame of each model (ONNX Runtime; the machine may be loaded).

Usage: ``python scripts/eval_people.py [--eval DIR] [--verbose]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core.decode import to_working_size
from thumbdesk.ml.detector import ObjectDetector
from thumbdesk.ml.faces import FaceDetector
from thumbdesk.ml.people import PeopleAttributes

ROOT = Path(__file__).resolve().parents[1]
FEMALE = {"woman", "girl", "women"}
MALE = {"man", "boy", "men"}
PEOPLE = FEMALE | MALE | {
    "baby", "child", "kid", "person", "people", "family", "couple", "group", "crowd",
    "players", "dancers", "goalkeeper", "selfie",
}  # fmt: skip
WORKING_SIZE = 480


def frames(path: Path) -> list[np.ndarray]:
    """The item's frames at working size."""
    if path.suffix.lower() in (".jpg", ".jpeg", ".png"):
        img = cv2.imread(str(path), cv2.IMREAD_COLOR)
        return [to_working_size(img, WORKING_SIZE)] if img is not None else []
    cap = cv2.VideoCapture(str(path))
    count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
    out = []
    for frac in (0.2, 0.5, 0.8):
        cap.set(cv2.CAP_PROP_POS_FRAMES, int(count * frac))
        ok, img = cap.read()
        if ok:
            out.append(to_working_size(img, WORKING_SIZE))
    cap.release()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval", type=Path, default=ROOT.parent / "shared" / "eval")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    labels: dict[str, list[str]] = json.loads((args.eval / "LABELS.json").read_text())
    faces_det, people, objects = (
        FaceDetector(upscale_small=True),
        PeopleAttributes(),
        ObjectDetector(),
    )
    ms: dict[str, list[float]] = defaultdict(list)
    gender_hits = gender_total = 0
    found = 0
    people_items = 0
    false_person = 0
    no_people_items = 0
    for item, words in sorted(labels.items()):
        want = set(words)
        female_only = bool(want & FEMALE) and not want & MALE
        male_only = bool(want & MALE) and not want & FEMALE
        has_people = bool(want & PEOPLE)
        item_found = False
        notes = []
        for img in frames(args.eval / item):
            t0 = time.perf_counter()
            faces = faces_det.detect(img)
            t1 = time.perf_counter()
            attrs = people.judge(img, faces)
            t2 = time.perf_counter()
            dets = objects.detect(img)
            t3 = time.perf_counter()
            ms["yunet"].append((t1 - t0) * 1e3)
            if any(a.female is not None for a in attrs):
                ms["faceres+emotion (frames with a judged face)"].append((t2 - t1) * 1e3)
            ms["nanodet"].append((t3 - t2) * 1e3)
            item_found |= any(d.label == "person" for d in dets)
            for a in attrs:
                if a.female is None:
                    continue
                if female_only or male_only:
                    gender_total += 1
                    gender_hits += (a.female > 0.5) == female_only
                notes.append(
                    f"face {a.face.size_px:.0f}px F={a.female:.2f} age={a.age:.0f}"
                    f"+-{a.age_spread:.0f}"
                    + (f" happy={a.happy:.2f}" if a.happy is not None else "")
                )
            notes.append("det: " + ", ".join(f"{d.label} {d.score:.2f}" for d in dets[:6]))
        if has_people:
            people_items += 1
            found += item_found
        else:
            no_people_items += 1
            false_person += item_found
        if args.verbose:
            print(f"{item}: {' '.join(words)}")
            for n in notes:
                print(f"    {n}")
    print(f"gender on judged faces of single-gender items: {gender_hits}/{gender_total}")
    print(f"items with people words where NanoDet found a person: {found} of {people_items}")
    print(
        f"items without people words where NanoDet found a person: {false_person} of "
        f"{no_people_items}"
    )
    for name, vals in ms.items():
        print(f"{name}: median {statistics.median(vals):.1f} ms over {len(vals)} frames")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
