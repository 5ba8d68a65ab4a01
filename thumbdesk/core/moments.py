"""Moments, not just frames: the peak of an action stands for its group.

Each group of near-duplicate frames is represented by its best frame by picture quality; on
an action clip that is often an in-between moment (standing before the squat, mid-step with
the back half turned, the ball at the feet). Once the models have found a person of some
size (``MIN_PERSON_HEIGHT``) in one of the ``TOP_LOOKED`` best candidates,
``prefer_peak_moments`` runs the pose model around the candidate's people (``look_region``)
on the candidate and a few other frames of its group: at most ``MAX_ALTERNATES`` a candidate
and ``LOOK_BUDGET`` frames a clip, the sharpest of each stretch of the group's time
(``alternates``: a body is still at the peak of a movement). Each body is measured by
``core.body_measures``: how far the pose is from standing at rest, how squarely it is
turned to the camera (a pose the model could not follow is not judged). The
measures are compared between the frames of one group, never read as verdicts: a frame whose
moment (``Moment.value``) is clearly more (``MARGIN``), whose body is not turned further away
(``FACING_LOSS``) and whose picture quality is not much worse (``QUALITY_SLACK``) takes the
candidate's place; the candidate keeps its group and shot and a note saying why
(``Candidate.moment_note``). Candidates where a clearer face was swapped in are left alone.

The peak of a quick movement (a kick at full stretch) lasts about one sampling step and often
falls between two samples. Where the people of a group move (``moves``: the frames looked at
measure ``MOVING`` apart, or the model could not follow one of them, as in a blur), the look
also reads the frame halfway after a few frames looked at, where the body changes most
(``halfway_pairs``, read by ``between``, at most ``MAX_BETWEEN`` a candidate), and judges
those with the others.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any, Literal

import numpy as np

from thumbdesk.core.body_measures import (
    FACING_WEIGHT,
    LEG_WEIGHT,
    PEOPLE_SHARE,
    REACH_WEIGHT,
    TILT_WEIGHT,
    Moment,
    main_bodies,
    moment,
)
from thumbdesk.core.clear_faces import Member, Swap, chosen_evidence, swap_in, usable_members
from thumbdesk.core.model_api import FrameScorer, PoseLooker
from thumbdesk.core.quality import quality_score
from thumbdesk.core.types import Candidate, Frame, FrameTopics, Topic

log = logging.getLogger(__name__)

MIN_PERSON_HEIGHT = 0.12
"""The largest person the detector found in a candidate must be this tall (fraction of the
frame) for it to be looked at. The pose model reads the people inside ``look_region``, not
the whole frame: a penalty taker 0.14 of the frame high, whom it misses in the whole frame,
is read there. Below about an eighth of the frame a pose hardly shows in a thumbnail. From
0.25 to 0.12, on 471 clips whose moments creators marked, two picks moved (silhouettes
playing ball on a beach, a mountain biker on a forest trail, each to a frame more turned to
the camera), both into the creators' best moment; no other pick and no tag changed."""
TOP_LOOKED = 3
"""Only the best-ranked candidates are looked at: the ones a creator sees first."""
MAX_ALTERNATES = 5
"""Other frames of a group looked at for each candidate with a person."""
LOOK_BUDGET = 10
"""Frames of one clip the pose model looks at, the TOP_LOOKED candidates included (~10-40 ms
each)."""
MIN_APART_S = 0.2
"""Frames looked at are at least this far apart in time."""
MAX_BETWEEN = 3
"""Frames halfway between two samples of a group read and looked at for each candidate whose
people move (~40 ms each to read and look at a 1080p frame; the reads are capped per clip by
``core.between.MAX_READS``)."""
MOVING = 0.3
"""The people of a group move when the moments (``Moment.value``) of its frames looked at
spread this much (half of ``MARGIN``; a held pose measures within ~0.2)."""
QUALITY_SLACK = 0.15
"""An alternate's picture quality may be this much below the candidate's (0..1 scale): a
peak of action is often a little less sharp than a pause."""
MARGIN = 0.6
"""How much more of a moment (``Moment.value``) an alternate must show to take the place: a
held pose measures within ~0.2 from frame to frame; at 0.4 a girl's arms thrown out on a bed
took the place of a lower jump, and lost the group its rank (the sharper frame had won it)."""
FACING_LOSS = 0.3
"""An alternate may be turned this much less to the camera (facing, -1..1) at most."""
REGION_PAD = 0.4
"""The pose model looks around the candidate's people this share of their height further."""


def why(better: Moment, worse: Moment) -> str:
    """What the better moment shows more of, in words."""
    gains = {
        "arms raised": better.arms - worse.arms,
        "legs raised or bent": LEG_WEIGHT * (better.legs - worse.legs),
        "hands or feet up high": REACH_WEIGHT * (better.reach - worse.reach),
        "body stretched out": TILT_WEIGHT * (better.tilt - worse.tilt),
        "turned to the camera": FACING_WEIGHT * (better.facing - worse.facing),
    }
    shown = [w for w, g in sorted(gains.items(), key=lambda kv: -kv[1]) if g >= MARGIN / 2]
    return ", ".join(shown[:2]) or "a fuller pose"


