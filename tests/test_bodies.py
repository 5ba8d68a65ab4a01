"""People without a judged face: the body probe says woman or man (real clip, real models)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.topics import default_topics
from thumbdesk.ml import load_scorer
from thumbdesk.ml.bodies import MAX_BODIES, bodies_to_read, body_crop
from thumbdesk.ml.detector import Detection
from thumbdesk.ml.people_features import features
from thumbdesk.ml.readings import FaceReading, PersonReading
from thumbdesk.ml.scorer import Scorer

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "clips"


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


@pytest.mark.parametrize(
    ("clip", "index", "word", "other"),
    [
        ("woman_yoga_outdoor_terrace.mp4", 80, "woman", "man"),  # side on, in a yoga pose
        ("people_walking_opera_house.mp4", 80, "man", "woman"),  # faces too small to judge
    ],
)
def test_a_person_without_a_judged_face_is_named_from_the_body(
    scorer: Scorer, clip: str, index: int, word: str, other: str
) -> None:
    with FrameReader(EVAL / clip) as reader:
        image = to_working_size(reader.read(index), 480)
    (evidence,) = scorer.evidence([image])
    assert all(r.female is None for r in evidence.readings)  # no face says who it is
    ((_, female, child),) = evidence.bodies
    assert abs(female - 0.5) >= 0.3 and child < 0.3  # a grown-up, clearly a woman or a man
    words = {t.word for t in scorer.score_topics(evidence, default_topics()).topics}
    assert word in words and other not in words


def _person(female: float | None, score: float = 0.8, child: float = 0.05) -> PersonReading:
    return PersonReading((0.3, 0.1, 0.3, 0.8), score, 9 / 16, False, female, child)


def test_a_clear_body_names_a_woman_or_a_man_less_surely_than_a_face() -> None:
    woman = features([], [_person(0.95)])
    man = features([], [_person(0.05)])
    assert 0.4 <= woman["woman"] < 1.0 and woman["man"] == 0.0
    assert 0.4 <= man["man"] < 1.0 and man["woman"] == 0.0
    face = FaceReading((0.4, 0.15, 0.1, 0.15), 0.95, 80.0, female=0.97, age=30.0)
    assert features([face], [_person(None)])["woman"] > woman["woman"]


def test_an_unsure_body_or_one_with_a_judged_face_says_nothing_of_itself() -> None:
    assert features([], [_person(0.55)])["man"] == features([], [_person(0.55)])["woman"] == 0.0
    # a face in the person's head was judged: the face speaks, not the body
    man_face = FaceReading((0.42, 0.15, 0.06, 0.1), 0.95, 60.0, female=0.05, age=35.0)
    said = features([man_face], [_person(0.95)])
    assert said["woman"] == 0.0 and said["man"] > 0.5
    # an unsure detection counts as little as the person does
    assert features([], [_person(0.95, score=0.35)])["woman"] == 0.0
    # a child's body makes no woman or man of the child
    assert features([], [_person(0.95, child=0.8)])["woman"] == 0.0
    half = features([], [_person(0.95, child=0.5)])["woman"]
    assert 0.0 < half < features([], [_person(0.95)])["woman"]


def test_bodies_to_read_are_big_sure_people_without_a_judged_face() -> None:
    tall, small = (0.1, 0.1, 0.2, 0.8), (0.7, 0.7, 0.05, 0.1)
    objects = [
        Detection("person", 0.9, tall),
        Detection("person", 0.9, small),  # too small to show a body
        Detection("person", 0.3, (0.5, 0.1, 0.2, 0.8)),  # unsure
        Detection("dog", 0.9, (0.3, 0.5, 0.3, 0.4)),
    ]
    assert bodies_to_read(objects, []) == [tall]
    judged = FaceReading((0.15, 0.12, 0.05, 0.08), 0.9, 40.0, female=0.9, age=30.0)
    unjudged = FaceReading((0.15, 0.12, 0.05, 0.08), 0.9, 20.0)
    assert bodies_to_read(objects, [judged]) == []
    assert bodies_to_read(objects, [unjudged]) == [tall]
    crowd = [Detection("person", 0.9, (0.1 * k, 0.1, 0.1, 0.6)) for k in range(6)]
    assert len(bodies_to_read(crowd, [])) == MAX_BODIES


def test_the_body_crop_is_square_and_keeps_the_person_whole() -> None:
    image = np.full((270, 480, 3), 255, np.uint8)
    crop = body_crop(image, (0.9, 0.0, 0.1, 1.0))  # at the right edge: black beyond the frame
    assert crop.shape[0] == crop.shape[1] == round(270 * 1.1)
    assert crop[:, -5:].max() == 0 and crop[20:-20, crop.shape[1] // 2].min() == 255
