"""The real model on real frames: tags, people, flat frames, re-scoring, devices."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.errors import ModelError
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import FrameTopics, Topic
from thumbdesk.ml import load_scorer, unknown_topic_words
from thumbdesk.ml.backends import nvidia_gpu_present
from thumbdesk.ml.scorer import Scorer
from thumbdesk.ml.topic_scores import CLOSEUP_FACE

VIDEOS = Path(__file__).resolve().parents[1] / ".." / "shared" / "videos"
EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"
PEOPLE = {"girl", "boy", "woman", "man", "baby", "child", "family", "face", "selfie"}


def read_frame(name: str, time_s: float) -> np.ndarray:
    cap = cv2.VideoCapture(str(VIDEOS / name))
    cap.set(cv2.CAP_PROP_POS_MSEC, time_s * 1000.0)
    ok, img = cap.read()
    cap.release()
    assert ok, f"cannot read {name} at {time_s}"
    return img


def read_frame_index(name: str, index: int, long_side: int = 480) -> np.ndarray:
    """Frame ``index`` (decoded in order, as the pipeline does) at working size."""
    cap = cv2.VideoCapture(str(VIDEOS / name))
    for _ in range(index + 1):
        ok, img = cap.read()
        assert ok, f"cannot read {name} frame {index}"
    cap.release()
    return to_working_size(img, long_side)


@pytest.fixture(scope="session")
def scorer() -> Scorer:
    return load_scorer("cpu")


@pytest.fixture(scope="session")
def frames() -> dict[str, np.ndarray]:
    return {
        "dog": read_frame("moviepy_fire2_dog.mp4", 1.8),
        "person": read_frame("moviepy_sintel_fog.mp4", 1.0),
        "cyclist": read_frame("bikes.mp4", 5.0),
        "black": np.zeros((360, 640, 3), np.uint8),
        "grey": np.full((360, 640, 3), 128, np.uint8),
        "room": read_frame_index("moviepy_fire2_dog.mp4", 0),  # a room, a TV, no clear subject
        "clear_dog": read_frame_index("moviepy_fire2_dog.mp4", 15),
    }


@pytest.fixture(scope="session")
def evidence(scorer: Scorer, frames: dict[str, np.ndarray]) -> dict[str, object]:
    ev = scorer.evidence(list(frames.values()))
    return dict(zip(frames, ev, strict=True))


def tags(ft: FrameTopics, n: int = 3) -> list[str]:
    return [t.word for t in ft.topics[:n]]


def test_dog_frame_is_tagged_dog(scorer: Scorer, evidence: dict[str, object]) -> None:
    ft = scorer.score_topics(evidence["dog"], default_topics())
    assert "dog" in tags(ft)
    assert 0.0 <= ft.popularity <= 1.0
    assert all(0.0 <= t.score <= 1.0 for t in ft.topics)


def test_fur_beside_a_plush_toy_is_no_dog(scorer: Scorer, evidence: dict[str, object]) -> None:
    """The classifier reads a plush bear as a dog breed: beside a teddy bear the detector sees,
    a dog it does not see counts little (the dog frame, with the detector's teddy bear added)."""
    from dataclasses import replace

    from thumbdesk.ml.detector import Detection

    ev = evidence["dog"]
    dogs = [d for d in ev.objects if d.label == "dog"]  # type: ignore[attr-defined]
    assert not dogs  # the classifier alone says dog here
    plush = replace(ev, objects=(*ev.objects, Detection("teddy bear", 0.45, (0.3, 0.3, 0.4, 0.5))))  # type: ignore[type-var]
    words = [Topic("dog", 1.0), Topic("toy", 1.0)]
    assert "dog" in tags(scorer.score_topics(ev, words))
    assert "dog" not in tags(scorer.score_topics(plush, words))


def test_an_animal_the_detector_cannot_decide_on_is_not_named(scorer: Scorer) -> None:
    """The rendered rabbit of the sample clip: the detector reads one box as a bird (0.39) and
    a horse (0.35), the classifier says albatross. No tag is better than "bird"."""
    from thumbdesk.ml.animals import torn_animals as _torn_animals
    from thumbdesk.ml.detector import Detection

    rabbit = read_frame_index("bigbuckbunny.mp4", 126)
    ev = scorer.evidence([rabbit])[0]
    torn = _torn_animals(ev.objects)
    assert {d.label for d in torn} >= {"bird", "horse"}
    words = [Topic("bird", 1.0), Topic("horse", 1.0), Topic("rabbit", 1.0)]
    assert not tags(scorer.score_topics(ev, words))
    sure = [
        Detection("dog", 0.8, (0.1, 0.1, 0.5, 0.5)),
        Detection("cat", 0.4, (0.1, 0.1, 0.5, 0.5)),
    ]
    assert not _torn_animals(sure)  # a sure dog beside an unsure cat: the detector knows


def test_an_animal_on_a_persons_box_read_about_as_surely_is_not_named() -> None:
    """A woman bent forward in a yoga class, her hair hanging: the detector read her box as a
    person (0.49) and a dog (0.41). A dog in someone's arms or beside them keeps its name, and
    so does a dog the detector is clearly surer of."""
    from thumbdesk.ml.animals import torn_animals as _torn_animals
    from thumbdesk.ml.detector import Detection

    bent = Detection("dog", 0.41, (0.33, 0.49, 0.39, 0.39))
    her = Detection("person", 0.49, (0.34, 0.48, 0.38, 0.38))
    assert _torn_animals([her, bent]) == [bent]
    held = Detection("dog", 0.45, (0.4, 0.6, 0.15, 0.15))  # in the arms of a person 0.5
    assert not _torn_animals([Detection("person", 0.5, (0.3, 0.2, 0.4, 0.8)), held])
    sure = Detection("dog", 0.8, (0.33, 0.49, 0.39, 0.39))
    assert not _torn_animals([her, sure])


def class_probs(**mass: float) -> np.ndarray:
    """ImageNet probabilities with ``mass`` on the named classes (underscores for spaces), the
    rest on an abacus (no animal, no person)."""
    from thumbdesk.ml import assets

    index = {n: i for i, n in enumerate(assets.text_embeddings().label_names)}
    p = np.zeros(1000, np.float32)
    for name, m in mass.items():
        p[index[name.replace("_", " ")]] = m
    p[index["abacus"]] += 1.0 - p.sum()
    return p.astype(np.float16)


def certainties_of(
    scorer: Scorer,
    words: list[Topic],
    probs: np.ndarray,
    *objects: object,
    frame_aspect: float = 9 / 16,
) -> dict[str, float]:
    """The words' certainties on a frame (portrait unless told) of these probabilities and
    detections."""
    from thumbdesk.ml.evidence import Evidence

    ev = Evidence(probs, objects=objects, frame_aspect=frame_aspect)  # type: ignore[arg-type]
    return scorer.certainties(ev, words)


def test_a_dog_the_classifier_gainsays_is_not_named(scorer: Scorer) -> None:
    """The detector calls swimmers under water and a kitten "dog" (0.52-0.56) where the
    classifier sees sea turtles and cats: a dog then counts as far as the classifier's animals
    are dogs, and casts no doubt on its cat. A dog it agrees on, or says nothing against, stays."""
    from thumbdesk.ml.animals import agreement
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.evidence import Evidence
    from thumbdesk.ml.topic_scores import TAG_MIN

    probs = class_probs

    def certainty(p: np.ndarray, *objects: Detection) -> dict[str, float]:
        return certainties_of(scorer, [Topic("dog", 7230.0), Topic("cat", 6800.0)], p, *objects)

    dog = Detection("dog", 0.56, (0.03, 0.33, 0.63, 0.28))
    turtles = probs(loggerhead_sea_turtle=0.5, dugong=0.2)
    assert agreement(dog, Evidence(turtles, objects=(dog,), frame_aspect=16 / 9), turtles) == 0.0
    assert certainty(turtles, dog)["dog"] < TAG_MIN
    assert certainty(probs(Beagle=0.5, grey_wolf=0.2), dog)["dog"] >= TAG_MIN
    assert certainty(probs(), dog)["dog"] >= TAG_MIN  # the classifier sees no animal at all
    kitten = probs(tabby_cat=0.3, Egyptian_Mau=0.29, Chihuahua=0.09)
    seen = certainty(kitten, dog)
    assert seen["cat"] >= TAG_MIN and seen["dog"] < TAG_MIN
    both = certainty(probs(Beagle=0.5, tabby_cat=0.3), replace(dog, score=0.6))
    assert both["dog"] >= TAG_MIN and both["cat"] < TAG_MIN  # the dog it agrees on doubts the cat
    # a tabby running on a lawn, a dog to the detector (0.66), read as cougar, lynx and tabby
    # beside a kit fox: more cat than dog to the classifier, so a cat
    running_cat = probs(cougar=0.15, tabby_cat=0.15, lynx=0.1, kit_fox=0.1, Beagle=0.15)
    renamed = certainty(running_cat, replace(dog, score=0.66))
    assert renamed["cat"] >= TAG_MIN and renamed["dog"] < TAG_MIN
    # a black Great Dane in a studio, a horse to the detector (0.64), is all dog to the classifier
    dane = probs(Great_Dane=0.33, Labrador_Retriever=0.23, Weimaraner=0.07)
    horse = Detection("horse", 0.64, (0.2, 0.1, 0.6, 0.85))
    big_dog = certainties_of(scorer, [Topic("dog", 7230.0), Topic("horse", 1900.0)], dane, horse)
    assert big_dog["dog"] >= TAG_MIN and big_dog["horse"] < TAG_MIN
    # and the reframing keeps the box of the "cat" it shows
    seen = Evidence(running_cat, objects=(replace(dog, score=0.66),), frame_aspect=9 / 16)
    shown = scorer.score_topics(seen, [Topic("dog", 7230.0), Topic("cat", 6800.0)])
    assert [t.word for t in shown.topics] == ["cat"] and dog.box in shown.subject_boxes


def test_an_animal_filling_the_frame_needs_the_classifier_to_see_one(scorer: Scorer) -> None:
    """A woman's face filling a beauty close-up was a cat (0.53) on a box of 0.92 of the frame,
    where the classifier read face powder, a bonnet and a neck brace; a cat as close that the
    classifier sees as one keeps its name."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    words = [Topic("cat", 6800.0)]
    close = Detection("cat", 0.53, (0.0, 0.05, 1.0, 0.92))
    face = class_probs(face_powder=0.06, poke_bonnet=0.06, neck_brace=0.06, seat_belt=0.08)
    assert certainties_of(scorer, words, face, close)["cat"] < TAG_MIN
    cat = class_probs(tabby_cat=0.4, Egyptian_Mau=0.2, face_powder=0.06)
    assert certainties_of(scorer, words, cat, close)["cat"] >= TAG_MIN
    smaller = Detection("cat", 0.53, (0.3, 0.3, 0.4, 0.4))  # the classifier's view holds more
    assert certainties_of(scorer, words, face, smaller)["cat"] >= TAG_MIN


def test_a_face_on_a_dog_is_no_persons() -> None:
    """YuNet found a golden retriever's face looking at the camera (0.88, about half its dog's
    box): it was tagged "face" and "selfie". Boxes as measured on real frames; the faces of people
    seen with an animal are far smaller than its box, and a face in a person's box stays."""
    from thumbdesk.ml.animals import people_faces
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.faces import Face

    def face(box: tuple[float, float, float, float]) -> Face:
        return Face(box=box, score=0.85, size_px=150.0, sharpness=100.0, symmetry=0.9)

    dogs_face = face((0.32, 0.4, 0.43, 0.31))
    dog = Detection("dog", 0.64, (0.0, 0.38, 0.78, 0.61))
    assert people_faces([dogs_face], [dog]) == ()
    assert people_faces([dogs_face], []) == (dogs_face,)  # no animal found: a face
    holding = face((0.3, 0.14, 0.03, 0.07))  # a woman holding a rabbit the detector took for a dog
    assert people_faces([holding], [Detection("dog", 0.48, (0.22, 0.05, 0.25, 0.44))]) == (holding,)
    hugging = Detection("person", 0.7, (0.2, 0.2, 0.7, 0.8))
    assert people_faces([dogs_face], [dog, hugging]) == (dogs_face,)
    # a Jack Russell held up to the camera: the detector's person is its dog's box read again
    held_up = Detection("dog", 0.58, (0.1, 0.19, 0.81, 0.8))
    again = Detection("person", 0.41, (0.09, 0.1, 0.88, 0.9))
    jack_russell, owner = face((0.26, 0.19, 0.46, 0.85)), face((0.72, 0.0, 0.27, 0.43))
    assert people_faces([jack_russell, owner], [held_up, again]) == (owner,)
    as_sure = Detection("person", 0.52, again.box)  # the detector is torn: the box holds a person
    assert people_faces([jack_russell], [held_up, as_sure]) == (jack_russell,)


