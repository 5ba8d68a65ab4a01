"""One person's age, and a gender left unclear, read across a shot: steadier than one frame.

The age probe reads the same face differently from frame to frame (expression, angle, light).
On the candidates of 27 labelled sets, of 1,102 pairs of one face (60 px and more) seen in two
candidates of a shot, 20% differ in P(child) by more than 0.2 and 13% by more than 0.3: a woman
filming herself read 0.90, 0.07, 0.63 and 0.36 in four candidates of one shot, and the first was
tagged "girl, child". ``steady_ages`` gives each face the mean of its age readings over the
candidates of its shot that show the same face (``same_person``: about the same place, the same
size and the same gender reading), weighted by the face's height in pixels (a larger face is
read better); a gender the face's own reading leaves unclear (``UNCLEAR_GENDER``) is read the
same way. Only the tags shown use it (``topic_scores.shot_tags``): the ranking stays each
frame's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from thumbdesk.ml.evidence import Evidence
from thumbdesk.ml.readings import FaceReading

SAME_PLACE = 0.1
"""Two faces of a shot's candidates are one person's when their centres lie at most this far
apart (a share of the frame's width and height): people in a shot move little between its
candidates, and two people side by side are further apart. At 0.2 a man playing with a toddler
took the toddler's age from a candidate where the toddler stood near his place, and lost "man";
on the 27 labelled sets 0.2 showed 2 more tags outside the labels than 0.1, and one hit less."""
SAME_SIZE = (0.67, 1.5)
"""... when one's height is within these times the other's ..."""
SAME_GENDER = 0.5
"""... and when their P(female) differs by less than this, where both were read."""
UNCLEAR_GENDER = 0.4
"""A face whose P(female) lies this close to even (|P - 0.5| * 2 under it: 0.3-0.7) takes the
size-weighted mean P(female) of the same face in the shot, where its own reading names nobody
or names them weakly. On the 27 labelled sets it named 4 more women and men that the labels
name, took "man" off a woman dancing and "boy" off a toddler girl, and took "woman" off one
dancer whose other readings leaned male; at 0.6 it named fewer girls."""


def _centre(face: FaceReading) -> tuple[float, float]:
    x, y, w, h = face.box
    return x + w / 2, y + h / 2


def _distance(a: FaceReading, b: FaceReading) -> float:
    (ax, ay), (bx, by) = _centre(a), _centre(b)
    return float(np.hypot(ax - bx, ay - by))


def same_person(a: FaceReading, b: FaceReading) -> bool:
    """Whether two judged faces of one shot's candidates are one person's (see SAME_PLACE)."""
    if a.groups is None or b.groups is None or a.age is None or b.age is None:
        return False
    if a.box[3] <= 0.0 or b.box[3] <= 0.0:
        return False
    if _distance(a, b) > SAME_PLACE or not SAME_SIZE[0] <= b.box[3] / a.box[3] <= SAME_SIZE[1]:
        return False
    return a.female is None or b.female is None or abs(a.female - b.female) < SAME_GENDER


def _read_across(seen: Sequence[FaceReading]) -> FaceReading:
    """The first face with all faces' age (and gender, where its own is unclear), weighted."""
    weights = [max(f.size_px, 1.0) for f in seen]
    groups = np.average(np.array([f.groups for f in seen], dtype=float), axis=0, weights=weights)
    age = float(np.average([f.age for f in seen], weights=weights))
    female = seen[0].female
    if female is not None and abs(female - 0.5) * 2.0 < UNCLEAR_GENDER:
        read = [(f.female, w) for f, w in zip(seen, weights, strict=True) if f.female is not None]
        female = float(np.average([p for p, _ in read], weights=[w for _, w in read]))
    return replace(seen[0], groups=tuple(float(g) for g in groups), age=age, female=female)


def steady_ages(evidences: Sequence[Evidence]) -> list[Evidence]:
    """``evidences`` (one shot's candidates, same order), each face read across them."""
    out = []
    for i, ev in enumerate(evidences):
        readings = []
        for face in ev.readings:
            seen = [face]
            for j, other in enumerate(evidences):
                if j == i:
                    continue
                matches = [g for g in other.readings if same_person(face, g)]
                if matches:
                    seen.append(min(matches, key=lambda g: _distance(face, g)))
            readings.append(face if len(seen) == 1 else _read_across(seen))
        out.append(replace(ev, readings=tuple(readings)))
    return out
