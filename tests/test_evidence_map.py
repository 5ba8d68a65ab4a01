"""The curated evidence map: it loads, it is checked, and its known traps stay closed."""

from __future__ import annotations

import re

import numpy as np
import pytest

from thumbdesk.core.errors import ModelError
from thumbdesk.core.topics import preset_topics
from thumbdesk.ml import assets, evidence_map
from thumbdesk.ml.detector import COCO_LABELS
from thumbdesk.ml.people_features import FEATURES

NAMES = assets.text_embeddings().label_names
HEADER = "topic,source,key,weight,names\n"


def rows() -> tuple[evidence_map.EvidenceRow, ...]:
    return evidence_map.load_map(NAMES, FEATURES)


def parse(text: str) -> tuple[evidence_map.EvidenceRow, ...]:
    return evidence_map.parse_map(HEADER + text, NAMES, COCO_LABELS, FEATURES, "test.csv")


def class_weights(word: str) -> np.ndarray:
    compiled = evidence_map.compile_map([word], rows())
    return compiled.imagenet[0] + compiled.context[0]


def test_every_bundled_topic_is_in_the_map() -> None:
    topics = {r.topic for r in rows()}
    for preset in ("general", "food", "fitness", "pets", "family", "travel"):
        missing = [t.word for t in preset_topics(preset) if t.word not in topics]
        assert not missing, f"{preset}: {missing}"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("dog,imagenet,207,1,Labrador Retriever\n", "class 207 is 'Golden Retriever'"),
        ("dog,imagenet,2000,1,x\n", "outside"),
        ("dog,object,wolf,1,\n", "not a class of the object detector"),
        ("dog,people,elf,1,\n", "not a people feature"),
        ("cartoon,style,anime,1,\n", "not a style"),
        ("beach,scene,desert,1,\n", "not a scene"),
        ("dance,activity,ballet,1,\n", "not an activity"),
        ("dog,object,dog,2,\n", "not in (0, 1]"),
        ("Dog,object,dog,1,\n", "lower-case"),
        ("dog,smell,dog,1,\n", "unknown source"),
        ("dog,none,,1,\n", "takes no key or weight"),
    ],
)
def test_bad_rows_are_named_by_line(text: str, problem: str) -> None:
    with pytest.raises(ModelError, match=f"test.csv.*line 2: .*{re.escape(problem)}"):
        parse(text)


def test_traps_are_closed() -> None:
    """Mappings a zero-shot text match gets wrong, fixed by hand."""
    index = {n: i for i, n in enumerate(NAMES)}
    assert class_weights("pool")[index["pool table"]] == 0.0
    assert class_weights("hug")[index["cradle"]] == 0.0
    assert class_weights("baby things")[index["infant bed"]] > 0.5
    assert class_weights("gym")[index["parallel bars"]] > 0.5
    assert class_weights("gym")[index["balance beam"]] > 0.5
    fish = class_weights("fish")
    assert fish[index["great white shark"]] < 0.5 <= fish[index["goldfish"]]
    assert class_weights("puppy").max() < class_weights("dog").max()


def test_a_bride_s_full_skirted_gown_says_wedding_before_fashion() -> None:
    """A gown with a full skirt (the classifier's overskirt and hoop skirt beside it) is a
    wedding dress: a bride twirling in hers read gown 0.70, overskirt 0.13, hoop skirt 0.11, and
    was tagged "dress, woman, fashion" before. The full skirt only backs a gown: a blue ball
    gown read mostly as hoop skirt (0.46) and overskirt (0.18) stays under the tag bar."""
    from thumbdesk.ml.topic_scores import MASS_HIGH, MASS_LOW, TAG_MIN

    index = {n: i for i, n in enumerate(NAMES)}
    skirts = [index["gown"], index["overskirt"], index["hoop skirt"]]
    bride = np.zeros(len(NAMES))
    bride[skirts] = (0.70, 0.13, 0.11)
    assert class_weights("wedding") @ bride > class_weights("fashion") @ bride
    ball_gown = np.zeros(len(NAMES))
    ball_gown[skirts] = (0.04, 0.18, 0.46)
    assert class_weights("wedding") @ ball_gown < MASS_LOW + TAG_MIN * (MASS_HIGH - MASS_LOW)


