"""Tags that lean on the shot: the real model on frames of one real clip.

A candidate's tags may lean on what most candidates of its shot show (``core.shot_tags``,
``TopicReader.shot_tags``); its popularity, score and rank stay its own.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from thumbdesk.core.pipeline import pick, rerank
from thumbdesk.core.topics import default_topics
from thumbdesk.ml import load_scorer
from thumbdesk.ml.scorer import Scorer

from .conftest import clip
from .test_ml_scorer import read_frame, read_frame_index


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer("cpu")


def words(tags) -> list[str]:
    return [t.word for t in tags]


def test_a_frame_leans_on_what_most_of_its_shot_shows(scorer: Scorer) -> None:
    room = read_frame_index("moviepy_fire2_dog.mp4", 0)  # a room and a TV, the dog not yet in
    dog = read_frame_index("moviepy_fire2_dog.mp4", 15)
    dog_later = read_frame("moviepy_fire2_dog.mp4", 1.8)
    evidence = scorer.evidence([room, dog, dog_later])
    topics = default_topics()
    alone = scorer.score_topics(evidence[0], topics)
    assert "dog" not in words(alone.topics)
    together = scorer.shot_tags(evidence, topics)
    assert "dog" in words(together[0])  # two of the shot's three frames show the dog surely
    assert "dog" in words(together[1]) and "dog" in words(together[2])
    # a frame alone in its shot keeps its own tags
    assert scorer.shot_tags(evidence[:1], topics) == [alone.topics]


def test_shot_tags_change_no_score_and_no_rank(scorer: Scorer) -> None:
    result = pick(clip("moviepy_fire2_dog.mp4"), scorer=scorer, topics=default_topics())
    again = rerank(result, scorer, default_topics())
    assert [c.frame.index for c in again.candidates] == [c.frame.index for c in result.candidates]
    for c in again.candidates:
        own = scorer.score_topics(c.evidence, default_topics())
        assert c.topics.popularity == own.popularity
        assert replace(c.topics, topics=()) == replace(own, topics=())  # only the tags differ
        peers = [o for o in again.candidates if o.shot == c.shot]
        shot = scorer.shot_tags([o.evidence for o in peers], default_topics())
        assert c.topics.topics == shot[peers.index(c)][: len(c.topics.topics)]
