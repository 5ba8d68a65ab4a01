"""The style probe (``ml/style.py``): a drawn frame is tagged "cartoon", camera footage never.

Real images through the real classifier and probe: a still of a 2D-animated film the probe was
not trained on, the photos of ../shared/eval and frames of the real clips of ../shared/videos.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.topics import default_topics
from thumbdesk.ml import load_scorer
from thumbdesk.ml.scorer import Scorer
from thumbdesk.ml.style import style_probe

HERE = Path(__file__).resolve().parent
DRAWN = HERE / "data" / "style" / "hero_grease_pencil.jpg"
SHARED = HERE.parent / ".." / "shared"
FILMED_CLIPS = ("bikes.mp4", "moviepy_fire2_dog.mp4", "moviepy_airplane_fade.mp4")


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


def test_a_drawn_frame_is_tagged_cartoon(scorer) -> None:
    image = cv2.imread(str(DRAWN), cv2.IMREAD_COLOR)
    evidence = scorer.evidence([image])[0]
    assert evidence.cartoon >= style_probe().threshold
    tags = [t.word for t in scorer.score_topics(evidence, default_topics()).topics]
    assert "cartoon" in tags[:3], tags
    assert "man" in tags  # the people models still see who is drawn


def test_no_photo_of_the_eval_set_is_called_drawn(scorer) -> None:
    photos = sorted((SHARED / "eval" / "photos").glob("*.jpg"))
    assert len(photos) >= 20
    images = [to_working_size(cv2.imread(str(p), cv2.IMREAD_COLOR), 480) for p in photos]
    evidence_of = scorer.evidence(images)
    readings = {p.name: ev.cartoon for p, ev in zip(photos, evidence_of, strict=True)}
    called = {name: p for name, p in readings.items() if p >= style_probe().threshold}
    assert not called, called
    for evidence in evidence_of[:4]:
        assert "cartoon" not in [
            t.word for t in scorer.score_topics(evidence, default_topics()).topics
        ]


@pytest.mark.parametrize("name", FILMED_CLIPS)
def test_no_frame_of_a_filmed_clip_is_called_drawn(scorer, name: str) -> None:
    with FrameReader(SHARED / "videos" / name) as reader:
        count = reader.frame_count
        images = [
            to_working_size(reader.read(i), 480) for i in np.linspace(0, count - 1, 8, dtype=int)
        ]
    readings = [ev.cartoon for ev in scorer.evidence(images)]
    assert max(readings) < style_probe().threshold, readings


def test_the_reading_is_the_same_from_kept_float16_probabilities() -> None:
    """Evidence keeps float16 probabilities; the probe reads them as it reads float32 ones."""
    rng = np.random.default_rng(0)
    logits = rng.normal(0.0, 3.0, (4, 1000)).astype(np.float32)
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    full, half = style_probe().cartoon(probs), style_probe().cartoon(probs.astype(np.float16))
    assert np.allclose(full, half, atol=2e-3)
