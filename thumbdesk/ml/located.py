"""How sure each detection of a frame is: the object detector's boxes as evidence for topic words.

Once per detection, not per topic word (``located_objects``): the detector's confidence counts
from ``evidence.OBJECT_LOW`` (nothing) to OBJECT_HIGH (certainty), as far as the classifier lets
it name an animal (``animals.agreement``). A board, bike or skis under a clearly seen person is
found less surely and counts from RIDDEN_LOW; a vehicle far behind the people in view is scenery
(BEHIND_PEOPLE). ``topic_scores`` turns these certainties into each word's object evidence.
Nothing here runs a model.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from thumbdesk.ml.activity import RIDDEN
from thumbdesk.ml.animals import PEOPLE_SCENE, agreement
from thumbdesk.ml.detector import Detection
from thumbdesk.ml.evidence import OBJECT_LOW, Evidence, overlap
from thumbdesk.ml.ramps import ramp

OBJECT_HIGH = 0.65
"""Detector certainty that means certainty (from ``evidence.OBJECT_LOW``, nothing)."""
RIDDEN_LOW = 0.3
"""Detector certainty that means nothing for a board, bike or skis (``activity.RIDDEN``) under a
clearly seen person (as sure as a people scene's, ``animals.PEOPLE_SCENE``): the rider hides
part of it, so it is found less surely (a surfboard under its surfer at 0.46), and the person
riding it is a second piece of evidence. Anywhere else, OBJECT_LOW."""
UNDER_FROM = 0.6
""""Under" a person is meant: the thing's box shares some of the person's and its centre lies
this far down the person's box or lower (``under``; a surfboard's and a skateboard's lie at 0.94
of their riders'). The person's own box read a second time as a motorcycle (a singer at a
microphone stand, 0.45, its centre halfway down) is nothing ridden."""
VEHICLES = frozenset({"bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat"})
BEHIND_PEOPLE = (0.2, 0.4)
"""A vehicle's box height, as a share of the tallest clearly seen person's (a people scene's,
``animals.PEOPLE_SCENE``), from which it counts, and where fully. A vehicle is as tall as a
person or taller: one that looks a fifth of their height stands far behind them, scenery rather
than what the frame shows (parked cars behind two dancers on a plaza at 0.11 of their height,
behind a couple's toast at 0.07, behind a dog the detector took for a person at 0.12). A
ridden bike is about as tall as its rider, and a plane on a plain sky has nobody beside it."""


def located_objects(
    ev: Evidence, probs: np.ndarray, torn: Sequence[Detection]
) -> tuple[list[tuple[str, float]], list[Detection]]:
    """Each detection's label and certainty in [0, 1], and the detections the classifier trusts.

    Once per detection, not per topic word: from OBJECT_LOW (RIDDEN_LOW for a board, bike or
    skis under a clearly seen person) to OBJECT_HIGH, as far as the classifier agrees
    (``animals.agreement``), and a vehicle as far as it is not far behind the people in view
    (BEHIND_PEOPLE). Torn animals are left out of both; the trusted are those the classifier
    does not gainsay (agreement from a half).
    """
    people = [p.box for p in ev.persons if p.score >= PEOPLE_SCENE]
    tallest = max((box[3] for box in people), default=0.0)
    located: list[tuple[str, float]] = []
    trusted: list[Detection] = []
    for det in ev.objects:
        if det in torn:
            continue
        agreed = agreement(det, ev, probs)
        if agreed >= 0.5:
            trusted.append(det)
        ridden = det.label in RIDDEN and any(under(det.box, p) for p in people)
        low = RIDDEN_LOW if ridden else OBJECT_LOW
        certainty = (det.score - low) / (OBJECT_HIGH - low) * agreed
        if det.label in VEHICLES and tallest > 0.0:
            certainty *= ramp(det.box[3] / tallest, *BEHIND_PEOPLE)
        located.append((det.label, min(1.0, max(0.0, certainty))))
    return located, trusted


def under(thing: tuple[float, ...], person: tuple[float, ...]) -> bool:
    """A (x, y, w, h) box shares some of a person's, its centre low in theirs (see RIDDEN_LOW)."""
    return overlap(thing, person) and thing[1] + thing[3] / 2 > person[1] + UNDER_FROM * person[3]
