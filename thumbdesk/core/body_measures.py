"""The measures of one body's pose: how far from standing at rest, how squarely it faces us.

From the keypoints of the pose model (``core.model_api.PoseView``), each body is measured
(``measure``):

- how far the pose is from standing at rest: the arms raised from the torso's line (thrown
  out, straight up), a thigh raised from it or the legs split (a kick, the bottom of a squat,
  a lunge), a hand or foot high above the hips (arms up, a leg kicked high, the top of a
  jump), the torso leaning out (a dive);
- how squarely an upright body is turned to the camera: the shoulders' width across the
  torso, signed (a back turned to the camera has its left shoulder on the left of the
  picture), and the face's points seen (nose and both eyes).

A pose the model could not follow (fewer than ``MIN_LIMB_POINTS`` of the elbows, wrists,
knees and ankles sure: a motion-blurred kick, a leg up in a yoga pose) is not judged. A
frame's ``Moment`` is the mean over its main people's bodies (``main_bodies``); the moments
look (``core.moments``) compares them between the frames of a group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from thumbdesk.core.model_api import PoseView

FACING_WEIGHT = 1.0
"""What a body squarely facing the camera (facing 1) is worth against one side on (0), in
the units of the action (a right angle of raised arms)."""
KEYPOINT_MIN = 0.3
"""Keypoints less sure than this are not used."""
PEOPLE_SHARE = 0.5
"""People whose box is at least this share of the largest one's area count in a frame's
moment (a group dancing); smaller ones are bystanders."""
MAX_PEOPLE = 3
"""At most this many main people are measured in a frame."""

LEG_WEIGHT = 1.0
REACH_WEIGHT = 0.5
TILT_WEIGHT = 0.8
"""What a raised thigh, a hand or foot high above the hips and a horizontal torso are worth
against raised arms."""
UPRIGHT = 0.5
"""A torso leaning less than this (45 degrees) is upright enough to tell which way it faces."""
MIN_LIMB_POINTS = 6
"""Of the elbows, wrists, knees and ankles, this many must be sure for a pose to be judged."""

NOSE, L_EYE, R_EYE = 0, 1, 2
L_SHOULDER, R_SHOULDER, L_ELBOW, R_ELBOW, L_WRIST, R_WRIST = 5, 6, 7, 8, 9, 10
L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE = 11, 12, 13, 14, 15, 16
LIMB_POINTS = [L_ELBOW, R_ELBOW, L_WRIST, R_WRIST, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE]


@dataclass(frozen=True)
class Body:
    """One person's pose (see the module docstring); angles in right angles (1 = 90 degrees)."""

    arms: float
    """How far the arms are raised from hanging along the torso: 0 hanging, 1 thrown out
    sideways or forwards, 2 straight up (the blend of the higher arm and both)."""
    legs: float
    """How far a thigh is raised from the torso's line, or the thighs split apart, whichever
    is more: 0 standing, ~0.3 a running step, ~1 the bottom of a squat, a kick, a knee pulled
    up, a lunge; ~1.5 a split."""
    reach: float
    """How high the highest hand or foot is above the hips, in torso lengths (0 .. 2.5): arms
    up, a leg kicked high."""
    tilt: float
    """How far the torso leans from upright: 0 upright, 1 horizontal (a dive, a plank)."""
    facing: float
    """-1 (back to the camera) .. 1 (squarely facing it); 0 when the torso is not upright."""


@dataclass(frozen=True)
class Moment:
    """How much of a moment one frame shows (the mean over its main people's bodies)."""

    arms: float
    legs: float
    reach: float
    tilt: float
    facing: float

    @property
    def action(self) -> float:
        """How far from standing at rest (right angles and torso lengths, weighted)."""
        return (
            self.arms + LEG_WEIGHT * self.legs + REACH_WEIGHT * self.reach
        ) + TILT_WEIGHT * self.tilt

    @property
    def value(self) -> float:
        """The action and the turn to the camera together."""
        return self.action + FACING_WEIGHT * self.facing


def _points(pose: PoseView, aspect: float) -> tuple[np.ndarray, np.ndarray]:
    """Keypoints in frame-height units (x scaled by the aspect) and which are sure."""
    kp = np.asarray(pose.keypoints, dtype=np.float64).reshape(-1, 3)
    xy = np.stack([kp[:, 0] * aspect, kp[:, 1]], axis=1)
    return xy, kp[:, 2] >= KEYPOINT_MIN


