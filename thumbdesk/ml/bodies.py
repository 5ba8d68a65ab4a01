"""Who a person is when no face says it: P(female) read from the whole body.

Many frames show people whose face the face models cannot judge: a back turned to the camera,
a head bent over the dumbbells, a face too small or under a helmet. A person seen like that is
still plainly a woman or a man to a viewer, from clothes, build, hair and posture. The body
probe (``ml.probe``, one head) reads the classifier's ImageNet probabilities of a square crop
around such a person, learnt from public photos of women and of men (``scripts/models_body.py``;
none of them what ../shared or the evaluation holdouts hold).

It runs on the people the detector is sure of (``MIN_SCORE``) that are tall enough in the frame
to show their body (``MIN_HEIGHT``) and hold no face the people models judged, at most
``MAX_BODIES`` a frame, all crops of a batch in one classifier run. The people features
(``people_features.features``) say "woman" or "man" from it only where it is clear, less
surely than from a face, and not of a body the probe reads as a child's.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import cv2
import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.detector import Detection
from thumbdesk.ml.evidence import inside
from thumbdesk.ml.probe import LinearProbe, load_probe
from thumbdesk.ml.readings import FaceReading

HEADS = ("female", "child")
"""The probe's heads: P(a woman or a girl of about 10 and over), P(a child, baby to about 12);
the rest is a man or a boy."""
MIN_SCORE = 0.4
"""Detector confidence from which a person's body is read."""
MIN_HEIGHT = 0.2
"""Share of the frame height a person must fill for the body to be read (smaller people show
too little of themselves to the classifier's 224 px)."""
PEER_AREA = 0.3
"""Other people are read too when their box is at least this share of the largest one's area
(people in the background are not the subject)."""
MAX_BODIES = 1
"""People read a frame, largest first: one classifier run each (about 6 ms on 2 CPU cores), so
only the main person, to keep all evidence of a candidate within 30 ms."""
PAD = 0.1
"""The square crop's side is the box's longer side times 1 + PAD, centred on the box; what falls
outside the frame is black, as in training."""


@cache
def body_probe() -> LinearProbe:
    """Load ``models/body_probe.npz`` (verified against the manifest)."""
    return load_probe(assets.BODY, HEADS, LinearProbe)


def body_crop(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The square BGR crop around a person's box (fractions of the frame) the probe reads."""
    h, w = image.shape[:2]
    x, y, bw, bh = box[0] * w, box[1] * h, box[2] * w, box[3] * h
    side = max(bw, bh, 1.0) * (1.0 + PAD)
    shift = np.array(
        [[1.0, 0.0, side / 2 - (x + bw / 2)], [0.0, 1.0, side / 2 - (y + bh / 2)]], np.float32
    )
    n = max(round(side), 1)
    return cv2.warpAffine(
        image, shift, (n, n), borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0)
    )


def bodies_to_read(
    objects: Sequence[Detection], faces: Sequence[FaceReading]
) -> list[tuple[float, float, float, float]]:
    """Boxes of the people whose body the probe should read (see the module), largest first."""
    people = [
        d
        for d in objects
        if d.label == "person" and d.score >= MIN_SCORE and d.box[3] >= MIN_HEIGHT
    ]
    if not people:
        return []
    largest = max(d.box[2] * d.box[3] for d in people)
    peers = sorted(
        (d for d in people if d.box[2] * d.box[3] >= PEER_AREA * largest),
        key=lambda d: -d.box[2] * d.box[3],
    )
    return [
        d.box
        for d in peers
        if not any(f.female is not None and inside(f.box, d.box) for f in faces)
    ][:MAX_BODIES]


def body_readings(probs: np.ndarray) -> np.ndarray:
    """(n, 2) P(female) of a grown person and P(child) of body crops (ImageNet probabilities)."""
    p = body_probe().probabilities(probs)
    female, child = p[:, 0], p[:, 1]
    out: np.ndarray = np.stack([female / np.maximum(1.0 - child, 1e-6), child], axis=1)
    return np.clip(out, 0.0, 1.0)