def test_synonyms_are_one_tag_and_count_once() -> None:
    compiled = evidence_map.compile_map(["dog", "puppy", "gym", "workout", "car"], rows())
    assert compiled.synonyms[0, 1] and compiled.shared[0, 1]
    assert compiled.shared[2, 3] and not compiled.synonyms[2, 3]  # one popularity, two tags
    assert not compiled.shared[0, 4]


def test_aliases_and_plurals_resolve_to_map_topics() -> None:
    table = rows()
    assert evidence_map.resolve_word("Kids", table) == "child"
    assert evidence_map.resolve_word("dogs", table) == "dog"
    assert evidence_map.resolve_word("fireplace", table) == "fireplace"  # not in the map


def test_words_nothing_shows_are_never_tagged() -> None:
    compiled = evidence_map.compile_map(["kiss", "travel", "dog"], rows())
    assert compiled.never.tolist() == [True, True, False]
    # the activity probe's running head reads walkers and hikers as running: not shown
    assert evidence_map.compile_map(["running", "dance"], rows()).never.tolist() == [True, False]


def test_a_body_held_level_is_a_plank_not_a_person_lying_on_a_bed() -> None:
    """The plank feature reads the person box's shape in pixels, not in frame fractions."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import PersonReading

    push_up = PersonReading((0.12, 0.3, 0.8, 0.64), 0.76, frame_aspect=16 / 9)  # 2.2 : 1
    assert features((), (push_up,))["plank"] == pytest.approx(1.0)
    square_frame = PersonReading((0.12, 0.3, 0.8, 0.64), 0.76, frame_aspect=1.0)  # 1.25 : 1
    assert features((), (square_frame,))["plank"] == 0.0
    on_bed = PersonReading((0.12, 0.3, 0.8, 0.64), 0.76, 16 / 9, on_furniture=True)
    assert features((), (on_bed,))["plank"] == 0.0
    standing = PersonReading((0.4, 0.1, 0.2, 0.8), 0.9, frame_aspect=16 / 9)
    assert features((), (standing,))["plank"] == 0.0


def test_a_plank_is_a_whole_body_not_a_selfie_or_a_body_cut_by_the_frame() -> None:
    """Readings of real frames: a wide box cut by the frame's edge, or only a few face heights
    long, is someone seen close (a selfie with a kitten), not a body held level; a push-up seen
    whole keeps its plank, its head small at one end of the box."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading, PersonReading

    wide = 16 / 9
    selfie_face = FaceReading((0.338, 0.218, 0.217, 0.497), 0.91, 179.0, female=0.89)
    selfie_body = PersonReading((0.025, 0.142, 0.876, 0.858), 0.74, frame_aspect=wide)
    assert selfie_body.shape > 1.8  # as wide as a plank, but cut by the bottom of the frame
    assert features((selfie_face,), (selfie_body,))["plank"] == 0.0
    inside = PersonReading((0.025, 0.142, 0.876, 0.8), 0.74, frame_aspect=wide)
    assert features((selfie_face,), (inside,))["plank"] == 0.0  # 3.1 face heights long
    push_up_face = FaceReading((0.225, 0.577, 0.052, 0.107), 0.77, 51.0)
    push_up = PersonReading((0.213, 0.527, 0.681, 0.252), 0.5, frame_aspect=wide)
    assert features((push_up_face,), (push_up,))["plank"] > 0.5
    legs_under_top_edge = PersonReading((0.54, 0.01, 0.44, 0.37), 0.9, frame_aspect=wide)
    assert features((), (legs_under_top_edge,))["plank"] == 0.0