def test_a_cat_needs_the_classifier_to_see_a_furry_pet(scorer: Scorer) -> None:
    """A "cat" the detector found on birthday candles (0.6) that the classifier read as sea
    urchins is no cat; a cat the classifier reads as a cat, or mostly as a dog (cats on a
    treadmill: 0.83 of its animals canid), stays; a golden retriever the detector called a cat,
    all dog to the classifier, is a dog. An animal no detector class confirms (a snake) counts
    little among people: children in sand read as an Indian cobra 0.56."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    probs = class_probs

    def certainty(p: np.ndarray, *objects: Detection) -> dict[str, float]:
        return certainties_of(scorer, [Topic("cat", 6800.0), Topic("snake", 800.0)], p, *objects)

    cat = Detection("cat", 0.6, (0.2, 0.3, 0.5, 0.4))
    assert certainty(probs(sea_urchin=0.42, sea_anemone=0.19), cat)["cat"] < TAG_MIN
    assert certainty(probs(tabby_cat=0.3, Egyptian_Mau=0.1), cat)["cat"] >= TAG_MIN
    treadmill = probs(Chihuahua=0.3, Pembroke_Welsh_Corgi=0.14, tabby_cat=0.02, guinea_pig=0.07)
    assert certainty(treadmill, cat)["cat"] >= TAG_MIN
    retriever = probs(Golden_Retriever=0.7, Pembroke_Welsh_Corgi=0.05, Cocker_Spaniel=0.04)
    assert certainty(retriever, replace(cat, score=0.65))["cat"] < TAG_MIN
    assert certainties_of(scorer, [Topic("dog", 7230.0)], retriever, cat)["dog"] >= TAG_MIN
    cobra = probs(Indian_cobra=0.56)
    people = (Detection("person", 0.54, (0.1, 0.2, 0.4, 0.7)),)
    assert certainty(cobra)["snake"] >= TAG_MIN
    assert certainty(cobra, *people)["snake"] < TAG_MIN


def test_an_animal_among_people_needs_the_classifier_to_see_one(scorer: Scorer) -> None:
    """A row of people doing push-ups was a horse to the detector (0.52) where the classifier saw
    a stretcher: among people, an animal counts as far as the classifier sees any animal, unless
    it lies outside the centre square the classifier reads."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    gym = class_probs(stretcher=0.6, dumbbell=0.4)
    ridden = class_probs(stretcher=0.3, dumbbell=0.4, common_sorrel_horse=0.3)
    person = Detection("person", 0.6, (0.68, 0.32, 0.32, 0.62))
    horse = Detection("horse", 0.52, (0.05, 0.33, 0.82, 0.62))
    at_the_side = replace(horse, box=(0.0, 0.5, 0.2, 0.4))

    def certainty(p: np.ndarray, *objects: Detection) -> float:
        words = [Topic("horse", 1900.0)]
        return certainties_of(scorer, words, p, *objects, frame_aspect=16 / 9)["horse"]

    assert certainty(gym, person, horse) < TAG_MIN
    assert certainty(ridden, person, horse) >= TAG_MIN
    assert certainty(gym, horse) >= TAG_MIN  # no one in view: the detector alone
    assert certainty(gym, person, at_the_side) >= TAG_MIN  # the classifier cannot see it


