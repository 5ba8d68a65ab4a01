"""What the people in a frame are doing: dancing, yoga, a workout, a sport (the probe's heads).

The heads: dance, yoga, running, boxing, basketball, tennis, workout, football.

ImageNet has no class for an activity, and the gymnastics classes (horizontal bar, parallel
bars, balance beam) fire on any stretched body: a cartwheel, a dance, a boxer. The activity
probe (``ml.probe``, one head per activity) reads the classifier's ImageNet probabilities
again, learnt from public images of people doing each activity and of people doing anything
else (``scripts/models_activity.py``; none of them what ../shared or the evaluation holdouts
hold). Each head's threshold was set for precision out of fold. The evidence map's
``activity`` source reads the heads; the scorer counts them as far as someone in view could be
doing them (``doers``), and counts the gymnastics and gym-equipment classes for gym as far as
the probe reads exercise, and exercise before any other activity (``exercise_seen``).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.detector import Detection
from thumbdesk.ml.faces import Face
from thumbdesk.ml.probe import LinearProbe, load_probe
from thumbdesk.ml.ramps import ramp
from thumbdesk.ml.readings import PersonReading

ACTIVITIES = (
    "dance",
    "yoga",
    "running",
    "boxing",
    "basketball",
    "tennis",
    "workout",
    "football",
)
"""The probe's heads, in weight-row order: the keys of the evidence map's ``activity`` source."""


@cache
def activity_probe() -> LinearProbe:
    """Load ``models/activity_probe.npz`` (verified against the manifest)."""
    return load_probe(assets.ACTIVITY, ACTIVITIES, LinearProbe)


EXERCISE = ("workout", "yoga")
EXERCISE_SEEN = (0.1, 0.4)
"""The classifier gives its gymnastics classes (horizontal bar, parallel bars, balance beam) to
any stretched body: a cartwheel, a boxer, a figure skater, a basketball shot; and its gym
equipment (barbell, dumbbell, punching bag) to a pole, a cart, a hoop on a street court. These
classes (the evidence map's "exercise classes") count for gym and workout as far as the probe
reads exercise (its EXERCISE heads together): not at all under 0.1, in full from 0.4 ..."""
EXERCISE_OVER = (0.0, 0.1)
"""... and as far as exercise is the probe's strongest reading: in full while no other activity
reads stronger, not at all when one reads 0.1 stronger (a dancer on "balance beam", players
on a street court on "dumbbell": the gym was the classifier's guess, the dance the scene). A
punching bag then says nothing of boxing either: where boxing reads first, the probe's boxing
head says it, and the bag no longer adds "workout" to a sparring match."""
DOER_SCORE = (0.3, 0.4)
"""Detector confidence from which a person counts as someone doing the activity the probe
reads, and where fully: lower than the people features ask, since the probe's reading is
itself evidence of people in action (a dancer in a dim hallway scores 0.52, players on a far
court 0.38)."""
RIDDEN = frozenset({"bicycle", "motorcycle", "skis", "snowboard", "skateboard", "surfboard"})
RIDDEN_SCORE = (0.3, 0.45)
"""Detector classes of a sport the probe never learnt, and the confidence from which, and where
fully, they say the people in view are riding one rather than doing an activity of the probe
(a motorcycle racer in leathers read as a boxer, a skateboarder as running). Workouts on an
exercise bike stay."""
NOT_ON_A_PITCH = frozenset({"tennis", "basketball"})
"""Activities the people on a football pitch are not doing (``people_scenes.players_on_pitch``:
several small players on a grass-green field in a frame the classifier reads as a ball game):
the probe read a televised football match as tennis (0.59) beside football (0.76)."""
PORTRAIT_FACE = (0.2, 0.35)
"""Largest face's share of the frame height from which what people do counts less, and where
not at all: a head-and-shoulders shot shows no activity, whatever the probe reads."""


def exercise_seen(doing: np.ndarray) -> float:
    """How far the exercise classes count, from the probe's (heads,) probabilities."""
    exercise = sum(float(doing[ACTIVITIES.index(a)]) for a in EXERCISE)
    other = max(float(p) for a, p in zip(ACTIVITIES, doing, strict=True) if a not in EXERCISE)
    return ramp(exercise, *EXERCISE_SEEN) * (1.0 - ramp(other - exercise, *EXERCISE_OVER))


def doers(
    someone: float,
    persons: Sequence[PersonReading],
    faces: Sequence[Face],
    objects: Sequence[Detection],
    pitch: float = 0.0,
) -> np.ndarray:
    """(heads,) how far the people in view can be doing each activity, in [0, 1].

    ``someone`` is the people features' certainty of a person; an unsure detection also
    counts (DOER_SCORE); a head-and-shoulders shot counts less (PORTRAIT_FACE), and so do
    people riding something (RIDDEN), save for a workout, and players on a football pitch
    (``pitch``, the people features' certainty of one) for the NOT_ON_A_PITCH sports.
    """
    doer = max([someone] + [ramp(p.score, *DOER_SCORE) for p in persons])
    face_height = max((f.box[3] for f in faces), default=0.0)
    riding = max([ramp(d.score, *RIDDEN_SCORE) for d in objects if d.label in RIDDEN] + [0.0])
    out = np.full(len(ACTIVITIES), doer * (1.0 - ramp(face_height, *PORTRAIT_FACE)))
    out[[a != "workout" for a in ACTIVITIES]] *= 1.0 - riding
    out[[a in NOT_ON_A_PITCH for a in ACTIVITIES]] *= 1.0 - pitch
    return out
