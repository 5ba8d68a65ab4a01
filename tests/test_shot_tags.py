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


def _selfie(child: float, teen: float, age: float) -> object:
    """One candidate of a woman filming herself (real readings of a labelled clip's shot)."""
    import numpy as np

    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.evidence import Evidence
    from thumbdesk.ml.readings import FaceReading

    face = FaceReading((0.43, 0.03, 0.21, 0.46), 0.93, 125.0, 0.98, age, None, (0.0, child, teen))
    probs = np.zeros(1000, np.float16)
    probs[398] = 1.0  # abacus: nothing the classifier names
    person = Detection("person", 0.89, (0.06, 0.01, 0.94, 0.99))
    return Evidence(probs, readings=(face,), objects=(person,), frame_aspect=1.77)


def test_a_face_s_age_is_read_across_its_shot(scorer: Scorer) -> None:
    """The age probe read one woman's face P(child) 0.90, 0.07, 0.63 and 0.36 in four
    candidates of one shot; the first alone was tagged "girl, child". Read across the shot
    (``ml.shot_ages``) she is a grown-up in every candidate."""
    topics = default_topics()
    shot = [_selfie(0.90, 0.03, 11.3), _selfie(0.07, 0.07, 19.7), _selfie(0.63, 0.11, 14.3)]
    shot.append(_selfie(0.36, 0.14, 15.5))
    alone = words(scorer.score_topics(shot[0], topics).topics)
    assert "girl" in alone and "child" in alone
    for tags in scorer.shot_tags(shot, topics):
        assert "girl" not in words(tags) and "child" not in words(tags)
        assert "woman" in words(tags)


def test_people_apart_keep_their_own_ages() -> None:
    """A child beside a grown-up is another person: faces far apart, of other sizes or read as
    the other gender are not one person's (``same_person``)."""
    from thumbdesk.ml.readings import FaceReading
    from thumbdesk.ml.shot_ages import same_person, steady_ages

    child = FaceReading((0.40, 0.40, 0.08, 0.12), 0.9, 60.0, 0.8, 8.0, None, (0.0, 0.9, 0.0))
    parent = FaceReading((0.55, 0.30, 0.10, 0.15), 0.9, 75.0, 0.1, 35.0, None, (0.0, 0.0, 0.1))
    assert not same_person(child, parent)
    assert same_person(child, replace(child, box=(0.43, 0.41, 0.08, 0.11), groups=(0, 0.5, 0)))
    assert not same_person(child, replace(child, female=0.2))  # read as a boy: someone else
    assert not same_person(child, replace(child, box=(0.40, 0.40, 0.16, 0.24)))  # twice as tall
    assert not same_person(replace(child, box=(0.4, 0.4, 0.0, 0.0)), child)  # no size to compare
    first, second = steady_ages([_with(child, parent), _with(parent, child)])
    assert first.readings[0].groups == child.groups
    assert second.readings[0].groups == parent.groups


def _with(*faces: object) -> object:
    import numpy as np

    from thumbdesk.ml.evidence import Evidence

    return Evidence(np.zeros(1000, np.float16), readings=faces)  # type: ignore[arg-type]


def test_a_gender_left_unclear_is_read_across_the_shot(scorer: Scorer) -> None:
    """A woman filming herself in a car read P(female) 0.54 on one candidate (no "woman"
    shown) and 0.96 on another of the same shot, where her face lies in about the same place:
    read across the shot (``shot_ages.UNCLEAR_GENDER``) she is a woman on both."""
    import numpy as np

    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.evidence import Evidence
    from thumbdesk.ml.readings import FaceReading

    def frame(box: tuple[float, float, float, float], px: float, female: float) -> Evidence:
        face = FaceReading(box, 0.94, px, female, 22.0, None, (0.0, 0.0, 0.1))
        probs = np.zeros(1000, np.float16)
        probs[398] = 1.0  # abacus: nothing the classifier names
        person = Detection("person", 0.79, (0.0, 0.12, 0.7, 0.88))
        return Evidence(probs, readings=(face,), objects=(person,), frame_aspect=1.76)

    unclear = frame((0.135, 0.194, 0.291, 0.662), 180.0, 0.54)
    clear = frame((0.157, 0.161, 0.248, 0.608), 165.0, 0.96)
    away = replace(clear, readings=())  # she is out of the picture
    topics = default_topics()
    assert "woman" not in words(scorer.score_topics(unclear, topics).topics)
    tags = scorer.shot_tags([unclear, clear, away], topics)  # the shot's median: no woman
    assert "woman" in words(tags[0]) and "woman" in words(tags[1])
