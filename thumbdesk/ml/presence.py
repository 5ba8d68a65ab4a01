"""How sure we are that a person is in view: a face, a whole person, how many of them.

The face detector's confidence and a face's size say how sure a face is (``face_strength``); a
small face in a clearly seen person's head needs less (two models agree). The object
detector's confidence says how sure a whole person is (``person_strength``). The people
features (``ml.people_features``) and the scenes of people (``ml.people_scenes``) weigh every
face and person by these. Nothing here runs a model.
"""

from __future__ import annotations

from collections.abc import Sequence

from thumbdesk.ml.evidence import inside
from thumbdesk.ml.ramps import ramp
from thumbdesk.ml.readings import FaceReading, PersonReading

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
        person_strength(p) >= 0.9 and in_head(face, p) for p in persons
    ):
        sure = max(sure, ramp(face.score, *CORROBORATED_SCORE))
    return sure * ramp(face.size_px, 14.0, 36.0)


def in_head(face: FaceReading, person: PersonReading) -> bool:
    """The face's centre lies in the upper half of the person's box."""
    return inside(face.box, upper(person.box, 0.5))


def upper(
    box: tuple[float, float, float, float], share: float
) -> tuple[float, float, float, float]:
    """The top ``share`` of a box (x, y, w, h)."""
    x, y, w, h = box
    return x, y, w, h * share


def person_strength(person: PersonReading) -> float:
    """How sure we are of a detected person."""
    return ramp(person.score, 0.35, 0.6)


def people_count(faces: Sequence[FaceReading], persons: Sequence[PersonReading]) -> int:
    """People in view: whichever of faces and person boxes sees more of them."""
    clear_faces = sum(face_strength(f) >= 0.5 for f in faces)
    clear_persons = sum(person_strength(p) >= 0.5 for p in persons)
    return max(clear_faces, clear_persons)