def _angle(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two vectors, in right angles (0 .. 2)."""
    cos = float(np.dot(a, b) / max(float(np.linalg.norm(a) * np.linalg.norm(b)), 1e-9))
    return float(np.arccos(np.clip(cos, -1.0, 1.0)) / (np.pi / 2))


def _raised(angles: Sequence[float]) -> float:
    """The blend of the highest limb and all of them (one arm up counts, both up more)."""
    return 0.5 * (max(angles) + float(np.mean(angles))) if angles else 0.0


def measure(pose: PoseView, aspect: float) -> Body | None:
    """One body's measures, or None when the model could not follow it.

    None when its shoulders and hips are not all seen, or fewer than MIN_LIMB_POINTS of its
    limb points are. ``aspect`` is the frame's width / height (keypoints are fractions of
    each side). Limbs are measured against the torso's own line, so a body lying down is
    measured as one standing.
    """
    xy, sure = _points(pose, aspect)
    if not sure[[L_SHOULDER, R_SHOULDER, L_HIP, R_HIP]].all():
        return None
    if int(sure[LIMB_POINTS].sum()) < MIN_LIMB_POINTS:
        return None  # a pose the model could not follow (a leg up in a yoga pose, a blur)
    shoulders = (xy[L_SHOULDER] + xy[R_SHOULDER]) / 2
    hips = (xy[L_HIP] + xy[R_HIP]) / 2
    down = hips - shoulders
    torso = float(np.linalg.norm(down))
    if torso < 1e-3:
        return None
    arms = []
    for shoulder, elbow, wrist in ((L_SHOULDER, L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW, R_WRIST)):
        end = elbow if sure[elbow] else wrist if sure[wrist] else None
        if end is not None and np.linalg.norm(xy[end] - xy[shoulder]) >= 0.2 * torso:
            arms.append(_angle(xy[end] - xy[shoulder], down))
    thighs = [
        xy[knee] - xy[hip]
        for hip, knee in ((L_HIP, L_KNEE), (R_HIP, R_KNEE))
        if sure[knee] and np.linalg.norm(xy[knee] - xy[hip]) >= 0.2 * torso
    ]
    legs = [_angle(thigh, down) for thigh in thighs]
    if len(thighs) == 2:
        legs.append(_angle(thighs[0], thighs[1]))  # the legs split apart
    # shoulder width across the torso's line, signed: the left shoulder on the right of the
    # picture when the body faces the camera (a frontal adult's are ~0.8 torso lengths apart)
    across = xy[L_SHOULDER] - xy[R_SHOULDER]
    width = float(across[1] * down[0] - across[0] * down[1]) / torso
    turn = float(np.clip(-width / (0.8 * torso), -1.0, 1.0))
    face = float(sure[[NOSE, L_EYE, R_EYE]].all())
    tilt = min(1.0, _angle(down, np.array([0.0, 1.0])))
    ends = [xy[k][1] for k in (L_WRIST, R_WRIST, L_ANKLE, R_ANKLE) if sure[k]]
    return Body(
        arms=_raised(arms),
        legs=max(legs, default=0.0),
        reach=float(np.clip((hips[1] - min(ends, default=hips[1])) / torso, 0.0, 2.5)),
        tilt=tilt,
        # a body lying or bent over shows its shoulders' width whichever way it faces
        facing=(0.7 * turn + 0.3 * (face if turn > 0 else -face)) if tilt < UPRIGHT else 0.0,
    )


def main_bodies(poses: Sequence[PoseView], aspect: float) -> list[Body]:
    """The measured bodies of a frame's main people (largest first, bystanders left out)."""
    if not poses:
        return []
    ordered = sorted(poses, key=lambda p: -p.box[2] * p.box[3])
    largest = ordered[0].box[2] * ordered[0].box[3]
    bodies: list[Body] = []
    for pose in ordered:
        if pose.box[2] * pose.box[3] < PEOPLE_SHARE * largest or len(bodies) >= MAX_PEOPLE:
            break
        body = measure(pose, aspect)
        if body is not None:
            bodies.append(body)
    return bodies


def moment(bodies: Sequence[Body]) -> Moment | None:
    """The moment of one frame from its main people's bodies (None without any)."""
    if not bodies:
        return None
    return Moment(
        *(float(np.mean([getattr(b, k) for b in bodies])) for k in Moment.__dataclass_fields__)
    )
