"""What the people models read of one frame: each face with its attributes, each whole person.

The scorer fills these from its models (``ml.evidence.reading_of``, ``ml.bodies``) and keeps
them on the frame's Evidence; the people features (``ml.people_features``) and the activity
check (``ml.activity``) read them. Plain data: nothing here runs a model.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FaceReading:
    """One face and what the attribute models read from it (None: not judged)."""

    box: tuple[float, float, float, float]
    """(x, y, w, h) as fractions of the frame."""
    score: float
    """Face detector confidence."""
    size_px: float
    """Face height in pixels of the frame the attributes were read on (the analysed copy, or
    the full-resolution frame when the pipeline read it again for detail)."""
    female: float | None = None
    """P(female) from the gender model; None when the face was too small or unclear."""
    age: float | None = None
    """Apparent age in years; None when not judged."""
    smile: float | None = None
    """P(happy) from the expression model; None unless the face is large and frontal."""
    groups: tuple[float, ...] | None = None
    """P(baby), P(child), P(teen) from the age probe (``people.AGE_GROUPS``); None when the
    age was not judged. The rest is P(grown up)."""
    frontal: float = 1.0
    """0..1: how squarely the face is turned to the camera (``faces.Face.symmetry``)."""


@dataclass(frozen=True)
class PersonReading:
    """One whole person found by the object detector."""

    box: tuple[float, float, float, float]
    score: float
    frame_aspect: float = 1.0
    """Width / height of the frame in pixels: the box's own shape is its w / h times this."""
    on_furniture: bool = False
    """The person overlaps a bed, couch or bench the detector found (lying is resting there)."""
    female: float | None = None
    """P(female) of a grown person from the body (``ml.bodies``); None when it was not read."""
    child: float | None = None
    """P(a child) from the body; None when it was not read."""

    @property
    def shape(self) -> float:
        """Width / height of the person's box in pixels (above 1: lying or stretched out)."""
        return self.box[2] / max(self.box[3], 1e-6) * self.frame_aspect
