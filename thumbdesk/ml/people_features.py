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
CRADLED_SCORE = (0.35, 0.45)
"""Detector confidence from which a person among baby things counts, and where fully: lower than
a person anywhere else (``person_strength``), because a baby lying swaddled in a cot is found
less surely than someone standing (0.45 for a sleeping baby under a quilt), and the classifier's
cot is itself evidence that the person in it is small."""

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

TOGETHER = 0.6
"""A group of friends shows two or more clear faces at about the same distance: each at least
this share of the largest one's height. People passing behind someone (a street, a square)
are not a group with them, and backs or specks are nobody's friends."""
PITCH_GRASS = (0.35, 0.6)
"""Share of the frame that is grass green (``evidence.grass_of``) from which players stand on a
pitch, and where fully: a football broadcast or an aerial view of a match shows 0.66-0.88, a
family on a lawn 0.44, a street or a room under 0.1."""
PITCH_BALL_GAMES = (0.05, 0.2)
"""Classifier mass of ball-game things (soccer ball, scoreboard, a baseball player ...: the
evidence map's "ball games") that makes people on grass players. No ImageNet class is a
football pitch, and the classifier reads a match as any ball game; a picnic on a lawn reads
none of them."""
PITCH_BAT_GAMES = (0.45, 0.65)
"""Classifier mass of bat games (a baseball player, a baseball) from which the game on the
grass is not football, and where surely not: the classifier calls cricketers in white baseball
players at 0.73, footballers at most 0.33."""
BODY_CLEAR = (0.3, 0.7)
"""How far the body probe's P(female) must stand from 0.5 (as ``|p - 0.5| * 2``) before a
person without a judged face is said to be a woman or a man, and where fully."""
BODY_CHILD = (0.3, 0.7)
"""The body probe's P(child) from which a body's gender counts less, and where not at all: a
body does not make a child a woman or a man."""
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
SELFIE_FACE = (0.25, 0.35)
SELFIE_GROUP_FACE = (0.22, 0.3)
SELFIE_UPRIGHT = (0.85, 0.7)
SELFIE_FRONTAL = (0.25, 0.45)
"""A selfie: the main face's share of the frame's height from which it is near enough to be
held at arm's length, and where surely (alone, and with others); and the frame's width / height
under which a lone large face is one (a phone held upright). On the rank-1 frames of nine
labelled sets (324 items), a lone face of 0.35 and more in an upright frame was labelled a
selfie 6 times in 6, in a landscape frame 4 in 16 (talking heads, portraits, close-ups of
children); the largest of two or more faces from 0.3, 18 in 24 (the others mostly children
photographed together). Shown this way, "selfie" named what the labels say 22 times in 26.
Whoever holds the phone looks at it: the main face is turned to the camera (its ``frontal``
from 0.25, fully from 0.45). On the rank-1 frames of fourteen labelled sets, the largest face
of 64 of the 66 items labelled selfie with a face read 0.43 or more (not a couple kissing in a
mirror, 0.09, nor a woman cheek to cheek with her dog, 0.0); two violinists looking at their
music (0.0), a bride and groom dancing cheek to cheek (0.0) and a couple at an event facing
each other (0.3) were no selfies. Any ramp from 0.2-0.3 to 0.4-0.5 tags the same.
A mirror selfie (the phone in view, the face small) is not seen."""
SELFIE_CLOSE = (0.4, 0.5)
SELFIE_NOT_CHILD = (0.3, 0.6)
"""A lone face in a landscape or square frame is a selfie from this share of the frame's
height, and surely from the second, unless it reads as a child's (its age group's youth,
fully from the second figure): a parent films a child's face that close, not the child. On the
rank-1 frames of nineteen labelled sets, lone clear faces of 0.44 and more in such frames were
labelled selfies 12 times in 21, and 6 of the other 9 were children's and babies' portraits;
with these ramps "selfie" was added on 9 rank-1 frames, 7 of them labelled selfies (a woman
pulling faces at her camera and a make-up close-up the others), and hit@3 rose by one."""
SPECIFIC = ("woman", "man", "girl", "boy", "child", "baby")
"""Features that name who is in view; the generic ``face`` and ``person`` stand back for them."""


def ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between (either direction)."""
    if high == low:
        return float(value >= high)
    return min(1.0, max(0.0, (value - low) / (high - low)))


CORROBORATED_SCORE = (0.7, 0.78)
"""Face detector confidence over which a small face in a clearly seen person's head is fully
sure (a face alone needs 0.88): two models that agree on a person make one unsure reading
enough. The face detector scores small faces low for their size alone (a 34 px face of a
silent film at 0.75); a large face scored low is turned away or odd, and stays unsure."""

CORROBORATED_MAX_PX = 48.0
"""Faces up to this height (pixels of the analysed frame) may be sure by corroboration. With no
cap, a baby's 105 px face scored 0.82 was read as a man's on ../shared/eval; at 64 px a second
man's 55 px face at 0.76 made two men feeding each other cake a couple."""


def face_strength(face: FaceReading, persons: Sequence[PersonReading] = ()) -> float:
    """How sure we are that a person's face is in view (confidence and size).

    A small face in the top half of a clearly detected person's box counts at a lower
    detector confidence (``CORROBORATED_SCORE``, ``CORROBORATED_MAX_PX``).
    """
    sure = ramp(face.score, 0.7, 0.88)
    if face.size_px <= CORROBORATED_MAX_PX and any(
        person_strength(p) >= 0.9 and _in_head(face, p) for p in persons
    ):
        sure = max(sure, ramp(face.score, *CORROBORATED_SCORE))
    return sure * ramp(face.size_px, 14.0, 36.0)


def _in_head(face: FaceReading, person: PersonReading) -> bool:
    """The face's centre lies in the upper half of the person's box."""
    fx, fy = face.box[0] + face.box[2] / 2, face.box[1] + face.box[3] / 2
    px, py, pw, ph = person.box
    return px <= fx <= px + pw and py <= fy <= py + ph / 2


def person_strength(person: PersonReading) -> float:
    """How sure we are of a detected person."""
    return ramp(person.score, 0.35, 0.6)


def people_count(faces: Sequence[FaceReading], persons: Sequence[PersonReading]) -> int:
    """People in view: whichever of faces and person boxes sees more of them."""
    clear_faces = sum(face_strength(f) >= 0.5 for f in faces)
    clear_persons = sum(person_strength(p) >= 0.5 for p in persons)
    return max(clear_faces, clear_persons)