def test_a_vehicle_far_behind_the_people_is_scenery(scorer: Scorer) -> None:
    """Two dancers on a plaza at night: the detector finds a parked car behind them (0.68) at a
    tenth of their height, and the car was the frame's strongest tag. A vehicle much smaller
    than the people in view stands far behind them; one about their size (a car beside its
    driver) or in a frame with nobody in it (traffic) stays a car."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    plaza = class_probs(candle=0.64, torch=0.2)
    dancers = (
        Detection("person", 0.77, (0.73, 0.39, 0.27, 0.61)),
        Detection("person", 0.62, (0.0, 0.4, 0.37, 0.6)),
    )
    parked = Detection("car", 0.68, (0.52, 0.63, 0.22, 0.07))
    beside = replace(parked, box=(0.3, 0.5, 0.6, 0.35))

    def car(*objects: Detection) -> float:
        return certainties_of(scorer, [Topic("car", 8783.0)], plaza, *objects)["car"]

    assert car(*dancers, parked) < TAG_MIN
    assert car(*dancers, beside) >= TAG_MIN
    assert car(parked) >= TAG_MIN  # nobody in view: the car is what the frame shows


def test_a_seat_belt_on_someone_is_the_inside_of_a_car(scorer: Scorer) -> None:
    """A selfie filmed in a car shows no car from outside: the first frame of a woman driving
    with a man beside her read seat belt 0.47 (minivan 0.10, limousine 0.06) with two people
    found, and showed no "car". A seat belt counts for car as the setting of someone in view;
    with nobody in view it is not the inside of a car."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    cabin = class_probs(seat_belt=0.47, minivan=0.1, limousine=0.06)
    driver = Detection("person", 0.46, (0.63, 0.27, 0.37, 0.73))
    passenger = Detection("person", 0.45, (0.19, 0.39, 0.44, 0.6))

    def car(*objects: Detection) -> float:
        found = certainties_of(scorer, [Topic("car", 8783.0)], cabin, *objects, frame_aspect=1.79)
        return found["car"]

    assert car(driver, passenger) >= TAG_MIN
    assert car() < TAG_MIN


