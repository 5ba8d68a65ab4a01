"""The full-resolution second look: small faces read again from the file (real clips, models)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.detail import DetailPass
from thumbdesk.core.model_api import DetailScorer
from thumbdesk.core.pipeline import pick
from thumbdesk.core.probe import probe
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import Frame
from thumbdesk.ml import load_scorer
from thumbdesk.ml.scorer import Scorer

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
DANCERS = EVAL / "clips" / "dance_three_women_studio.mp4"  # 720x1280, three women, far away
GENDERED = {"woman", "man", "girl", "boy"}


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


@pytest.fixture(scope="module")
def dancers() -> tuple[Frame, object]:
    """Frame 30 of the dancers at working size, and what the models saw in it there."""
    with FrameReader(DANCERS) as reader:
        full = reader.read(30)
    frame = Frame(30, 1.0, to_working_size(full, 480))
    return frame, load_scorer("cpu").evidence([frame.image])[0]


def tags(scorer: Scorer, evidence: object) -> set[str]:
    return {t.word for t in scorer.score_topics(evidence, default_topics()).topics}


def test_the_scorer_offers_detail(scorer: Scorer) -> None:
    assert isinstance(scorer, DetailScorer)


def test_small_faces_ask_for_detail_and_get_named(scorer: Scorer, dancers) -> None:
    frame, evidence = dancers
    assert evidence.faces, "the dancers' faces are found at working size"
    assert all(r.female is None for r in evidence.readings)  # too small to judge at 480 px
    # only their bodies say who they are (ml.bodies), and nothing says otherwise
    assert GENDERED & tags(scorer, evidence) <= {"woman"}
    assert scorer.wants_detail(evidence, 1280 / 480)
    assert not scorer.wants_detail(evidence, 1.0)  # no larger copy: nothing to gain

    info = probe(DANCERS)
    detail = DetailPass(scorer, info, [])
    try:
        (completed,) = detail.complete([frame], [evidence])
    finally:
        detail.close()
    assert detail.reads == 1
    assert all(r.female is not None for r in completed.readings)
    assert "woman" in tags(scorer, completed)
    assert completed.objects == evidence.objects  # only the faces are read again


def test_judged_faces_do_not_ask_again(scorer: Scorer, dancers) -> None:
    frame, evidence = dancers
    info = probe(DANCERS)
    detail = DetailPass(scorer, info, [])
    (completed,) = detail.complete([frame], [evidence])
    assert not scorer.wants_detail(completed, 1280 / 480)
    again = DetailPass(scorer, info, [], budget=0)
    assert again.complete([frame], [evidence]) == [evidence]
    assert again.reads == 0
    detail.close()


def test_an_unreadable_file_keeps_the_evidence(scorer: Scorer, dancers, tmp_path: Path) -> None:
    frame, evidence = dancers
    info = replace(probe(DANCERS), path=str(tmp_path / "gone.mp4"))
    detail = DetailPass(scorer, info, [])
    assert detail.complete([frame, frame], [evidence, evidence]) == [evidence, evidence]
    detail.close()


def test_the_pipeline_names_people_far_from_the_camera(scorer: Scorer) -> None:
    result = pick(DANCERS, scorer=scorer, topics=default_topics())
    top = {t.word for t in result.candidates[0].topics.topics[:3]}
    assert "woman" in top, top
