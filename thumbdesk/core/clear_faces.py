"""Clear faces: an unclear face gives way to a clearer frame of the same group.

Each group of near-duplicate frames is represented by its best frame by picture quality,
chosen before any model runs; a frame with the eyes shut or a hand across the face can win
that. Once the models have found a face in a candidate, ``prefer_clear_faces`` looks at a few
other frames of its group (at most ``MAX_ALTERNATES`` a candidate and ``LOOK_BUDGET`` a clip,
the best by picture quality, at least ``MIN_APART_S`` apart: a blink or a passing hand lasts a
fraction of a second), finds the same face there with the face detector and the expression
model alone, and judges every frame's face against the others (``judge``): eyes closed or
mid-blink (eye openness well below the group's typical), blurred (much less sharp than the
sharpest), turned away (far less frontal than the most frontal), partly hidden (detector
confidence clearly below the best), cut by the frame edge, or without the smile another frame
of the group shows clearly (``FaceView.smile``). A frame whose face is clearly better
(``MARGIN``) and lacks a flaw the candidate has takes the candidate's place: the image models
run on it, and the candidate keeps its group, its shot and a note saying why
(``Candidate.face_note``).

Between the candidates of one shot, ``mark_unclear_faces`` judges the main faces the same way:
a candidate whose face is clearly less clear than another's, with a flaw the other lacks, is
marked (``Candidate.face_flaw``) and loses ``rank.FACE_FLAW_COST`` of its score, so the
clearer face of the shot leads it.

The face measures are compared, never read as absolute verdicts: how open a pair of eyes
looks depends on the person and the scale, and the detector's confidence on the lighting.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np

from thumbdesk.core.model_api import FaceLooker, FaceView, FrameScorer
from thumbdesk.core.quality import quality_score
from thumbdesk.core.types import Candidate, Frame, FrameTopics, QualityMetrics, Rejection, Topic

log = logging.getLogger(__name__)

MAX_ALTERNATES = 3
"""Other frames of a group looked at for each candidate with a face."""
LOOK_BUDGET = 12
"""Frames of one clip looked at again, at most (the face detector: ~5 ms each on 2 cores)."""
MIN_APART_S = 0.4
"""Alternates are at least this far in time from the candidate and from each other."""
MIN_FACE_HEIGHT = 0.08
"""Faces shorter than this fraction of the frame are not judged (too small to matter)."""
QUALITY_SLACK = 0.1
"""An alternate's picture quality may be this much below the candidate's (0..1 scale)."""
MARGIN = 0.1
"""How much clearer (``Judged.clarity``) an alternate's face must be to take the place."""
EYES_CLOSED = 0.7
"""Eye openness under this fraction of the group's median reads as half-closed (mid-blink)."""
EYES_SHUT = 0.5
"""... and under this fraction as closed."""
BLURRED = 0.5
"""Face sharpness under this fraction of the sharpest reads as blurred."""
TURNED = 0.5
TURN_GAIN = 0.3
"""A face less frontal than TURNED, where another frame is TURN_GAIN more frontal, is turned
away."""
HIDDEN = 0.02
"""Detector confidence this far below the best reads as a face partly hidden."""
CUT = 0.05
"""A face box reaching this share of its size past the frame edge is cut."""
SMILE_CLEAR = 0.6
"""P(happy) from which a frame of the group shows the face smiling (the expression model reads
large frontal faces only: ``FaceView.smile``)."""
SMILE_GAIN = 0.4
"""A face this much less happy than the group's broadest smile shows "no smile" there. Only a
face without another flaw counts as smiling (a laugh with the eyes shut or behind a hand is no
clearer picture), and smiles are compared only where the expression model read every such
face."""
SMILE_WEIGHT = 0.25
"""Share of a face's clarity that its smile makes, in a group where it smiles clearly. At 0.15
a smile lost to eyes a little wider open: a woman mid-word with a raised eyebrow (smile 0.26)
stayed the pick over her own smiling frames, and a man's face behind his partner's hand over
the clear frame of the couple (0.1 clearer, under MARGIN). At 0.25, on the fresh results of
eighteen labelled sets, those two picks and one other changed (a couple's selfie, to a frame
where both smile); no tag hit and no other pick moved."""


