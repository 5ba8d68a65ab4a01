"""People features of one frame (woman, boy, couple, family, ...) from faces and person boxes.

The people models say, per face, how sure they are of a gender and which age it looks; the
object detector finds whole people. This module turns that into the features the evidence map
names, each in [0, 1] and high only when its evidence is clear: a gender only on a face big and
sharp enough for the attribute models to be right (``people.GENDER_MIN_PX``),
an age group only with a clear age, a count of people from whichever of faces and person boxes
sees more of them. Nothing here runs a model.
"""

from __future__ import annotations

from collections.abc import Sequence

from thumbdesk.ml.people_scenes import (
    level_body,
    phone_held,
    players_on_pitch,
    selfie,
    together,
)
from thumbdesk.ml.presence import face_strength, in_head, people_count, person_strength
from thumbdesk.ml.ramps import ramp
from thumbdesk.ml.readings import FaceReading, PersonReading

FEATURES = (
    "person", "woman", "man", "girl", "boy", "child", "baby", "face", "smile",
    "couple", "group", "family", "crowd", "selfie", "plank", "pitch",
)  # fmt: skip
"""Every feature this module computes (the evidence map's ``people`` keys)."""

BABY_FROM_AGE = 0.7
"""Age models read young children as babies and babies as adults: a very young face alone is
weaker evidence of a baby than baby things around a person."""

AGE_CHILD = (0.55, 0.85)
AGE_GROWN = (0.6, 0.9)
AGE_BABY = (0.5, 0.8)
"""The age probe's P of a child (a baby's or a child's face), of a grown-up (a teen's or an
adult's) and of a baby from which a face is said to be one, and where fully. Out of fold
(``scripts/models_age.py``, faces of 348 sources seen as photos and as video frames show them)
P(child) >= 0.7 calls 1.4% of grown-ups' faces (young adults' selfies the most) and 85% of
children's; P(baby) >= 0.7, 3% of children's and 72% of babies' (toddlers of 3 and blurred faces
of 4-year-olds read baby too).
Grown-ups in video read higher than those photos: in ../shared/eval people walking past a
building 0.55-0.64, a singer behind a microphone 0.72-0.76, where children read 0.9 and more;
so "child" starts at 0.55 and is half said at 0.7. The probe tells a teen from an adult poorly (a
teen's face reads grown up 0.5 or more on 11%), so a teen is a woman or a man here, as in the
labels of ../shared/eval."""
BABY_THINGS = (0.1, 0.4)
"""Classifier mass of baby things (infant bed, bassinet, cradle, bib, pacifier ...) from which a
person among them is a baby, and where surely."""
CRADLED_FACE = 0.3
"""A judged face counts as the person among baby things only where it reads as a baby's at least
this far (its age group's infant share): a child on a bed the classifier takes for a cradle
(infant bed 0.14, diaper 0.21) is no baby. On 24 labelled sets this took "baby" off a couple's
hug (a top pick) and off two children on a bed with a plush toy (a lower candidate), and
changed nothing else on the top picks."""
CRADLED_SCORE = (0.35, 0.45)
"""Detector confidence from which a person among baby things counts, and where fully: lower than
a person anywhere else (``person_strength``), because a baby lying swaddled in a cot is found
less surely than someone standing (0.45 for a sleeping baby under a quilt), and the classifier's
cot is itself evidence that the person in it is small. A person whose head holds a face read
surely as a grown-up's (GROWN_REFERENCE) is no baby among the baby things: a salon's client under
a cape the classifier read as a bassinet (0.25) was "baby, family" with the two women's faces."""

AGE_SURE_PX = (28.0, 40.0)
"""Face height (pixels read) from which the age probe is heard, and where alone (below, the
mean age counts in its place). Out of fold it tells a child's face from a grown-up's about as
well at 36 px (AUC 0.994) as at full size (0.996), but on faces of 34-37 px in a street crowd
(../shared/eval is not one) a first probe read grown-ups as children."""