def test_a_headscarf_is_no_dress_but_a_gown_is(scorer: Scorer) -> None:
    """The classifier's abaya is any headscarf or black top: a hijab selfie's close-up read
    abaya 0.96 and was tagged "dress". A gown on someone in view still is one."""
    from thumbdesk.ml.detector import Detection
    from thumbdesk.ml.topic_scores import TAG_MIN

    selfie = Detection("person", 0.78, (0.05, 0.1, 0.9, 0.9))

    def dress(probs: np.ndarray) -> float:
        return certainties_of(scorer, [Topic("dress", 2400.0)], probs, selfie)["dress"]

    assert dress(class_probs(abaya=0.96)) < TAG_MIN
    assert dress(class_probs(gown=0.7)) >= TAG_MIN


def test_person_frame_gets_a_people_topic(scorer: Scorer, evidence: dict[str, object]) -> None:
    ft = scorer.score_topics(evidence["person"], default_topics())
    assert ft.faces >= 1
    assert PEOPLE & set(tags(ft))
    assert ft.face_quality is not None and 0.0 <= ft.face_quality <= 1.0
    assert ft.subject_box is not None


def test_a_smile_read_on_the_main_face_raises_its_quality(
    scorer: Scorer, evidence: dict[str, object]
) -> None:
    """A smiling face is the better thumbnail: where the expression model read the main face,
    its P(happy) makes ``faces.SMILE_SHARE`` of the face quality; unread, nothing changes."""
    from thumbdesk.ml.evidence import Evidence
    from thumbdesk.ml.faces import SMILE_SHARE, face_quality

    ev = evidence["person"]
    assert isinstance(ev, Evidence) and ev.faces and len(ev.readings) == len(ev.faces)
    main = ev.faces[0]
    plain = face_quality(main)
    assert face_quality(main, 1.0) > face_quality(main, 0.0)
    assert face_quality(main, 0.0) == pytest.approx((1.0 - SMILE_SHARE) * plain)
    unread = replace(ev, readings=tuple(replace(r, smile=None) for r in ev.readings))
    assert scorer.score_topics(unread, default_topics()).face_quality == pytest.approx(plain)
    smiling = replace(ev, readings=tuple(replace(r, smile=1.0) for r in ev.readings))
    ft = scorer.score_topics(smiling, default_topics())
    assert ft.face_quality == pytest.approx((1.0 - SMILE_SHARE) * plain + SMILE_SHARE)


