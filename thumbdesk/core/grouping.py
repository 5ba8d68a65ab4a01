"""The pipeline's cluster stage: near-duplicate groups of the kept frames, one candidate each.

Every sampled frame is described once (``frame_looks``: pairwise distances, shots). The
kept frames are grouped (``dedup``: a fade of one picture is one picture, frames that both
show a subject on a plain background are compared by their subjects), the best frame of each
group becomes a ``Candidate`` cropped to the clip's picture box, and the others are recorded
as rejections; ``member_lookup`` hands a candidate's group to the second looks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from thumbdesk.core import bars, clear_faces, dedup, quality, shots
from thumbdesk.core.rank import NEUTRAL_TOPICS, rescored
from thumbdesk.core.types import (
    Candidate,
    Frame,
    PipelineConfig,
    QualityMetrics,
    Rejection,
    ScoreBreakdown,
)


@dataclass
class Sampled:
    """A sampled frame with its measurements and verdict."""

    frame: Frame
    metrics: QualityMetrics
    reason: str | None = None
    detail: str = ""


@dataclass
class Looks:
    """How every sampled frame looks: pairwise distances and shots."""

    distance: np.ndarray
    shot: list[int]


def frame_looks(sampled: list[Sampled], config: PipelineConfig) -> Looks:
    """Describe every sampled frame once: near-duplicate distances and shots."""
    features = np.stack([dedup.describe(s.frame.image, s.metrics.content_box) for s in sampled])
    distance = dedup.distances(features)
    blank = [s.reason == "broken" or s.metrics.luma < config.dark_luma for s in sampled]
    shot = shots.shot_ids(distance, blank)
    return Looks(distance, shot)


def _compare_subjects(kept: list[Sampled], distance: np.ndarray) -> None:
    """Frames that both show a subject on a plain background are as close as their subjects.

    A plane crossing an empty sky is the same picture wherever it is; compared whole, the
    plain sky makes every shift of the plane look like another picture. (Shots are still
    found on the whole pictures.)
    """
    with_subject = [i for i, s in enumerate(kept) if s.metrics.subject_box is not None]
    if len(with_subject) < 2:
        return
    features = np.stack(
        [dedup.describe(kept[i].frame.image, kept[i].metrics.subject_box) for i in with_subject]
    )
    pairs = np.ix_(with_subject, with_subject)
    distance[pairs] = np.minimum(distance[pairs], dedup.distances(features))


def in_picture(
    entry: Sampled, box: tuple[float, float, float, float]
) -> tuple[Frame, QualityMetrics]:
    """The frame cropped to the clip's picture box, its measured boxes moved with it."""
    if box == bars.FULL_PICTURE:
        return entry.frame, entry.metrics
    height, width = entry.frame.image.shape[:2]
    px, py, pw, ph = bars.pixel_box(box, (width, height))

    def moved(inner: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x0, y0 = min(max(inner[0] - px, 0), pw - 1), min(max(inner[1] - py, 0), ph - 1)
        x1 = min(max(inner[0] + inner[2] - px, x0 + 1), pw)
        y1 = min(max(inner[1] + inner[3] - py, y0 + 1), ph)
        return (x0, y0, x1 - x0, y1 - y0)

    metrics = entry.metrics
    subject = metrics.subject_box
    metrics = replace(
        metrics,
        content_box=moved(metrics.content_box),
        subject_box=moved(subject) if subject is not None else None,
    )
    image = np.ascontiguousarray(entry.frame.image[py : py + ph, px : px + pw])
    return replace(entry.frame, image=image), metrics


def representative(group: list[int], scores: list[float], sharpness: list[float]) -> int:
    """The frame that stands for a group: the best by picture quality (``scores``).

    The quality term saturates (every sharp, well-exposed frame scores alike), so a tie goes to
    the sharper frame (``sharpness``), then the earlier. Ties used to go to the group's first
    frame, often the clip's opening: 10 of 98 picks on clips a creator had marked were frame 0,
    9 of them outside the best moment; the sharper frame of the tie took 2 of them into it.
    """
    return max(group, key=lambda i: (scores[i], sharpness[i], -i))


def cluster(
    kept: list[Sampled],
    looks: Looks,
    row_of: dict[int, int],
    config: PipelineConfig,
    picture: tuple[float, float, float, float] = bars.FULL_PICTURE,
) -> tuple[list[Candidate], list[Rejection], dict[int, list[int]]]:
    """Group near-duplicates; the best frame of each group becomes a candidate.

    ``row_of`` maps a kept frame's index to its row in ``looks``; candidates' images are
    cropped to the clip's ``picture`` box (bars left out). Also returns each candidate's
    other frames (positions in ``kept``) by cluster id.
    """
    rows = [row_of[s.frame.index] for s in kept]
    distance = looks.distance[np.ix_(rows, rows)]
    thumbs = np.stack([dedup.picture_thumb(s.frame.image, s.metrics.content_box) for s in kept])
    distance[dedup.same_picture(thumbs)] = 0.0  # a fade or exposure change of one picture
    _compare_subjects(kept, distance)
    shot = np.asarray([looks.shot[r] for r in rows])
    linking = dedup.across_shots(distance, shot, config.duplicate_distance)
    groups = dedup.cluster(linking, config.duplicate_distance, config.max_candidates).members()
    scores = [quality.quality_score(s.metrics) for s in kept]
    # Best frame of each group, then a final pass so no two kept frames are near-duplicates.
    sharpness = [s.metrics.sharpness_rel for s in kept]
    best = [representative(group.tolist(), scores, sharpness) for group in groups]
    order = sorted(range(len(groups)), key=lambda g: (-scores[best[g]], best[g]))
    limit = np.where(
        shot[:, None] == shot[None, :],
        max(config.duplicate_distance, config.same_shot_distance),
        config.duplicate_distance,
    )
    owner = dedup.suppress_close([best[g] for g in order], distance, limit)
    merged: dict[int, list[int]] = {}
    for position, owner_position in enumerate(owner):
        merged.setdefault(order[owner_position], []).extend(groups[order[position]].tolist())

    candidates: list[Candidate] = []
    rejected: list[Rejection] = []
    others: dict[int, list[int]] = {}
    for cluster_id, (group_index, members) in enumerate(sorted(merged.items())):
        rep = best[group_index]
        entry = kept[rep]
        flagged = entry.reason is not None
        frame, metrics = in_picture(entry, picture)
        candidate = Candidate(
            frame=frame,
            quality=metrics,
            cluster_id=cluster_id,
            cluster_size=len(members),
            shot=looks.shot[rows[rep]],
            breakdown=ScoreBreakdown(0.0, 0.0, 0.0, 0.0, config.weights),  # set by rescored
            topics=NEUTRAL_TOPICS,
            flagged=flagged,
            flag_reason=f"{entry.reason}: {entry.detail}" if flagged else "",
        )
        candidates.append(candidate)
        others[cluster_id] = [m for m in members if m != rep]
        for member in members:
            if member != rep:
                frame = kept[member].frame
                apart = float(distance[member, rep])
                detail = (
                    f"near-duplicate of frame {entry.frame.index}"
                    if apart < config.duplicate_distance
                    else f"grouped with frame {entry.frame.index}"
                    + (" of the same shot" if shot[member] == shot[rep] else "")
                    + f" (distance {apart:.2f})"
                )
                rejected.append(Rejection(frame.index, round(frame.time_s, 3), "duplicate", detail))
    return rescored(candidates, config), rejected, others


def member_lookup(
    kept: list[Sampled], others: dict[int, list[int]], picture: tuple[float, float, float, float]
) -> Callable[[int], list[clear_faces.Member]]:
    """The other frames of a candidate's group, by cluster id (cropped to the picture)."""

    def members_of(cluster_id: int) -> list[clear_faces.Member]:
        entries = [kept[m] for m in others.get(cluster_id, [])]
        return [
            clear_faces.Member(
                *in_picture(e, picture), f"{e.reason}: {e.detail}" if e.reason else ""
            )
            for e in entries
        ]

    return members_of