@dataclass(frozen=True)
class Judged:
    """How clearly one frame shows a face, judged against the same face in other frames."""

    clarity: float
    """0..1: open eyes, frontal, sharp, whole, surely seen."""
    flaws: tuple[str, ...]
    """What is wrong with it, in words ("eyes closed", "face turned away" ...)."""


@dataclass(frozen=True)
class Member:
    """A frame of a candidate's group: the frame (cropped to the picture), its measurements."""

    frame: Frame
    metrics: QualityMetrics
    flag_reason: str = ""
    """Why the frame failed a quality filter; empty when it passed."""


@dataclass(frozen=True)
class Swap:
    """A candidate's frame given up for a clearer face of its group."""

    old: Frame
    new: Frame
    note: str


def is_cut(box: tuple[float, float, float, float]) -> bool:
    """Whether a face box reaches past the frame edge by CUT of its size."""
    x, y, w, h = box
    return x < -CUT * w or y < -CUT * h or x + w > 1 + CUT * w or y + h > 1 + CUT * h


def judge(views: Sequence[FaceView]) -> list[Judged]:
    """Judge each view of one face against the others (frames of one group)."""
    # the eye landmarks of a face turned away land on cheek and hair: only frontal eyes count
    measured = [v.eyes for v in views if v.eyes is not None and v.symmetry >= TURNED]
    eye_ref = float(np.median(measured)) if len(measured) >= 2 else 0.0
    sharp_ref = max(v.sharpness for v in views)
    score_ref = max(v.score for v in views)
    frontal_ref = max(v.symmetry for v in views)
    plain = []
    for v in views:
        flaws = []
        eyes = 1.0
        if eye_ref > 0 and v.eyes is not None and v.symmetry >= TURNED:
            eyes = min(1.0, v.eyes / eye_ref)
            if eyes < EYES_CLOSED:
                flaws.append("eyes closed" if eyes < EYES_SHUT else "eyes half-closed")
        sharp = min(1.0, v.sharpness / sharp_ref) if sharp_ref > 0 else 1.0
        if sharp < BLURRED:
            flaws.append("face blurred")
        if v.symmetry < TURNED and frontal_ref - v.symmetry >= TURN_GAIN:
            flaws.append("face turned away")
        hidden = score_ref - v.score
        if hidden >= HIDDEN:
            flaws.append("face partly hidden")
        cut = is_cut(v.box)
        if cut:
            flaws.append("face cut by the frame edge")
        seen = float(np.clip(1.0 - hidden / (2.5 * HIDDEN), 0.0, 1.0))
        clarity = 0.35 * eyes + 0.25 * v.symmetry + 0.2 * sharp + 0.1 * (not cut) + 0.1 * seen
        plain.append((clarity, flaws))
    # a smile counts on a face shown clearly, not behind a hand or with the eyes shut; and only
    # where the expression of every such face was read (a face a pixel under the expression
    # model's size is not an unsmiling one)
    clear = [v.smile for v, (_, flaws) in zip(views, plain, strict=True) if not flaws]
    judged = all(smile is not None for smile in clear)
    smiles = [0.0 if f else (v.smile or 0.0) for v, (_, f) in zip(views, plain, strict=True)]
    smile_ref = max(smiles) if judged else 0.0
    out = []
    for smile, (base, flaws) in zip(smiles, plain, strict=True):
        clarity = base
        if smile_ref >= SMILE_CLEAR:
            if not flaws and smile_ref - smile >= SMILE_GAIN:
                flaws.append("no smile")
            clarity = (1.0 - SMILE_WEIGHT) * base + SMILE_WEIGHT * smile
        out.append(Judged(round(clarity, 4), tuple(flaws)))
    return out


def same_face(face: FaceView, faces: Sequence[FaceView]) -> FaceView | None:
    """The face of ``faces`` that is ``face`` seen in another frame of the group, if any."""
    x, y, w, h = face.box
    best, best_distance = None, 1.0
    for other in faces:
        ox, oy, ow, oh = other.box
        if not 0.6 <= oh / max(h, 1e-6) <= 1.6:
            continue
        distance = float(np.hypot(ox + ow / 2 - x - w / 2, oy + oh / 2 - y - h / 2)) / max(w, h)
        if distance < best_distance:
            best, best_distance = other, distance
    return best


