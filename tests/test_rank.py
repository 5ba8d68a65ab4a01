"""Ranking terms on real candidates: how a face's quality counts against frames without one."""

from __future__ import annotations

from dataclasses import replace

import pytest

from thumbdesk.core.quality import quality_score
from thumbdesk.core.rank import NO_FACE_QUALITY, rescored
from thumbdesk.core.types import FrameTopics, PipelineConfig


@pytest.fixture(scope="module")
def base(core_results):
    """A real candidate (decoded, measured, clustered) of a clip, without model evidence."""
    return core_results("bigbuckbunny.mp4").candidates[0]


def _with_face(candidate, face_quality):
    faces = 0 if face_quality is None else 1
    topics = FrameTopics(popularity=0.5, faces=faces, face_quality=face_quality)
    return replace(candidate, topics=topics)


def test_an_average_face_is_no_loss_against_no_face(base) -> None:
    """In a clip that shows faces, a frame without one counts an average face: a clear face
    lifts a frame over the faceless one of the same picture quality, a poor face lowers it,
    an average face leaves it level (it used to lose to the back of a head)."""
    none, poor, average, clear = (_with_face(base, q) for q in (None, 0.2, NO_FACE_QUALITY, 0.9))
    quality = {
        name: c.breakdown.quality
        for name, c in zip(
            ("none", "poor", "average", "clear"),
            rescored([none, poor, average, clear], PipelineConfig()),
            strict=True,
        )
    }
    assert quality["none"] == pytest.approx(quality["average"], abs=1e-4)
    assert quality["poor"] < quality["none"] < quality["clear"]


def test_a_clip_without_faces_is_ranked_on_picture_quality_alone(base) -> None:
    (alone,) = rescored([_with_face(base, None)], PipelineConfig())
    assert alone.breakdown.quality == pytest.approx(quality_score(base.quality), abs=1e-4)


def test_another_take_sets_no_reference(base) -> None:
    """Another take of a group (``core.other_takes``) is measured against the groups: its
    popularity does not become the clip's reference, so the groups score as they would
    without it, and it is ranked by its score as any candidate is."""
    from thumbdesk.core.rank import ranked

    group = replace(base, cluster_id=0, cluster_size=30, topics=FrameTopics(popularity=0.2))
    other = replace(base, cluster_id=1, cluster_size=10, topics=FrameTopics(popularity=0.3))
    take = replace(
        base, cluster_id=2, cluster_size=30, take_of=0, topics=FrameTopics(popularity=0.9)
    )
    alone = rescored([group, other], PipelineConfig())
    scored = rescored([group, other, take], PipelineConfig())
    assert [c.score for c in scored[:2]] == [c.score for c in alone]
    assert scored[2].score > scored[0].score
    assert ranked(scored)[0].cluster_id == 2  # the better picture of the group's shot
