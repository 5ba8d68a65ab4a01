"""How the people in view are placed: together, a selfie, players on a pitch, a body held level.

The people features (``ml.people_features``) read these from where the faces and person boxes
lie in the frame and how large they are: friends show clear faces at about one distance
(``together``), whoever films themselves holds their face close to the phone (``selfie``),
footballers are small people on a grass-green field (``players_on_pitch``), someone doing a
push-up or a plank is a whole body much wider than tall (``level_body``). Nothing here runs a
model.
"""

from __future__ import annotations

from collections.abc import Sequence

from thumbdesk.ml.evidence import inside
from thumbdesk.ml.presence import person_strength, upper
from thumbdesk.ml.ramps import ramp
from thumbdesk.ml.readings import FaceReading, PersonReading

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
A mirror selfie (the phone in view, the face small) is ``phone_held``'s."""
SELFIE_CENTRED = (0.35, 0.25)
"""How far from the frame's middle (a share of its width) a lone selfie's face may lie, and
where it fully counts: whoever films themselves holds the phone to one side as often as in
front. From (0.2, 0.1) to these figures, on the rank-1 frames of 27 labelled sets, "selfie"
was added on 13 lone faces, 12 of them labelled selfies (faces centred at 0.64-0.79 or
0.24-0.3 of the width), the other a woman looking up from a mixing bowl."""
SELFIE_CLOSE = (0.4, 0.5)
SELFIE_NOT_CHILD = (0.3, 0.6)
"""A lone face in a landscape or square frame is a selfie from this share of the frame's
height, and surely from the second, unless it reads as a child's (its age group's youth,
fully from the second figure): a parent films a child's face that close, not the child. On the
rank-1 frames of nineteen labelled sets, lone clear faces of 0.44 and more in such frames were
labelled selfies 12 times in 21, and 6 of the other 9 were children's and babies' portraits;
with these ramps "selfie" was added on 9 rank-1 frames, 7 of them labelled selfies (a woman
pulling faces at her camera and a make-up close-up the others), and hit@3 rose by one."""


PHONE_SEEN = (0.35, 0.5)
"""Detector certainty of a phone from which it is one, and where surely (``phone_held``)."""
PHONE_HELD = 0.6
"""A phone whose centre lies in the top this share of a sure person's box is held up by them."""
PHONE_FACE = (0.1, 0.15)
"""The main face's share of the frame's height from which someone holding a phone up is the
subject filming themselves, and where surely (``phone_held``). On the top six candidates of 31
labelled sets this named 12 more frames a selfie, 10 of them in items labelled selfie (mirror
selfies, a phone held out in a dance video); the others were a couple dancing with a phone in
hand and a woman filming herself brushing her teeth in a mirror. A phone held to the ear lies
where a mirror selfie's does, beside the face: no labelled item showed one."""


LEVEL_SHAPE = (1.4, 2.2)
"""A body held level (a push-up, a plank): a person's box this much wider than tall (in pixels,
``PersonReading.shape``) from where it may be one, and where surely ..."""
LEVEL_MARGIN = 0.02
"""... seen whole: the box clear of the frame's top and bottom by this share of the frame ..."""
LEVEL_HEADS = 6.0
"""... and at least this many face heights long where a face is seen on it (a grown-up's body
is about seven). The detector's box of someone cut by the frame is as wide as the frame shows
them: a head-and-shoulders selfie, hands over a cake, legs under the top edge. On the top five
candidates of twenty-three labelled sets, 56 wide boxes without these checks read as a body
held level, 4 of them on exercise footage (three men doing push-ups or a bench press): selfies
(a face 0.3-0.9 of the box's height, the box 2-4.4 face heights wide), hands in close-up filling
the frame, players' legs cut by the top edge. Push-ups keep theirs (11 face heights, or no face
seen, the box inside the frame)."""