@pytest.mark.parametrize(
    ("photo", "expected", "absent"),
    [
        ("boy_portrait_chin_on_hands.jpg", {"boy"}, {"girl", "woman", "man", "baby"}),
        ("man_woman_couple_event.jpg", {"man", "woman", "couple"}, {"boy", "girl", "baby"}),
        ("family_sitting_on_steps.jpg", {"family", "child"}, {"couple"}),
        ("women_group_five_outdoor.jpg", {"friends"}, {"man", "boy", "couple"}),
        # gowns read as spaniels by the classifier; the detector sees people and no dog
        ("dance_ballroom_couples.jpg", set(), {"dog", "puppy"}),
    ],
)
def test_people_are_named_from_faces_and_persons(
    scorer: Scorer, photo: str, expected: set[str], absent: set[str]
) -> None:
    """Gender, age and how many people: named when the evidence is clear (real photos)."""
    image = cv2.imread(str(EVAL / "photos" / photo))
    assert image is not None
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    shown = set(tags(scorer.score_topics(ev, default_topics()), 8))
    assert expected <= shown, shown
    assert not absent & shown, shown


def test_a_face_stands_back_for_a_specific_people_tag(scorer: Scorer) -> None:
    image = cv2.imread(str(EVAL / "photos" / "family_sitting_on_steps.jpg"))  # faces ~0.14 high
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    table = scorer.score_topics(ev, [Topic("face", 5.0), Topic("woman", 1.0)])
    assert tags(table, 8) == ["woman"]
    alone = scorer.score_topics(ev, [Topic("face", 1.0)])
    assert tags(alone, 8) == ["face"]  # with nothing more specific, the face is the tag


