"""The face term of the score: a large face turned to the camera, smiling, on real photos."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.rank import ranked, rescored
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import FrameTopics, PipelineConfig
from thumbdesk.ml import load_scorer
from thumbdesk.ml.evidence import Evidence
from thumbdesk.ml.faces import APPEAL_SHARES, face_appeal
from thumbdesk.ml.scorer import Scorer

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "photos"


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


def evidence_of(scorer: Scorer, photo: str) -> Evidence:
    image = cv2.imread(str(EVAL / photo))
    assert image is not None, photo
    (ev,) = scorer.evidence([to_working_size(image, 480)])
    assert isinstance(ev, Evidence)
    return ev


def test_large_smiling_faces_turned_to_the_camera_draw_most(scorer: Scorer) -> None:
    """A group selfie (faces half the picture's height, read by the expression model, smiling)
    draws more than a family on steps seen from afar, which draws more than a frame with no
    face; the appeal the topic scores carry is the main face's."""
    selfie = evidence_of(scorer, "selfie_group_many_people.jpg")
    steps = evidence_of(scorer, "family_sitting_on_steps.jpg")
    topics = default_topics()
    appeal = {
        name: scorer.score_topics(ev, topics).face_appeal
        for name, ev in (("selfie", selfie), ("steps", steps))
    }
    main = selfie.faces[0]
    assert selfie.smiles[0] is not None and selfie.smiles[0] > 0.5  # 0.99998 measured
    assert appeal["selfie"] == pytest.approx(face_appeal(main, selfie.smiles[0]), abs=1e-4)
    assert appeal["selfie"] > 0.9  # 1.0 measured
    assert 0.0 < appeal["steps"] < 0.5  # 0.33 measured
    no_face = replace(steps, faces=(), readings=())
    assert scorer.score_topics(no_face, topics).face_appeal == 0.0


def test_a_face_turned_away_or_not_smiling_draws_less(scorer: Scorer) -> None:
    """The same face unread by the expression model (turned away, eyes out of view) loses the
    shares of being turned to the camera and of its smile; read without a smile, the latter."""
    main = evidence_of(scorer, "selfie_group_many_people.jpg").faces[0]
    size_share, turned_share, smile_share = APPEAL_SHARES
    assert face_appeal(main, 1.0) == pytest.approx(size_share + turned_share + smile_share)
    assert face_appeal(main, 0.0) == pytest.approx(size_share + turned_share)
    assert face_appeal(main, None) == pytest.approx(size_share)
    small = replace(main, box=(0.4, 0.4, 0.05, 0.0625))  # a quarter of the full height
    assert face_appeal(small, None) == pytest.approx(size_share / 4)
    assert face_appeal(None) == 0.0


def test_the_face_term_counts_only_in_a_clip_with_faces(core_results) -> None:
    """Two real candidates alike but for their faces: the one with the large smiling face turned
    to the camera ranks first. Where no candidate shows a face the face term weighs nothing, so
    a landscape keeps the score its three other terms give it."""
    base = core_results("bigbuckbunny.mp4").candidates[0]
    config = PipelineConfig()

    def with_face(cluster: int, appeal: float | None):
        faces = 0 if appeal is None else 1
        topics = FrameTopics(
            popularity=0.5,
            faces=faces,
            face_quality=None if appeal is None else 0.6,
            face_appeal=appeal or 0.0,
        )
        return replace(
            base, cluster_id=cluster, frame=replace(base.frame, index=cluster), topics=topics
        )

    far, close = rescored([with_face(0, 0.2), with_face(1, 0.9)], config)
    assert close.breakdown.face == 0.9 and far.breakdown.face == 0.2
    assert close.score > far.score
    assert ranked([far, close])[0].cluster_id == 1

    (alone,) = rescored([with_face(0, None)], config)
    assert alone.breakdown.weights[3] == 0.0
    b = alone.breakdown
    three = sum(w * t for w, t in zip(config.weights[:3], b.terms[:3], strict=True))
    assert alone.score == pytest.approx(three / sum(config.weights[:3]))