def alternates(candidate: Candidate, members: Sequence[Member], limit: int) -> list[Member]:
    """Up to ``limit`` other frames of the group to measure, spread over its time.

    The group's usable frames (picture quality within QUALITY_SLACK of the candidate's) are
    cut into ``limit`` stretches of time; from each, the sharpest frame is taken: a body is
    still at the peak of a movement (the top of a jump, the bottom of a squat, a pose held),
    and blurred between.
    """
    floor = quality_score(candidate.quality) - QUALITY_SLACK
    usable = sorted(
        (
            m
            for m in usable_members(candidate, members, floor)
            if abs(m.frame.time_s - candidate.frame.time_s) >= MIN_APART_S
        ),
        key=lambda m: m.frame.time_s,
    )
    if limit <= 0 or not usable:
        return []
    stretches = np.array_split(np.arange(len(usable)), min(limit, len(usable)))
    return [
        usable[max(stretch, key=lambda i: (usable[i].metrics.sharpness_rel, -i))]
        for stretch in stretches
    ]


def moves(mine: Moment, measured: Sequence[Moment | None]) -> bool:
    """Whether the people move between the frames of a group looked at (see ``MOVING``)."""
    values = [mine.value] + [m.value for m in measured if m is not None]
    return any(m is None for m in measured) or max(values) - min(values) >= MOVING


def change(before: Moment | None, after: Moment | Literal["unseen"] | None) -> float:
    """How much a body changes between two samples (``Moment.value``), to order the reads.

    A frame the model could not follow beside one it could: a blur, the body moving fast
    (the most); both not followed: nothing to compare (the least); a next sample not looked
    at: unknown (``MOVING``).
    """
    if after == "unseen":
        return MOVING
    if before is None or after is None:
        return 0.0 if before is None and after is None else math.inf
    return abs(after.value - before.value)


def halfway_pairs(
    group: Sequence[Frame], looked: dict[int, Moment | None], limit: int
) -> list[tuple[Frame, Frame]]:
    """Up to ``limit`` pairs (a frame looked at, the next sampled frame of its group).

    ``group``: the group's sampled frames; ``looked``: the moments of those looked at, by
    frame index. The frame halfway between each pair is the one to read: the pairs where
    the body changes most (``change``) first, then the earlier; returned in time order.
    Only pairs of consecutive samples count (no more than 1.5 times the group's shortest
    step apart: between two distant frames of a group lie other pictures).
    """
    frames = sorted(group, key=lambda f: f.time_s)
    steps = [b.time_s - a.time_s for a, b in itertools.pairwise(frames)]
    if limit <= 0 or not steps:
        return []
    longest = 1.5 * max(min(steps), 1e-6)
    pairs = [
        (change(looked[a.index], looked.get(b.index, "unseen")), a.time_s, a, b)
        for a, b in itertools.pairwise(frames)
        if a.index in looked and b.time_s - a.time_s <= longest
    ]
    chosen = sorted(pairs, key=lambda p: (-p[0], p[1]))[:limit]
    return [(a, b) for _, _, a, b in sorted(chosen, key=lambda p: p[1])]


def look_region(
    boxes: Sequence[tuple[float, float, float, float]], aspect: float
) -> tuple[float, float, float, float]:
    """Where to look for the people of a group: around the candidate's main people.

    The union of the boxes of people at least PEOPLE_SHARE of the largest, widened by
    REGION_PAD of its height on every side (the same in pixels across and down: the people
    move between the group's frames: a dive, a step), clipped to the frame.
    """
    largest = max(b[2] * b[3] for b in boxes)
    main = [b for b in boxes if b[2] * b[3] >= PEOPLE_SHARE * largest]
    x0, y0 = min(b[0] for b in main), min(b[1] for b in main)
    x1 = max(b[0] + b[2] for b in main)
    y1 = max(b[1] + b[3] for b in main)
    pad_y = REGION_PAD * (y1 - y0)
    pad_x = pad_y / aspect
    x0, y0 = max(0.0, x0 - pad_x), max(0.0, y0 - pad_y)
    x1, y1 = min(1.0, x1 + pad_x), min(1.0, y1 + pad_y)
    return (x0, y0, x1 - x0, y1 - y0)


def _moment_of(
    scorer: PoseLooker, frame: Frame, region: tuple[float, float, float, float], aspect: float
) -> Moment | None:
    """The moment of one frame, the pose model looking in ``region``."""
    (poses,) = scorer.find_poses([frame.image], region)
    return moment(main_bodies(poses, aspect))


def _peak(mine: Moment, theirs: Sequence[Moment | None]) -> int:
    """Which of ``theirs`` is clearly more of a moment than ``mine`` (the most), or -1."""
    best_k, best = -1, mine
    for k, moment_k in enumerate(theirs):
        if moment_k is None or moment_k.facing < mine.facing - FACING_LOSS:
            continue
        if moment_k.value > best.value + (MARGIN if best is mine else 0.0):
            best_k, best = k, moment_k
    return best_k