GENDER_CLEAR = (0.2, 0.7)
"""How far P(female) must stand from 0.5 (as ``|p - 0.5| * 2``) before a gender is said at
all, and where it is said in full: nothing between 0.4 and 0.6, full below 0.15 or above
0.85. On ../shared/eval the faces the model put between 0.15 and 0.3 were men's, save one baby
it also took for a 39-year-old (a woman's nearest reading was 0.35), so the ramp starts at
0.4 / 0.6 rather than 0.35 / 0.65: a man of 0.2 is named, a woman of 0.35 is not called a man."""

GENDER_SHOWN = (0.2, 0.5)
"""The same for showing a gender as a tag (``features(shown=True)``): said from the same
point, in full from 0.25 / 0.75. Of the clear grown-up faces on the rank-1 frames of nineteen
labelled sets whose items are labelled a woman or a man (not both), those read between 0.25
and 0.4, or 0.6 and 0.75, were right 13 times in 13. Popularity still counts a gender as
GENDER_CLEAR says: an unsure gender is shown, it does not lift the frame (on the same sets,
this ramp in popularity as well moved three picks out of their marked best moments)."""
GIRL_FEMALE = (0.5, 0.7)
"""P(female) from which a face read as a child's is a girl's, and where fully: the gender model
reads girls less surely than women (0.48-0.79 on the girls of ../shared/eval, where women
read 0.8-1.0)."""
GIRL_SHOWN = (0.45, 0.65)
BOY_SHOWN = (0.55, 0.7)
"""The same for showing "girl" and "boy" as tags (``features(shown=True)``); popularity counts
them from GIRL_FEMALE and BOY_MALE. On the rank-1 frames of nineteen labelled sets these ramps
named 7 more children, each as its labels do (girls read 0.56-0.63 female at a dinner table
and in a park; boys in family photos, a festive group and a team), and no one wrongly; one hit
was lost to a label's plural (a team labelled "boys" and "child": "boy" took the place of
"child" among the three tags), so hit@3 436 -> 435, tags outside the labels 336 -> 335. The
risk BOY_MALE names stays: a young woman the age probe takes for a child, read near 0.5, may be
shown a boy."""
BOY_MALE = (0.6, 0.75)
"""P(male) (1 - P(female)) from which a face read as a child's is a boy's, and where fully: the
gender model was learnt on grown-ups and reads boys less surely than men. On the faces of the
gender images of ``scripts/body_sources.jsonl`` that the age probe reads as a child's (P >=
0.55), this names 8 of 14 boys and 2 of 30 girls. A ramp from 0.55 named 11 boys, but on a blind
set it also named a young woman whom the probe read as a child (P(female) 0.34, a
beauty-filtered phone video) a boy: grown-ups the probe takes for children read near 0.5 too."""