def usable_members(candidate: Candidate, members: Sequence[Member], floor: float) -> list[Member]:
    """The frames of a group that may take a candidate's place.

    Their picture quality reaches ``floor`` (0..1), and they passed the quality filters unless
    the candidate itself failed one.
    """
    return [
        m
        for m in members
        if (candidate.flagged or not m.flag_reason) and quality_score(m.metrics) >= floor
    ]


def alternates(candidate: Candidate, members: Sequence[Member], limit: int) -> list[Member]:
    """Up to ``limit`` other frames of the group worth comparing, best picture first."""
    floor = quality_score(candidate.quality) - QUALITY_SLACK
    usable = usable_members(candidate, members, floor)
    usable.sort(key=lambda m: (-quality_score(m.metrics), m.frame.index))
    chosen: list[Member] = []
    times = [candidate.frame.time_s]
    for m in usable:
        if len(chosen) >= limit:
            break
        if all(abs(m.frame.time_s - t) >= MIN_APART_S for t in times):
            chosen.append(m)
            times.append(m.frame.time_s)
    return chosen


def _note(flaws: Sequence[str], old: Frame) -> str:
    return f"{', '.join(flaws)} at {old.time_s:.2f} s"


def mark_unclear_faces(candidates: Sequence[Candidate], scorer: FrameScorer) -> list[Candidate]:
    """Candidates, those whose face loses to a clearer one of the same shot marked."""
    out = list(candidates)
    if not isinstance(scorer, FaceLooker):
        return out
    shots: dict[int, list[tuple[int, FaceView]]] = {}
    for i, c in enumerate(out):
        faces = scorer.faces_in(c.evidence) if c.evidence is not None else ()
        if faces and faces[0].box[3] >= MIN_FACE_HEIGHT and not c.flagged:
            shots.setdefault(c.shot, []).append((i, faces[0]))
    for members in shots.values():
        if len(members) < 2:
            continue
        judged = judge([view for _, view in members])
        k = max(range(len(members)), key=lambda k: (judged[k].clarity, -members[k][0]))
        best, clearest = judged[k], out[members[k][0]]
        for (i, view), mine in zip(members, judged, strict=True):
            same = 0.5 <= view.box[3] / max(members[k][1].box[3], 1e-6) <= 2.0
            lacking = [f for f in mine.flaws if f not in best.flaws]
            if same and lacking and best.clarity >= mine.clarity + MARGIN:
                flaw = f"{', '.join(lacking)}; clearer at {clearest.frame.time_s:.2f} s"
                out[i] = replace(out[i], face_flaw=flaw)
    return out


def prefer_clear_faces(
    candidates: Sequence[Candidate],
    members_of: Callable[[int], Sequence[Member]],
    scorer: FrameScorer,
    topics: Sequence[Topic],
    finish: Callable[[FrameTopics], FrameTopics] = lambda t: t,
    complete: Callable[[Sequence[Frame], Sequence[Any]], list[Any]] | None = None,
) -> tuple[list[Candidate], list[Swap]]:
    """Candidates with each unclear face replaced by a clearer one of its group, and the swaps.

    ``members_of(cluster_id)`` gives the other frames of a candidate's group; ``finish``
    trims the new frames' topics as the pipeline trims every candidate's, and ``complete``
    completes their evidence as the candidates' was (``core.detail.DetailPass.complete``).
    """
    out = list(candidates)
    if not isinstance(scorer, FaceLooker):
        return out, []
    budget = LOOK_BUDGET
    chosen: dict[int, tuple[Member, str]] = {}
    for i in sorted(range(len(out)), key=lambda i: -out[i].score):
        candidate = out[i]
        if budget <= 0 or candidate.evidence is None:
            continue
        faces = scorer.faces_in(candidate.evidence)
        if not faces or faces[0].box[3] < MIN_FACE_HEIGHT:
            continue
        others = alternates(
            candidate, members_of(candidate.cluster_id), min(MAX_ALTERNATES, budget)
        )
        if not others:
            continue
        budget -= len(others)
        found = scorer.find_faces([m.frame.image for m in others])
        matched = [(m, same_face(faces[0], f)) for m, f in zip(others, found, strict=True)]
        pairs = [(m, v) for m, v in matched if v is not None]
        if not pairs:
            continue
        judged = judge([faces[0]] + [v for _, v in pairs])
        mine, theirs = judged[0], judged[1:]
        k = max(range(len(theirs)), key=lambda k: (theirs[k].clarity, -k))
        better = theirs[k]
        if better.clarity >= mine.clarity + MARGIN and set(mine.flaws) - set(better.flaws):
            chosen[i] = (pairs[k][0], _note(mine.flaws, candidate.frame))
            log.debug(
                "frame %d: %s (clarity %.2f); frame %d instead (%.2f)",
                candidate.frame.index,
                ", ".join(mine.flaws),
                mine.clarity,
                pairs[k][0].frame.index,
                better.clarity,
            )
    if not chosen:
        return out, []
    evidence = chosen_evidence(chosen, scorer, complete)
    return out, swap_in(out, chosen, evidence, scorer, topics, finish, "face_note")


