"""The scene probe (``ml/scene.py``): places ImageNet has no class for, named on real footage.

Real images through the real classifier and probe: the photos and a clip of ../shared/eval,
none of which the probe was trained on (``scripts/scene_sources.jsonl``).
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.topics import default_topics
from thumbdesk.ml import load_scorer
from thumbdesk.ml.scene import SCENES, scene_probe
from thumbdesk.ml.scorer import Scorer

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


def called(evidence) -> set[str]:
    """The scenes whose P reaches their head's threshold."""
    probe = scene_probe()
    p = probe.scenes(evidence.probs.astype(np.float32))[0]
    return {name for name, x, t in zip(SCENES, p, probe.thresholds, strict=True) if x >= t}


def photo(name: str) -> np.ndarray:
    return to_working_size(cv2.imread(str(EVAL / "photos" / name), cv2.IMREAD_COLOR), 480)


def test_the_probe_has_a_head_and_a_threshold_per_scene() -> None:
    probe = scene_probe()
    assert probe.names == SCENES
    assert probe.weight.shape == (len(SCENES), 1000)
    assert ((probe.thresholds >= 0.6) & (probe.thresholds < 1.0)).all(), probe.thresholds


def test_a_beach_and_snow_are_named_where_imagenet_has_no_class(scorer) -> None:
    beach, snow = scorer.evidence([photo("beach_kites_people.jpg"), photo("woman_skiing_snow.jpg")])
    assert {"beach", "sea"} <= called(beach)
    assert called(snow) == {"snow"}
    tags = [t.word for t in scorer.score_topics(beach, default_topics()).topics]
    assert {"beach", "sea"} <= set(tags[:3]), tags


def test_a_city_street_is_a_city(scorer) -> None:
    with FrameReader(EVAL / "clips" / "cars_city_traffic_jam.mp4") as reader:
        picks = np.linspace(0.05, 0.9, 5) * reader.frame_count
        images = [to_working_size(reader.read(int(i)), 480) for i in picks]
    cities = sum("city" in called(ev) for ev in scorer.evidence(images))
    assert cities >= 3, cities  # 5 of 5 measured


def test_photos_are_hardly_ever_given_a_place_their_labels_do_not_name(scorer) -> None:
    labels = json.loads((EVAL / "LABELS.json").read_text())
    photos = sorted((EVAL / "photos").glob("*.jpg"))
    assert len(photos) >= 20
    evidence = scorer.evidence([photo(p.name) for p in photos])
    wrong = {}
    for p, ev in zip(photos, evidence, strict=True):
        named = {w.rstrip("s") for w in labels[f"photos/{p.name}"]}
        extra = called(ev) - named
        if extra:
            wrong[p.name] = extra
    # measured: one of 24, two men in suits feeding each other cake read as a wedding (its
    # labels say "celebration"); indoors, portraits, a field, a street crowd: nothing
    assert len(wrong) <= 2, wrong
    assert not any(extra - {"wedding", "concert", "fire"} for extra in wrong.values()), wrong