BODY_CLEAR = (0.3, 0.7)
"""How far the body probe's P(female) must stand from 0.5 (as ``|p - 0.5| * 2``) before a
person without a judged face is said to be a woman or a man, and where fully."""
BODY_CHILD = (0.3, 0.7)
"""The body probe's P(child) from which a body's gender counts less, and where not at all: a
body does not make a child a woman or a man."""
FAMILY_NOT_FRIENDS = (0.3, 0.6)
"""A group that reads as a family (grown-ups with children: the family feature from the first
figure, fully from the second) is no group of friends. On 24 labelled sets this took "friends"
off parents with a baby, parents at a daughter's birthday, an extended family outdoors and
guests with children at a wedding (3 of the 4 shown "family", "girl" or "man" instead, each a
label word); no tag a label names was lost."""
BODY_SAYS = 0.8
"""The most a body's gender counts (a clear face's counts 1): the probe is right on about nine
in ten of the people it reads clearly, a face's gender more often."""
LARGER_THAN_GROWN = (1.25, 1.45)
GROWN_REFERENCE = 0.75
"""A face read as a child's counts less as far as it is larger than the largest face in its
frame read surely as a grown-up's (``_age_group`` from GROWN_REFERENCE, a clear face of
AGE_SURE_PX or more, read by the age probe alone), and not at all from 1.45 times its height.
A child's head is smaller than a grown-up's (about 0.85-0.9 of it at ten): seen larger, it is
much nearer the camera, as a grown-up holding the phone is. On the top frames of sixteen
labelled sets, of the faces read as a child's beside a surely grown one, those 1.3 times its
height and more belonged to children on 1 item in 8 (young women in headscarves and
beauty-filtered selfies were the others); children in front of their parents were 0.4-1.22."""
COUPLE_FACE = (0.08, 0.12)
"""A couple is two grown-ups read clearly as a woman and a man, the subject of their frame: the
smaller face at least this share of the frame's shorter side, and surely from the second. Every
couple of the evaluation sets shows faces of 0.12 and more; two footballers walking out of a
tunnel (0.07) or two cooks at the top of a hibachi table (0.08) are people passing by. No bundled
model tells partners from friends (no kiss or hug is seen), so the pairing is the evidence: every
woman and man shown close together as a pair on the evaluation footage were labelled a couple
(11 of 11 frames), no pair of men was (two footballers celebrating a goal, two cooks, two players:
0 of 3). Two women or two men are "friends" (``group``): a couple of one gender goes untagged
rather than every pair of teammates being tagged one."""
PARTNER_LEAN = 0.08
"""A clear grown-up's partner in a two-shot may be read less surely: a grown-up whose P(female)
stands at least this far from 0.5, short of the gender ramp, is taken as leaning that way, and a
woman and a man who lean apart are a couple when one of them is read clearly. The gender model
reads the second face of a pair less surely when it is turned to the other or smaller (a
woman's 0.598-0.67 beside a man's 0.0 in a festive selfie and a hug in a dining room). On the
rank-1 frames of twenty-one labelled sets this named 4 more pairs a couple, each a woman and a
man (2 labelled couples; a pair in a car and a pair's selfie labelled "woman, man"), and no
other tag or pick changed. Children the age model takes for grown-ups read near 0.5 (0.44
beside 0.23 on ../shared/eval) and stay apart."""
SPECIFIC = ("woman", "man", "girl", "boy", "child", "baby")
"""Features that name who is in view; the generic ``face`` and ``person`` stand back for them."""