def chosen_evidence(
    chosen: dict[int, tuple[Member, str]],
    scorer: FrameScorer,
    complete: Callable[[Sequence[Frame], Sequence[Any]], list[Any]] | None,
) -> list[Any]:
    """The evidence of the chosen members' frames, in position order.

    ``complete`` (``core.detail.DetailPass.complete``) completes it as the candidates' was.
    """
    frames = [chosen[i][0].frame for i in sorted(chosen)]
    evidence = scorer.evidence([f.image for f in frames])
    return complete(frames, evidence) if complete is not None else evidence


NoteField = Literal["face_note", "moment_note", ""]
"""The candidate field that keeps why a member took its place ("": none)."""


def swap_in(
    out: list[Candidate],
    chosen: dict[int, tuple[Member, str]],
    evidence: Sequence[Any],
    scorer: FrameScorer,
    topics: Sequence[Topic],
    finish: Callable[[FrameTopics], FrameTopics],
    note_field: NoteField,
) -> list[Swap]:
    """Put each chosen member in its candidate's place (``out`` is changed); the swaps.

    ``chosen`` maps a position in ``out`` to the member and why; ``evidence`` is the members'
    (in position order). The candidate keeps its group and shot, and the why in its
    ``note_field``.
    """
    swaps = []
    for i, item in zip(sorted(chosen), evidence, strict=True):
        member, note = chosen[i]
        old = out[i]
        out[i] = replace(
            old,
            frame=member.frame,
            quality=member.metrics,
            topics=finish(scorer.score_topics(item, topics)),
            evidence=item,
            flagged=bool(member.flag_reason),
            flag_reason=member.flag_reason,
            face_note=note if note_field == "face_note" else "",
            moment_note=note if note_field == "moment_note" else "",
        )
        swaps.append(Swap(old.frame, member.frame, note))
    return swaps


def rejections_after(
    rejected: Sequence[Rejection], swaps: Sequence[Swap], why: str = "shows the face more clearly"
) -> list[Rejection]:
    """The rejected frames once clearer faces (or other frames: ``why``) took candidates' places.

    A new frame is a candidate now; the frame it replaced is rejected with the reason, and the
    group's other frames name the new frame as the one they were grouped with.
    """
    taken = {s.new.index for s in swaps}
    out = []
    for rejection in rejected:
        if rejection.frame_index in taken:
            continue
        detail = rejection.detail
        for s in swaps:
            old = re.compile(rf"frame {s.old.index}(?!\d)")
            if rejection.reason == "duplicate" and old.search(detail):
                detail = re.sub(
                    r" \(distance [0-9.]+\)", "", old.sub(f"frame {s.new.index}", detail)
                )
        out.append(replace(rejection, detail=detail))
    for s in swaps:
        detail = f"{s.note}: frame {s.new.index} of the group {why}"
        out.append(Rejection(s.old.index, round(s.old.time_s, 3), "duplicate", detail))
    return out