def level_body(persons: Sequence[PersonReading], faces: Sequence[FaceReading]) -> float:
    """How surely someone in view holds their body level (LEVEL_SHAPE), in [0, 1]."""
    best = 0.0
    for p in persons:
        _, y, w, h = p.box
        if p.on_furniture or y < LEVEL_MARGIN or y + h > 1.0 - LEVEL_MARGIN:
            continue
        heads = [f.box[3] for f in faces if inside(f.box, p.box)]
        if heads and w * p.frame_aspect < LEVEL_HEADS * max(heads):
            continue
        best = max(best, person_strength(p) * ramp(p.shape, *LEVEL_SHAPE))
    return best


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


def together(faces: Sequence[FaceReading], strengths: Sequence[float]) -> int:
    """Clear faces at about the same distance as the nearest one (see ``TOGETHER``).

    ``strengths``: each face's ``face_strength``; a face is clear from 0.5.
    """
    heights = [f.box[3] for f, s in zip(faces, strengths, strict=True) if s >= 0.5]
    return sum(h >= TOGETHER * max(heights) for h in heights) if heights else 0


def selfie(
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
    not far from the middle (SELFIE_CENTRED) and in an upright frame (SELFIE_UPRIGHT): a lone
    large face in a landscape frame is as often a talking head or a portrait someone else
    filmed, unless it is close enough to be held at arm's length and not a child's
    (SELFIE_CLOSE). ``groups``: each face's ``_age_group`` (None where its age was not judged).
    """
    clear = _clear_faces(faces, strengths, groups)
    holder = _holder(clear)
    if holder is None:
        return 0.0
    main, sure, group = holder
    sure *= ramp(main.frontal, *SELFIE_FRONTAL)
    height = main.box[3]
    if len(clear) >= 2:
        together = sum(f.box[3] >= TOGETHER * height for f, _, _ in clear) >= 2
        return sure * ramp(height, *(SELFIE_GROUP_FACE if together else SELFIE_FACE))
    centre = main.box[0] + main.box[2] / 2
    youth = group[0] if group is not None else 0.0
    held = max(
        ramp(frame_aspect, *SELFIE_UPRIGHT),
        ramp(height, *SELFIE_CLOSE) * (1.0 - ramp(youth, *SELFIE_NOT_CHILD)),
    )
    return sure * ramp(height, *SELFIE_FACE) * ramp(abs(centre - 0.5), *SELFIE_CENTRED) * held


def phone_held(
    faces: Sequence[FaceReading],
    strengths: Sequence[float],
    groups: Sequence[tuple[float, float, float] | None],
    persons: Sequence[PersonReading],
    phones: Sequence[tuple[tuple[float, float, float, float], float]],
) -> float:
    """Someone in view holds a phone up to film themselves, the phone in the picture.

    A mirror selfie, or a phone held out in a selfie video (``selfie`` reads the faces alone).
    A phone the detector finds (PHONE_SEEN) in the top PHONE_HELD of a sure person's box, and
    a clear main face of some size (PHONE_FACE) that is no baby's. ``phones``: (box, detector
    certainty) of each phone found.
    """
    holder = _holder(_clear_faces(faces, strengths, groups))
    if holder is None or not phones:
        return 0.0
    main, sure, _ = holder
    held = max(
        (
            ramp(score, *PHONE_SEEN)
            for box, score in phones
            if any(p.score >= 0.5 and inside(box, upper(p.box, PHONE_HELD)) for p in persons)
        ),
        default=0.0,
    )
    return sure * held * ramp(main.box[3], *PHONE_FACE)


Clear = tuple[FaceReading, float, tuple[float, float, float] | None]
"""A clear face, how sure it is (``presence.face_strength``), its age group (or None)."""


def _clear_faces(
    faces: Sequence[FaceReading],
    strengths: Sequence[float],
    groups: Sequence[tuple[float, float, float] | None],
) -> list[Clear]:
    return [(f, s, g) for f, s, g in zip(faces, strengths, groups, strict=True) if s >= 0.5]


def _holder(clear: Sequence[Clear]) -> Clear | None:
    """The largest clear face: whoever holds the phone (None if none, or a baby's)."""
    if not clear:
        return None
    main = max(clear, key=lambda fsg: fsg[0].box[3])
    group = main[2]
    return None if group is not None and group[2] >= 0.5 else main
