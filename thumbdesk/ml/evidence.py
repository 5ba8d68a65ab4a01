"""What the image models saw in one frame (``Evidence``), and where its subjects are.

The scorer (``ml.scorer``) fills an Evidence per frame from its models, and topic scoring
(``ml.topic_scores``) reads topics from it; the helpers here turn the models' raw findings
into the frame's readings (a face with its attributes, the picture's contrast) and into the
boxes the reframing keeps (faces, people without a face, head and shoulders around the main
face). Nothing here runs a model.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.ml.detector import Detection
from thumbdesk.ml.faces import Face
from thumbdesk.ml.people import FaceAttributes
from thumbdesk.ml.readings import FaceReading, PersonReading
from thumbdesk.ml.text import TextReading

OBJECT_LOW = 0.35
"""Detector certainty that means nothing (topic scoring ramps from it; people below it are not
subjects to keep)."""
RESTING_PLACES = ("bed", "couch", "bench")
"""Detector classes a person lies on without holding a plank."""


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the image models saw in one frame (small; kept on each Candidate)."""

    probs: np.ndarray
    """(1000,) float16 ImageNet probabilities."""
    faces: tuple[Face, ...] = ()
    readings: tuple[FaceReading, ...] = ()
    """The faces with what the people models read from them (same order as ``faces``)."""
    objects: tuple[Detection, ...] = ()
    """Objects and people the detector found."""
    content: float = 1.0
    """0 (flat, black) .. 1 (normal contrast), from the luma spread of the frame."""

    frame_aspect: float = 1.0
    """Width / height of the frame in pixels."""
    detailed: bool = False
    """The faces were judged again on the full-resolution frame (``Scorer.with_detail``)."""
    text: TextReading | None = None
    """Burnt-in text the text detector found (captions, titles, watermarks); None until read
    (``Scorer.with_text``)."""
    cartoon: float = 0.0
    """P(the frame is drawn or rendered, not filmed), from ``ml.style``."""
    grass: float = 0.0
    """Share of the frame that is grass green (``grass_of``)."""
    bodies: tuple[tuple[tuple[float, float, float, float], float, float], ...] = ()
    """(box, P(female) of a grown person, P(child)) of the people whose body ``ml.bodies``
    read (no judged face)."""

    @property
    def smiles(self) -> tuple[float | None, ...]:
        """Each face's P(happy), in the faces' order.

        None where the expression model did not read it, or the readings do not follow the
        faces one by one.
        """
        if len(self.readings) != len(self.faces):
            return (None,) * len(self.faces)
        return tuple(r.smile for r in self.readings)

    @property
    def phones(self) -> tuple[tuple[tuple[float, float, float, float], float], ...]:
        """(box, certainty) of the phones the detector found."""
        return tuple((d.box, d.score) for d in self.objects if d.label == "cell phone")

    @property
    def persons(self) -> tuple[PersonReading, ...]:
        """The detector's people."""
        furniture = [d.box for d in self.objects if d.label in RESTING_PLACES]
        body = {box: (female, child) for box, female, child in self.bodies}
        return tuple(
            PersonReading(
                d.box,
                d.score,
                self.frame_aspect,
                any(overlap(d.box, f) for f in furniture),
                *body.get(d.box, (None, None)),
            )
            for d in self.objects
            if d.label == "person"
        )


def intersection(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Area two (x, y, w, h) boxes share."""
    w = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    return w * h


def box_iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two (x, y, w, h) boxes."""
    shared = intersection(a, b)
    union = a[2] * a[3] + b[2] * b[3] - shared
    return shared / union if union > 0 else 0.0


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Two (x, y, w, h) boxes share some area."""
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def reading_of(attributes: FaceAttributes) -> FaceReading:
    """A face and its attributes as the people features read them."""
    face = attributes.face
    return FaceReading(
        face.box,
        face.score,
        face.size_px,
        attributes.female,
        attributes.age,
        attributes.happy,
        attributes.groups,
        frontal=face.symmetry,
    )


def content_of(image: np.ndarray) -> float:
    """0 (flat or black) .. 1 (normal contrast), from the luma spread of a 64x64 copy."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    small = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA)
    spread, luma = float(small.std()), float(small.mean())
    return float(np.clip((spread - 4.0) / 16.0, 0.0, 1.0) * np.clip((luma - 8.0) / 24.0, 0.0, 1.0))


GRASS_HSV = ((30, 60, 40), (90, 255, 255))
"""OpenCV HSV bounds (hue 0-180) of grass and pitch green, lit or in shade."""


def grass_of(image: np.ndarray) -> float:
    """Share of a 64x64 copy of the frame that is grass green."""
    small = cv2.resize(image, (64, 64), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    low, high = GRASS_HSV
    return float(np.count_nonzero(cv2.inRange(hsv, low, high))) / (64 * 64)


def subject_box(face: Face) -> tuple[float, float, float, float]:
    """Head and shoulders around a face, clipped to the frame (fractions)."""
    x, y, w, h = face.box
    x0, y0 = max(0.0, x - w), max(0.0, y - 0.6 * h)
    x1, y1 = min(1.0, x + 2 * w), min(1.0, y + 2.2 * h)
    return (x0, y0, x1 - x0, y1 - y0)


def subject_boxes(ev: Evidence) -> tuple[tuple[float, float, float, float], ...]:
    """Every face, and every confident person without a face, for the reframing to keep."""
    boxes = [face.box for face in ev.faces]
    for person in ev.persons:
        if person.score >= OBJECT_LOW and not any(inside(face, person.box) for face in boxes):
            boxes.append(person.box)
    return tuple(boxes)


def inside(
    box: tuple[float, float, float, float], outer: tuple[float, float, float, float]
) -> bool:
    """The centre of ``box`` lies inside ``outer``."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    return outer[0] <= cx <= outer[0] + outer[2] and outer[1] <= cy <= outer[1] + outer[3]


def person_box(ev: Evidence) -> tuple[float, float, float, float] | None:
    """The largest confident person the detector found, when no face is seen."""
    people = [p for p in ev.persons if p.score >= OBJECT_LOW]
    if not people:
        return None
    x, y, w, h = max(people, key=lambda p: p.box[2] * p.box[3]).box
    x0, y0 = max(0.0, x), max(0.0, y)
    return (x0, y0, min(1.0, x + w) - x0, min(1.0, y + h) - y0)