def test_a_close_up_face_is_a_tag_beside_who_it_is(scorer: Scorer) -> None:
    image = cv2.imread(str(EVAL / "photos" / "boy_portrait_chin_on_hands.jpg"))
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    assert max(f.box[3] for f in ev.faces) >= CLOSEUP_FACE  # about 0.57 of the frame
    table = scorer.score_topics(ev, [Topic("face", 5.0), Topic("boy", 1.0)])
    assert set(tags(table, 8)) == {"boy", "face"}


@pytest.mark.parametrize("name", ["black", "grey"])
def test_flat_frames_score_low(scorer: Scorer, evidence: dict[str, object], name: str) -> None:
    ft = scorer.score_topics(evidence[name], default_topics())
    assert ft.popularity < 0.05
    assert all(t.score < 0.05 for t in ft.topics)
    assert ft.faces == 0
    dog = scorer.score_topics(evidence["dog"], default_topics())
    assert dog.popularity > ft.popularity + 0.2


def test_clear_subject_beats_many_weak_matches(scorer: Scorer, evidence: dict[str, object]) -> None:
    """Popularity rewards confident evidence, not the sum of many weak, spurious topics."""
    room = scorer.score_topics(evidence["room"], default_topics())
    dog = scorer.score_topics(evidence["clear_dog"], default_topics())
    assert room.topics == ()  # nothing clear in view: no tag rather than a wrong one
    assert tags(dog, 1) == ["dog"]
    assert dog.popularity > room.popularity + 0.05