def features(
    faces: Sequence[FaceReading],
    persons: Sequence[PersonReading] = (),
    baby_context: float = 0.0,
    grass: float = 0.0,
    ball_games: float = 0.0,
    bat_games: float = 0.0,
    frame_aspect: float = 1.0,
    shown: bool = False,
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
                if s * grown * clear >= 0.5:
                    adults.append((f.box[3] / min(1.0, frame_aspect), f.female > 0.5))
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
        if p.female is None or any(f.female is not None and _in_head(f, p) for f in faces):
            continue
        said = BODY_SAYS * person_strength(p) * ramp(abs(p.female - 0.5) * 2.0, *BODY_CLEAR)
        said *= 1.0 - ramp(p.child or 0.0, *BODY_CHILD)
        word = "woman" if p.female > 0.5 else "man"
        out[word] = max(out[word], said)
    cradled = max([present] + [ramp(p.score, *CRADLED_SCORE) for p in persons])
    out["baby"] = max(out["baby"], cradled * among_baby_things)
    n = people_count(faces, persons)
    # a group needs a face or a clearly seen person: the detector's unsure "people" alone
    # (under 0.6) are too often shapes in a landscape, and specks in a field are nobody's friends
    anchor = max(
        strengths + [ramp(p.score, 0.6, 0.75) * ramp(p.box[3], 0.15, 0.3) for p in persons]
    )
    mixed = len(adults) == 2 and adults[0][1] != adults[1][1]
    out["couple"] = present * float(n == 2 and mixed)
    out["couple"] *= ramp(min((h for h, _ in adults), default=0.0), *COUPLE_FACE)
    facing = _together(faces, strengths)
    out["group"] = anchor * ramp(n, 2.0, 3.0) * ramp(facing, 1.0, 2.0)
    out["crowd"] = anchor * ramp(n, 4.0, 7.0)
    out["family"] = present * min(1.0, adult, max(young, out["baby"])) * float(n >= 2)
    out["selfie"] = _selfie(faces, strengths, groups, frame_aspect)
    out["pitch"] = players_on_pitch(persons, grass, ball_games, bat_games)
    # a body held level (push-up, plank): a clearly seen person much wider than tall, and not
    # lying on a bed or a couch
    out["plank"] = max(
        [person_strength(p) * ramp(p.shape, 1.4, 2.2) for p in persons if not p.on_furniture]
        + [0.0]
    )
    return out


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


def players_on_pitch(
    persons: Sequence[PersonReading], grass: float, ball_games: float, bat_games: float = 0.0
) -> float:
    """Football players on a pitch: several clearly seen small people on a green field.

    The frame must read as a ball game played with the feet (a match seen from the stands,
    the air or a broadcast camera): ball-game things, and no sure bat game.
    """
    players = sum(person_strength(p) >= 0.5 and p.box[3] < 0.35 for p in persons)
    return (
        ramp(players, 2.0, 4.0)
        * ramp(grass, *PITCH_GRASS)
        * ramp(ball_games, *PITCH_BALL_GAMES)
        * (1.0 - ramp(bat_games, *PITCH_BAT_GAMES))
    )


def _together(faces: Sequence[FaceReading], strengths: Sequence[float]) -> int:
    """Clear faces at about the same distance as the nearest one (see ``TOGETHER``).

    ``strengths``: each face's ``face_strength``; a face is clear from 0.5.
    """
    heights = [f.box[3] for f, s in zip(faces, strengths, strict=True) if s >= 0.5]
    return sum(h >= TOGETHER * max(heights) for h in heights) if heights else 0


def _selfie(
    faces: Sequence[FaceReading],
    strengths: Sequence[float],
    groups: Sequence[tuple[float, float, float] | None],
    frame_aspect: float,
) -> float:
    """The people in view filmed themselves at arm's length (see ``SELFIE_FACE``).

    The main face is the largest clear one, turned to the camera (SELFIE_FRONTAL), and no
    baby's (a baby films no selfie). With other clear faces in view it must be large
    (SELFIE_GROUP_FACE when another is at about its distance, ``TOGETHER``; SELFIE_FACE when
    the others are further back, the holder's arm in front of them). Alone it must be large,
    central and in an upright frame (SELFIE_UPRIGHT): a lone large face in a landscape frame is
    as often a talking head or a portrait someone else filmed, unless it is close enough to be
    held at arm's length and not a child's (SELFIE_CLOSE). ``groups``: each face's
    ``_age_group`` (None where its age was not judged).
    """
    clear = [(f, s, g) for f, s, g in zip(faces, strengths, groups, strict=True) if s >= 0.5]
    if not clear:
        return 0.0
    main, sure, group = max(clear, key=lambda fsg: fsg[0].box[3])
    sure *= ramp(main.frontal, *SELFIE_FRONTAL)
    height = main.box[3]
    if group is not None and group[2] >= 0.5:
        return 0.0
    if len(clear) >= 2:
        together = sum(f.box[3] >= TOGETHER * height for f, _, _ in clear) >= 2
        return sure * ramp(height, *(SELFIE_GROUP_FACE if together else SELFIE_FACE))
    centre = main.box[0] + main.box[2] / 2
    youth = group[0] if group is not None else 0.0
    held = max(
        ramp(frame_aspect, *SELFIE_UPRIGHT),
        ramp(height, *SELFIE_CLOSE) * (1.0 - ramp(youth, *SELFIE_NOT_CHILD)),
    )
    return sure * ramp(height, *SELFIE_FACE) * ramp(abs(centre - 0.5), 0.2, 0.1) * held