def features(
    faces: Sequence[FaceReading],
    persons: Sequence[PersonReading] = (),
    baby_context: float = 0.0,
    grass: float = 0.0,
    ball_games: float = 0.0,
    bat_games: float = 0.0,
    frame_aspect: float = 1.0,
    shown: bool = False,
    phones: Sequence[tuple[tuple[float, float, float, float], float]] = (),
) -> dict[str, float]:
    """Every feature of FEATURES for one frame, in [0, 1].

    ``baby_context`` is the classifier's probability mass on baby things (cot, bib, ...):
    no bundled model tells a baby's face from an adult's, so a baby is a very young face or
    a person among baby things. ``grass`` (the share of the frame that is grass green),
    ``ball_games`` and ``bat_games`` (the classifier's mass on things of ball games, and of
    bat games among them) make people football players on a pitch (``players_on_pitch``);
    ``frame_aspect`` (width / height) measures faces against the frame's shorter side;
    ``shown``: the features as tags show them, a face's gender said from GENDER_SHOWN rather
    than GENDER_CLEAR.
    """
    out = dict.fromkeys(FEATURES, 0.0)
    strengths = [face_strength(f, persons) for f in faces]
    present = max(strengths + [person_strength(p) for p in persons] + [0.0])
    if present <= 0.0:
        return out
    out["person"] = present
    adult = young = 0.0
    adults: list[tuple[float, bool]] = []  # (face height, read as a woman) of clear grown-ups
    leaning: list[tuple[float, bool]] = []  # the same for grown-ups whose gender only leans
    among_baby_things = ramp(baby_context, *BABY_THINGS)
    groups = [None if f.age is None else _age_group(f, f.age) for f in faces]
    grown_height = _grown_face_height(faces, strengths, groups)
    for f, s, group in zip(faces, strengths, groups, strict=True):
        if group is not None:
            youth, grown, infant = group
            if grown_height > 0.0:
                youth *= 1.0 - ramp(f.box[3] / grown_height, *LARGER_THAN_GROWN)
            young, adult = max(young, s * youth), max(adult, s * grown)
            out["child"] = max(out["child"], s * youth)
            out["baby"] = max(out["baby"], s * infant)
            if f.female is not None:
                clear = ramp(abs(f.female - 0.5) * 2.0, *(GENDER_SHOWN if shown else GENDER_CLEAR))
                # a grown-up for a couple only when read clearly: the age model takes
                # children for adults, and children leave the gender model unsure
                height = f.box[3] / min(1.0, frame_aspect)
                if s * grown * clear >= 0.5:
                    adults.append((height, f.female > 0.5))
                elif s >= 0.5 and grown >= 0.5 and abs(f.female - 0.5) >= PARTNER_LEAN:
                    leaning.append((height, f.female > 0.5))
                she = clear * s * float(f.female > 0.5)
                he = clear * s * float(f.female < 0.5)
                # with a clear gender, a face is a woman or a man as far as it does not read
                # as a child's (a teen's face is neither surely young nor surely grown up)
                out["woman"] = max(out["woman"], she * max(grown, 1.0 - youth))
                girlish = ramp(f.female, *(GIRL_SHOWN if shown else GIRL_FEMALE)) * s
                boyish = ramp(1.0 - f.female, *(BOY_SHOWN if shown else BOY_MALE)) * s
                # a baby's face shows no gender the gender model can read (it was learnt on
                # grown-ups): a child is a girl or a boy as far as the face is not a baby's,
                # nor among baby things (a toddler in a nappy)
                kid = youth * (1.0 - max(infant, among_baby_things))
                out["girl"] = max(out["girl"], she * kid, girlish * kid)
                out["man"] = max(out["man"], he * max(grown, 1.0 - youth))
                out["boy"] = max(out["boy"], he * kid, boyish * kid)
        if f.smile is not None:
            out["smile"] = max(out["smile"], s * ramp(f.smile, 0.5, 0.9))
        out["face"] = max(out["face"], s * ramp(f.box[3], 0.05, 0.15))
    for p in persons:
        if p.female is None or any(
            _speaks_for(f, s, g) and in_head(f, p)
            for f, s, g in zip(faces, strengths, groups, strict=True)
        ):
            continue
        said = BODY_SAYS * person_strength(p) * ramp(abs(p.female - 0.5) * 2.0, *BODY_CLEAR)
        said *= 1.0 - ramp(p.child or 0.0, *BODY_CHILD)
        word = "woman" if p.female > 0.5 else "man"
        out[word] = max(out[word], said)
    # the person among baby things is one no surely grown-up face stands for
    grown_faces = [
        f for f, g in zip(faces, groups, strict=True) if g is not None and g[1] >= GROWN_REFERENCE
    ]
    unheld = [p for p in persons if not any(in_head(f, p) for f in grown_faces)]
    cradled = max(
        [
            s
            for f, s, g in zip(faces, strengths, groups, strict=True)
            if f not in grown_faces and (g is None or g[2] >= CRADLED_FACE)
        ]
        + [max(person_strength(p), ramp(p.score, *CRADLED_SCORE)) for p in unheld]
        + [0.0]
    )
    out["baby"] = max(out["baby"], cradled * among_baby_things)
    n = people_count(faces, persons)
    # a group needs a face or a clearly seen person: the detector's unsure "people" alone
    # (under 0.6) are too often shapes in a landscape, and specks in a field are nobody's friends
    anchor = max(
        strengths + [ramp(p.score, 0.6, 0.75) * ramp(p.box[3], 0.15, 0.3) for p in persons]
    )
    if len(adults) == 1 and len(leaning) == 1:
        adults = adults + leaning  # a clear grown-up's partner (PARTNER_LEAN)
    mixed = len(adults) == 2 and adults[0][1] != adults[1][1]
    out["couple"] = present * float(n == 2 and mixed)
    out["couple"] *= ramp(min((h for h, _ in adults), default=0.0), *COUPLE_FACE)
    facing = together(faces, strengths)
    out["group"] = anchor * ramp(n, 2.0, 3.0) * ramp(facing, 1.0, 2.0)
    out["crowd"] = anchor * ramp(n, 4.0, 7.0)
    out["family"] = present * min(1.0, adult, max(young, out["baby"])) * float(n >= 2)
    out["group"] *= 1.0 - ramp(out["family"], *FAMILY_NOT_FRIENDS)
    out["selfie"] = max(
        selfie(faces, strengths, groups, frame_aspect),
        phone_held(faces, strengths, groups, persons, phones),
    )
    out["pitch"] = players_on_pitch(persons, grass, ball_games, bat_games)
    out["plank"] = level_body(persons, faces)
    return out