def test_a_person_among_baby_things_is_a_baby_even_found_unsurely() -> None:
    """A baby asleep in a cot is found less surely than someone standing; the classifier's cot
    vouches for it. Without baby things that person is nobody in particular, and a detection
    under OBJECT_LOW is nobody at all."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import PersonReading

    swaddled = PersonReading((0.04, 0.21, 0.86, 0.68), 0.45, 16 / 9)
    assert features((), (swaddled,), baby_context=0.6)["baby"] == pytest.approx(1.0)
    assert features((), (swaddled,), baby_context=0.0)["baby"] == 0.0
    assert features((), (swaddled,))["person"] < 0.5
    nobody = PersonReading((0.04, 0.21, 0.86, 0.68), 0.33, 16 / 9)
    assert features((), (nobody,), baby_context=0.6)["baby"] == 0.0


def test_friends_are_faces_together_not_passers_by() -> None:
    """A group of friends shows two or more clear faces at about the same distance: backs, specks
    in a field and strangers passing behind someone are nobody's friends."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading, PersonReading

    def people(height: float) -> tuple[PersonReading, ...]:
        return tuple(
            PersonReading((0.1 + 0.15 * i, 0.8 - height, 0.05, height), 0.7, 16 / 9)
            for i in range(4)
        )

    def face(x: float, height: float) -> FaceReading:
        return FaceReading((x, 0.3, height * 9 / 16, height), 0.9, height * 480)

    assert features((), people(0.1))["group"] == 0.0  # walkers far off in a field
    assert features((), people(0.5))["group"] == 0.0  # four people, no face: their backs
    side_by_side = (face(0.1, 0.1), face(0.4, 0.09), face(0.7, 0.08))
    assert features(side_by_side, people(0.5))["group"] == pytest.approx(1.0)
    one_in_front = (face(0.1, 0.3), face(0.4, 0.07), face(0.7, 0.06))  # a street behind
    assert features(one_in_front, people(0.5))["group"] == 0.0


def test_players_on_a_pitch_make_football_but_not_bat_games() -> None:
    """Small clearly seen people on a green field in a frame that reads as a ball game; the
    same field with a sure baseball player is baseball or cricket, and a lawn is no pitch."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import PersonReading

    players = tuple(PersonReading((0.1 + 0.2 * i, 0.5, 0.03, 0.1), 0.7, 16 / 9) for i in range(4))
    assert features((), players, grass=0.8, ball_games=0.3)["pitch"] == pytest.approx(1.0)
    assert features((), players, grass=0.8, ball_games=0.3, bat_games=0.7)["pitch"] == 0.0
    assert features((), players, grass=0.2, ball_games=0.3)["pitch"] == 0.0  # a street
    assert features((), players, grass=0.8, ball_games=0.0)["pitch"] == 0.0  # a park
    assert features((), players[:1], grass=0.8, ball_games=0.3)["pitch"] == 0.0


def test_a_couple_needs_two_faces_read_clearly_as_grown_ups() -> None:
    """Children the age model takes for adults leave the gender model unsure: no couple.

    The readings are those of real frames (../shared/eval): girl_boy_jumping_on_bed.mp4 at
    4.00 s, two children read as 30 and 35 years old, and man_woman_couple_event.jpg.
    """
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    children = (
        FaceReading((0.21, 0.28, 0.05, 0.12), 0.86, 64.0, female=0.44, age=30.0),
        FaceReading((0.05, 0.34, 0.05, 0.11), 0.82, 60.0, female=0.23, age=35.0),
    )
    assert features(children)["couple"] == 0.0
    pair = (
        FaceReading((0.14, 0.3, 0.28, 0.54), 0.94, 179.0, female=1.0, age=31.0),
        FaceReading((0.62, 0.19, 0.25, 0.5), 0.94, 166.0, female=0.0, age=45.0),
    )
    assert features(pair)["couple"] == pytest.approx(1.0)


def test_a_clear_grown_up_and_a_partner_leaning_the_other_way_are_a_couple() -> None:
    """A man read clearly (P(female) 0.0) beside a grown-up read only 0.62 female is a couple
    (``PARTNER_LEAN``); beside one read 0.55 (too near 0.5), or 0.4 (leaning his way), no couple;
    two leaning faces without a clear one are none either. The readings are those of a real
    festive selfie of a couple (the evaluation holdouts, not ../shared)."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    def pair(he: float, she: float) -> tuple[FaceReading, FaceReading]:
        return (
            FaceReading((0.35, 0.28, 0.25, 0.22), 0.93, 106.0, female=he, age=34.2),
            FaceReading((0.55, 0.45, 0.19, 0.19), 0.94, 92.0, female=she, age=28.5),
        )

    assert features(pair(0.0, 0.62), shown=True)["couple"] == pytest.approx(1.0)
    assert features(pair(0.0, 0.62))["couple"] == pytest.approx(1.0)
    assert features(pair(0.0, 0.55), shown=True)["couple"] == 0.0
    assert features(pair(0.0, 0.4), shown=True)["couple"] == 0.0
    assert features(pair(0.38, 0.62), shown=True)["couple"] == 0.0