def test_unsure_tags_do_not_lift_popularity(scorer: Scorer, evidence: dict[str, object]) -> None:
    """A washed-out frame's weak matches never outweigh a clear subject."""
    for name in ("black", "grey", "room"):
        weak = scorer.score_topics(evidence[name], default_topics())
        assert all(t.score >= 0.4 for t in weak.topics)
        assert weak.popularity < 0.05


def test_near_synonyms_count_once(scorer: Scorer, evidence: dict[str, object]) -> None:
    both = [Topic("dog", 1.0), Topic("puppy", 1.0)]
    one = scorer.score_topics(evidence["dog"], both[:1])
    two = scorer.score_topics(evidence["dog"], both)
    assert two.popularity == pytest.approx(one.popularity)
    assert tags(two, 8) == ["dog"]  # puppy rests on the same evidence: not a second tag


def test_gender_is_not_guessed_from_a_small_face(
    scorer: Scorer, evidence: dict[str, object]
) -> None:
    ft = scorer.score_topics(evidence["person"], default_topics())
    # a face too small for the gender model to be right (the activity probe reads the
    # walker with a staff in the blizzard as dancing, 0.74: a wrong tag it is known to give)
    assert "face" in tags(ft, 3)
    assert not {"girl", "boy", "woman", "man"} & set(tags(ft, 8))


def test_editing_topics_rescores_from_cached_evidence(
    scorer: Scorer, evidence: dict[str, object]
) -> None:
    runs = scorer.evidence_runs
    before = scorer.score_topics(evidence["dog"], default_topics())
    pets_only = [Topic("puppy", 5.0), Topic("cat", 1.0), Topic("guitar", 1.0)]
    after = scorer.score_topics(evidence["dog"], pets_only)
    assert scorer.evidence_runs == runs  # no image model run
    assert tags(after, 1) == ["puppy"]
    assert before.topics != after.topics
    no_dog = [t for t in default_topics() if t.word not in ("dog", "puppy")]
    assert scorer.score_topics(evidence["dog"], no_dog).popularity < before.popularity


def test_unknown_topic_word_is_reported(scorer: Scorer, evidence: dict[str, object]) -> None:
    topics = [Topic("dog", 1.0), Topic("qzxvbnm", 2.0)]
    assert unknown_topic_words(topics, "cpu") == ["qzxvbnm"]
    ft = scorer.score_topics(evidence["dog"], topics)
    assert "qzxvbnm" not in tags(ft, 8)


def test_evidence_is_deterministic(scorer: Scorer, frames: dict[str, np.ndarray]) -> None:
    a = scorer.evidence([frames["dog"], frames["cyclist"]])
    b = scorer.evidence([frames["dog"], frames["cyclist"]])
    for x, y in zip(a, b, strict=True):
        assert np.array_equal(x.probs, y.probs)
        assert x.faces == y.faces


def test_scorer_is_loaded_once_per_device() -> None:
    """The model loads once per device per process; how fast it loads is a benchmark's job."""
    from thumbdesk import ml

    s1 = load_scorer("cpu")
    assert load_scorer("cpu") is s1
    assert ml._CACHE["cpu"] is s1
    assert s1.device == "cpu (ONNX Runtime)"
    runs = s1.evidence_runs
    assert s1.evidence([]) == []
    assert load_scorer("cpu").evidence_runs == runs + 1  # the same object, not a reload


@pytest.mark.skipif(nvidia_gpu_present(), reason="this machine has an NVIDIA GPU")
def test_cuda_without_gpu_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="CUDA"):
        load_scorer("cuda")


def test_unknown_device_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match="Unknown device"):
        load_scorer("tpu")


def test_opencv_fallback_finds_the_same_faces(
    scorer: Scorer, frames: dict[str, np.ndarray], evidence: dict[str, object]
) -> None:
    """Without ONNX Runtime (the OpenCV DNN backend) both models run in OpenCV, same faces."""
    from thumbdesk.ml.faces import OpenCVYuNet

    fallback = load_scorer("cpu-opencv")
    assert "OpenCV" in fallback.device
    assert isinstance(fallback._faces._raw, OpenCVYuNet)
    for name in ("person", "cyclist"):
        ours = evidence[name].faces  # type: ignore[attr-defined]
        theirs = fallback.evidence([frames[name]])[0].faces
        assert len(ours) == len(theirs) >= 1
        for a, b in zip(ours, theirs, strict=True):
            assert np.allclose(a.box, b.box, atol=1e-4)