def _speaks_for(
    face: FaceReading, strength: float, group: tuple[float, float, float] | None
) -> bool:
    """Whether a face in a person's head says who the person is, rather than their body.

    It does when its gender was read at all (GENDER_CLEAR) on a face in view (``strength``, its
    ``face_strength``, above 0), or when it reads as a child's (a body does not make a child a
    woman or a man). A grown-up's face the gender model leaves unsure (a small face at 0.52
    female) leaves the body probe's clear reading to speak: on nineteen labelled sets this
    named one more man (an outdoor fitness class) and changed nothing else.
    """
    if face.female is None:
        return False
    if group is not None and group[0] >= 0.5:
        return True
    return ramp(abs(face.female - 0.5) * 2.0, *GENDER_CLEAR) * strength > 0.0


def _grown_face_height(
    faces: Sequence[FaceReading],
    strengths: Sequence[float],
    groups: Sequence[tuple[float, float, float] | None],
) -> float:
    """Height of the largest clear face read surely as a grown-up's (LARGER_THAN_GROWN), or 0.

    ``groups``: each face's ``_age_group`` (None where its age was not judged).
    """
    return max(
        (
            f.box[3]
            for f, s, group in zip(faces, strengths, groups, strict=True)
            if group is not None
            and s >= 0.5
            and f.size_px >= AGE_SURE_PX[1]
            and group[1] >= GROWN_REFERENCE
        ),
        default=0.0,
    )


def _age_group(face: FaceReading, age: float) -> tuple[float, float, float]:
    """How surely a judged face of mean age ``age`` is a child's, a grown-up's, a baby's.

    A child is 12 or under. From the age probe where it read a face big enough (``AGE_CHILD``,
    ``AGE_SURE_PX``), else from the mean age (under 11 a child, from 21 grown up, a baby
    (BABY_FROM_AGE at most) under 3), and from both in between.
    """
    from_age = (ramp(age, 18.0, 11.0), ramp(age, 15.0, 21.0), BABY_FROM_AGE * ramp(age, 3.0, 1.0))
    if face.groups is None:
        return from_age
    baby, child, _teen = face.groups
    heard = ramp(face.size_px, *AGE_SURE_PX)
    from_probe = (
        ramp(baby + child, *AGE_CHILD),
        ramp(1.0 - baby - child, *AGE_GROWN),
        ramp(baby, *AGE_BABY),
    )
    youth, grown, infant = (
        heard * p + (1.0 - heard) * a for p, a in zip(from_probe, from_age, strict=True)
    )
    return youth, grown, infant