def test_two_grown_ups_passing_far_from_the_camera_are_no_couple() -> None:
    """A couple is the subject of its frame: a woman and a man far from the camera (faces of
    0.07 of the height, both read clearly) are not one; the same two readings seen as close as
    a couple's (a third of the height) are. In a 9:16 frame the faces are measured against the
    width, the shorter side."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    def two(height: float) -> tuple[FaceReading, FaceReading]:
        return (
            FaceReading((0.49, 0.26, 0.04, height), 0.95, 57.0, female=0.95, age=30.0),
            FaceReading((0.58, 0.31, 0.03, height), 0.95, 48.0, female=0.07, age=32.0),
        )

    assert features(two(0.07), frame_aspect=16 / 9)["couple"] == 0.0
    assert features(two(0.3), frame_aspect=16 / 9)["couple"] == pytest.approx(1.0)
    assert features(two(0.07), frame_aspect=9 / 16)["couple"] == pytest.approx(1.0)


def test_two_men_celebrating_a_goal_are_no_couple() -> None:
    """Real readings: two footballers' faces (0.24 and 0.17 of the height, read male 0.03 and
    0.18) in a match highlight. No model tells partners from friends; a pair of one gender is
    never called a couple, a woman and a man in the same places is."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    men = (
        FaceReading((0.3, 0.2, 0.15, 0.24), 0.93, 115.0, female=0.03, age=28.0),
        FaceReading((0.55, 0.25, 0.1, 0.17), 0.9, 82.0, female=0.18, age=26.0),
    )
    assert features(men)["couple"] == 0.0
    assert features(men)["man"] >= 0.9
    pair = (men[0], FaceReading((0.55, 0.25, 0.1, 0.17), 0.9, 82.0, female=0.9, age=26.0))
    assert features(pair)["couple"] == pytest.approx(1.0)


def test_girls_are_named_from_the_gender_model_s_softer_reading_of_children() -> None:
    """Real readings (../shared/eval): the gender model reads girls 0.6-0.8 female, boys as
    surely male as men; family_parents_three_daughters.jpg and family_sitting_on_steps.jpg."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    daughter = FaceReading((0.59, 0.44, 0.12, 0.18), 0.92, 71.0, female=0.72, age=6.8)
    assert features((daughter,))["girl"] == pytest.approx(1.0)
    assert features((daughter,))["woman"] == 0.0
    boy = FaceReading((0.73, 0.34, 0.07, 0.1), 0.94, 39.0, female=0.26, age=6.5)
    assert features((boy,))["girl"] == 0.0 and features((boy,))["boy"] > 0.4
    unsure = FaceReading((0.25, 0.34, 0.07, 0.11), 0.92, 44.0, female=0.5, age=7.5)
    assert features((unsure,))["girl"] == 0.0


def test_a_small_unsure_face_on_a_clearly_seen_person_is_sure() -> None:
    """Real readings of a silent film (moviepy's chaplin.mp4, 370x270): a 34 px face the face
    detector scores 0.75, in the head of a person the object detector scores 0.62."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading, PersonReading

    face = FaceReading((0.54, 0.19, 0.05, 0.094), 0.75, 33.7, female=0.12, age=31.8)
    person = PersonReading((0.457, 0.183, 0.206, 0.808), 0.62, frame_aspect=1.37)
    assert features((face,))["man"] < 0.3
    assert features((face,), (person,))["man"] > 0.5
    beside = PersonReading((0.07, 0.12, 0.16, 0.83), 0.62, frame_aspect=1.37)
    assert features((face,), (beside,))["man"] < 0.3
    large = FaceReading((0.54, 0.19, 0.1, 0.2), 0.75, 105.0, female=0.12, age=31.8)
    assert features((large,), (person,))["man"] < 0.3


def test_a_clear_gender_on_a_teenage_face_names_someone() -> None:
    """Between 15 and 18 the age model is unsure whether a face is young: with a clear gender it
    is still a woman or a man, and a girl or a boy as far as it reads young."""
    from thumbdesk.ml.people_features import features
    from thumbdesk.ml.readings import FaceReading

    teen = FaceReading((0.3, 0.2, 0.2, 0.24), 0.95, 98.0, female=0.99, age=16.4)
    out = features((teen,))
    assert out["woman"] >= 0.7 and 0.1 < out["girl"] < 0.4
    young = FaceReading((0.3, 0.2, 0.2, 0.24), 0.95, 98.0, female=0.02, age=10.0)
    out = features((young,))
    assert out["boy"] == pytest.approx(1.0) and out["man"] == 0.0