def mark_lesser_moments(
    candidates: Sequence[Candidate], judged: dict[int, Moment]
) -> list[Candidate]:
    """Candidates, those showing an in-between moment of a shot whose peak another shows marked.

    ``judged`` maps a position in ``candidates`` to the moment of its frame. A candidate whose
    moment is clearly less (``MARGIN``) than another's of the same shot, which is not turned
    further away, gets ``Candidate.moment_flaw`` and loses ``rank.MOMENT_FLAW_COST``.
    """
    out = list(candidates)
    for i, mine in judged.items():
        peers = [j for j in judged if j != i and out[j].shot == out[i].shot]
        k = _peak(mine, [judged[j] for j in peers])
        if k >= 0:
            peak = judged[peers[k]]
            flaw = f"{why(peak, mine)} at {out[peers[k]].frame.time_s:.2f} s"
            out[i] = replace(out[i], moment_flaw=flaw)
    return out


def _halfway(
    candidate: Candidate,
    members: Sequence[Member],
    looked: dict[int, Moment | None],
    between: Callable[[Frame, Frame], Member | None],
) -> list[Member]:
    """The usable frames halfway after frames of a group looked at (see the module)."""
    floor = quality_score(candidate.quality) - QUALITY_SLACK
    group = [candidate.frame] + [m.frame for m in members]
    read = (between(a, b) for a, b in halfway_pairs(group, looked, MAX_BETWEEN))
    return usable_members(candidate, [m for m in read if m is not None], floor)


def prefer_peak_moments(
    candidates: Sequence[Candidate],
    members_of: Callable[[int], Sequence[Member]],
    scorer: FrameScorer,
    topics: Sequence[Topic],
    finish: Callable[[FrameTopics], FrameTopics] = lambda t: t,
    complete: Callable[[Sequence[Frame], Sequence[Any]], list[Any]] | None = None,
    between: Callable[[Frame, Frame], Member | None] | None = None,
) -> tuple[list[Candidate], list[Swap]]:
    """Candidates with each in-between moment replaced by the peak of its group, and the swaps.

    Then the candidates looked at are compared shot by shot (``mark_lesser_moments``).
    Arguments as ``core.clear_faces.prefer_clear_faces``; ``between(a, b)`` reads the frame
    halfway between two sampled frames of a group (``core.between.InBetween.read``).
    """
    out = list(candidates)
    if not isinstance(scorer, PoseLooker):
        return out, []
    # first the candidates themselves, then their groups with the looks left
    looked: dict[int, tuple[tuple[float, float, float, float], float]] = {}
    judged: dict[int, Moment] = {}
    for i in sorted(range(len(out)), key=lambda i: -out[i].score)[:TOP_LOOKED]:
        candidate = out[i]
        if candidate.evidence is None or candidate.face_note:
            continue
        people = scorer.people_in(candidate.evidence)
        if not people or max(b[3] for b in people) < MIN_PERSON_HEIGHT:
            continue
        height, width = candidate.frame.image.shape[:2]
        aspect = width / max(height, 1)
        region = look_region(people, aspect)
        mine = _moment_of(scorer, candidate.frame, region, aspect)
        if mine is None:  # nothing to compare with: the others are not looked at
            log.debug("frame %d: no pose to judge", candidate.frame.index)
            continue
        judged[i], looked[i] = mine, (region, aspect)
    budget = LOOK_BUDGET - TOP_LOOKED
    chosen: dict[int, tuple[Member, str]] = {}
    for i, (region, aspect) in looked.items():
        candidate, mine = out[i], judged[i]
        others = alternates(
            candidate, members_of(candidate.cluster_id), min(MAX_ALTERNATES, budget)
        )
        if not others:
            continue
        budget -= len(others)
        found = scorer.find_poses([m.frame.image for m in others], region)
        measured = [moment(main_bodies(poses, aspect)) for poses in found]
        if between is not None and moves(mine, measured):
            looked_at = {m.frame.index: v for m, v in zip(others, measured, strict=True)}
            looked_at[candidate.frame.index] = mine
            extra = _halfway(candidate, members_of(candidate.cluster_id), looked_at, between)
            found = scorer.find_poses([m.frame.image for m in extra], region)
            others = others + extra
            measured = measured + [moment(main_bodies(poses, aspect)) for poses in found]
        log.debug(
            "frame %d: moment %.2f; group %s",
            candidate.frame.index,
            mine.value,
            [
                (m.frame.index, None if v is None else round(v.value, 2))
                for m, v in zip(others, measured, strict=True)
            ],
        )
        k = _peak(mine, measured)
        if k >= 0:
            peak = measured[k]
            assert peak is not None
            chosen[i] = (others[k], f"{why(peak, mine)}; was {candidate.frame.time_s:.2f} s")
            judged[i] = peak
    swaps: list[Swap] = []
    if chosen:
        evidence = chosen_evidence(chosen, scorer, complete)
        swaps = swap_in(out, chosen, evidence, scorer, topics, finish, "moment_note")
    return mark_lesser_moments(out, judged), swaps