def test_one_person_is_one_piece_of_popularity(scorer: Scorer) -> None:
    """A face is woman, face, selfie and smile at once: it counts once, as its best word."""
    image = cv2.imread(str(EVAL / "photos" / "man_woman_couple_event.jpg"))
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    base = [Topic("car", 4.0), Topic("woman", 1.0)]  # woman weighs half of the heaviest word
    people = [Topic(w, 1.0) for w in ("man", "couple", "face", "selfie", "smile")]
    one = scorer.score_topics(ev, base)
    every = scorer.score_topics(ev, base + people)
    assert {"woman", "man", "couple"} <= set(tags(every, 8))
    assert 0.3 < one.popularity < 0.7  # not saturated: a second person word would show
    assert every.popularity == pytest.approx(one.popularity)


def test_a_tagged_object_is_a_subject_for_the_crop(scorer: Scorer) -> None:
    """The dog of a "dog" tag is kept by reframing, like a face."""
    image = cv2.imread(str(EVAL / "photos" / "person_dog_horse_field.jpg"))
    ev = scorer.evidence([to_working_size(image, 480)])[0]
    ft = scorer.score_topics(ev, default_topics())
    assert "dog" in tags(ft, 8)
    dogs = [d.box for d in ev.objects if d.label == "dog" and d.score >= 0.5]  # 0.64 measured
    assert dogs and set(dogs) <= set(ft.subject_boxes)
    no_dog = scorer.score_topics(
        ev, [t for t in default_topics() if t.word not in ("dog", "puppy")]
    )
    assert not set(dogs) & set(no_dog.subject_boxes)


def first_frame(path: Path) -> np.ndarray:
    cap = cv2.VideoCapture(str(path))
    ok, img = cap.read()
    cap.release()
    assert ok, f"cannot read {path}"
    return to_working_size(img, 480)


def test_a_match_seen_from_above_is_football(scorer: Scorer) -> None:
    """Players on a pitch are football (no ImageNet class is a pitch); a green screen behind
    one child is green but no pitch."""
    match = first_frame(EVAL / "clips" / "football_youth_match_aerial.mp4")
    green_screen = first_frame(EVAL / "clips" / "girl_child_face_closeup.mp4")
    ev_match, ev_screen = scorer.evidence([match, green_screen])
    assert ev_match.grass > 0.6 and ev_screen.grass > 0.2  # 0.87 and 0.37 measured
    words = [Topic("football", 1.0), Topic("child", 1.0)]
    assert "football" in tags(scorer.score_topics(ev_match, words))  # 0.45 measured
    assert "football" not in tags(scorer.score_topics(ev_screen, words))


def test_tags_past_the_third_must_be_surer(scorer: Scorer) -> None:
    """Three tags from TAG_MIN; a fourth or later only from MORE_TAG_MIN (on the bundled map)."""
    from thumbdesk.ml.topic_scores import FIRST_TAGS, MORE_TAG_MIN, TAG_MIN, pick_tags

    words = ("dog", "car", "beach", "cake", "guitar", "horse")
    table = scorer.topics._table(words)
    sure, unsure = MORE_TAG_MIN + 0.05, (TAG_MIN + MORE_TAG_MIN) / 2
    scores = np.array([0.95, 0.9, 0.85, sure, unsure, 0.1])
    picked = [words[i] for i in pick_tags(scores, table)]
    assert picked == ["dog", "car", "beach", "cake"]
    assert FIRST_TAGS == 3
    # fewer than three sure ones: the unsure fill the first three places
    scores = np.array([0.95, unsure, unsure, unsure, 0.1, 0.1])
    assert [words[i] for i in pick_tags(scores, table)] == ["dog", "car", "beach"]
