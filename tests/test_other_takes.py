"""Other takes of one shot: a clip that gives few candidates offers the pictures its groups hide."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from thumbdesk.core.dedup import SAME_PICTURE, picture_thumb
from thumbdesk.core.other_takes import MIN_CHOICES, middle_band
from thumbdesk.core.pipeline import pick
from thumbdesk.core.rank import rescored
from thumbdesk.core.types import PipelineConfig

CLIP = (
    Path(__file__).resolve().parents[1]
    / ".."
    / "shared"
    / "eval"
    / "clips"
    / "football_goalkeeper_training.mp4"
)

pytestmark = pytest.mark.skipif(not CLIP.exists(), reason="no ../shared/eval")


@pytest.fixture(scope="module")
def result():
    """A goalkeeper training in one shot of an indoor pitch: one group, one candidate before."""
    from thumbdesk.core.topics import default_topics
    from thumbdesk.ml import load_scorer

    return pick(CLIP, scorer=load_scorer("cpu"), topics=default_topics())


def test_a_one_shot_clip_offers_other_pictures_never_the_same_one(result) -> None:
    candidates = result.candidates
    assert len({c.shot for c in candidates}) == 1
    assert len(candidates) >= MIN_CHOICES
    assert [c.take_of is None for c in candidates].count(True) == 1
    thumbs = np.stack([picture_thumb(c.frame.image) for c in candidates])
    likeness = thumbs @ thumbs.T
    assert (likeness[~np.eye(len(thumbs), dtype=bool)] < SAME_PICTURE).all()
    offered = {c.frame.index for c in candidates}
    assert not [r for r in result.rejected if r.frame_index in offered]
    assert all(c.evidence is not None and c.topics.popularity > 0 for c in candidates)


def test_the_group_scores_as_it_would_alone(result) -> None:
    """The group's candidate stands for its takes' frames too and sets the references."""
    group = next(c for c in result.candidates if c.take_of is None)
    assert all(c.take_of == group.cluster_id for c in result.candidates if c is not group)
    alone = rescored([group], PipelineConfig())[0]
    assert alone.score == pytest.approx(group.score)
    sizes = [c.cluster_size for c in result.candidates if c is not group]
    assert group.cluster_size >= sum(sizes)


def test_pictures_are_compared_on_their_middle() -> None:
    """Captions sit under the band compared, titles over it."""
    x, y, w, h = middle_band((10, 20, 640, 360))
    assert (x, w) == (10, 640) and y == 20 + 54 and y + h == 20 + 216
    image = np.zeros((360, 640, 3), np.uint8)
    image[150:200, 100:500] = 200  # the subject, in the middle
    captioned = image.copy()
    captioned[300:340, 80:560] = 255  # a caption line at the bottom
    box = middle_band((0, 0, 640, 360))
    assert picture_thumb(image, box) @ picture_thumb(captioned, box) > 0.99
