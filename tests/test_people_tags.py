"""People tags on real frames: selfies (faces held at arm's length and turned to the camera, not
every large face), and a couple named before the woman and the man it is made of.

Frames come from ../shared/eval at the pipeline's working size; the upright copies are the
middle 9:16 of the same frame, as a phone held upright would have filmed it.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.topics import default_topics
from thumbdesk.ml import load_scorer
from thumbdesk.ml.people_features import FaceReading, features

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"

pytestmark = pytest.mark.skipif(not (EVAL / "LABELS.json").exists(), reason="no ../shared/eval")


def shown(image: np.ndarray) -> list[str]:
    scorer = load_scorer("cpu")
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    return [t.word for t in scorer.score_topics(ev, default_topics()).topics]


def upright(image: np.ndarray) -> np.ndarray:
    height, width = image.shape[:2]
    crop = height * 9 // 16
    left = (width - crop) // 2
    return image[:, left : left + crop]


def test_a_group_at_arm_s_length_is_a_selfie() -> None:
    image = cv2.imread(str(EVAL / "photos" / "selfie_group_many_people.jpg"))
    assert "selfie" in shown(image)  # measured 0.73, after woman, man, face, friends


def test_a_lone_large_face_is_a_selfie_only_in_an_upright_frame() -> None:
    cap = cv2.VideoCapture(str(EVAL / "clips" / "woman_funny_faces_closeup.mp4"))
    cap.set(cv2.CAP_PROP_POS_FRAMES, 30)
    ok, image = cap.read()
    cap.release()
    assert ok
    assert "selfie" not in shown(image)  # a square close-up: someone else may film it
    assert "selfie" in shown(upright(image))  # measured 1.0


def test_a_baby_does_not_film_itself() -> None:
    face = FaceReading((0.3, 0.2, 0.4, 0.5), 0.95, 200.0, female=0.4, age=30.0)
    grown = features((face,), frame_aspect=9 / 16)["selfie"]
    assert grown >= 0.9
    baby = FaceReading(face.box, 0.95, 200.0, female=0.4, age=30.0, groups=(0.9, 0.05, 0.0))
    assert features((baby,), frame_aspect=9 / 16)["selfie"] == 0.0
    assert features((face,), frame_aspect=16 / 9)["selfie"] == 0.0


def test_a_couple_goes_before_the_woman_and_the_man() -> None:
    image = cv2.imread(str(EVAL / "photos" / "man_woman_couple_event.jpg"))
    tags = shown(image)
    assert tags[0] == "couple"  # measured couple, woman, selfie, man, face (all 1.0)
    assert {"woman", "man"} <= set(tags)


def test_a_selfie_looks_at_the_camera() -> None:
    """A man and a woman at an event, turned to each other (the main face's frontal 0.3), were
    a selfie by their faces' size alone; whoever holds the phone looks at it."""
    image = cv2.imread(str(EVAL / "photos" / "man_woman_couple_event.jpg"))
    assert "selfie" not in shown(image)
    face = FaceReading((0.3, 0.2, 0.4, 0.5), 0.95, 200.0, female=0.4, age=30.0)
    turned = FaceReading(face.box, 0.95, 200.0, female=0.4, age=30.0, frontal=0.2)
    assert features((face,), frame_aspect=9 / 16)["selfie"] >= 0.9
    assert features((turned,), frame_aspect=9 / 16)["selfie"] == 0.0
