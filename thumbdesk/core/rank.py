"""Ranking: combine quality, representativeness, topic popularity and faces into one score.

Candidates are ranked by score, one shot at a time: the best of each shot first.

The final score of a candidate is the weighted mean of four terms in [0, 1]
(``PipelineConfig.weights``): quality (sharpness, exposure, detail; blended with face quality
when the model saw a face), representativeness (how much of the video its cluster covers),
topic popularity (from the model layer, relative to the clip's most popular candidate; a
neutral 0.5 when no model is loaded, so the ranking keeps its shape with or without the model)
and face (``FrameTopics.face_appeal``: a large face turned to the camera, smiling). The face
term counts only in a clip where some candidate shows a face (``weights_for``): a landscape
or a product shot keeps the score it had without it.

Why a face term: on 328 clips of 27 labelled sets whose good and best moments helpers marked
before any tool ran, the frames marked best show larger faces, turned to the camera and
smiling, more often than the pick did. With the face term (weight 0.4) the pick lies in the
best moment on 90 clips instead of 76 and in a good one on 286 instead of 279 (fresh runs),
with the same topic hits; weights from 0.35 to 0.5 give much the same. On eight sets marked
afterwards and scored once (88 clips): best 15 -> 17, good 75 -> 76.

Burnt-in text costs a share of the score (``text_penalty``): a caption over 5% of the picture
15%, a watermark in a corner little. A title card (a frame that is mostly text, as the model
layer judges it) is flagged, so it is ranked after every frame that is a picture. A face shown
less clearly than in another candidate of the same shot (``Candidate.face_flaw``, set by
``core.clear_faces``) costs ``FACE_FLAW_COST``; an in-between moment where another candidate
of the shot shows the peak of the action (``Candidate.moment_flaw``, set by ``core.moments``)
costs ``MOMENT_FLAW_COST``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import replace

from thumbdesk.core.quality import quality_score
from thumbdesk.core.types import (
    Candidate,
    FrameTopics,
    PipelineConfig,
    ScoreBreakdown,
    TextFound,
)

NEUTRAL_TOPICS = FrameTopics(popularity=0.5)
"""What a frame gets when no topic model is loaded: a neutral popularity and no tags."""

FACE_QUALITY_SHARE = 0.3
"""Share of the quality term taken by face quality when the frame shows a face."""
NO_FACE_QUALITY = 0.5
"""Face quality a frame without a face counts in a clip where other candidates show faces: an
average face's. Counting face quality only where a face is seen made an average face (0.5) a
loss against no face at all, so a dancer's frame turned to the camera lost to her back, a
singer facing the stage lights to the back of his head. Now a clear face is a gain, a poor
face a loss and no face neither, against the faces of the same clip."""

TEXT_COST = 3.0
"""Share of the score lost per share of the picture covered by text (captions, titles): a
two-line caption over 10% of the picture costs 30%, enough for a caption-free frame of the
same shot to win where it is 25% weaker otherwise."""
CORNER_MARK_COST = 0.5
"""The same for small marks in a corner (watermarks, logos): a 3% watermark costs 1.5%."""
TEXT_PENALTY_MAX = 0.4
FACE_FLAW_COST = 0.15
"""Share of the score a frame loses when another candidate of its shot shows the face clearly
and it does not (``Candidate.face_flaw``: eyes closed, hidden, blurred, turned or cut)."""
MOMENT_FLAW_COST = 0.1
"""Share of the score a frame loses when another candidate of its shot shows the peak of the
action and it shows an in-between moment (``Candidate.moment_flaw``)."""


def text_penalty(text: TextFound | None) -> float:
    """Share of the score a frame loses to its burnt-in text, in [0, TEXT_PENALTY_MAX]."""
    if text is None:
        return 0.0
    marks = min(text.corner_share, text.share)
    cost = TEXT_COST * (text.share - marks) + CORNER_MARK_COST * marks
    return round(min(TEXT_PENALTY_MAX, max(0.0, cost)), 4)


def title_card_reason(text: TextFound) -> str:
    """Why a title card is flagged, in words."""
    return f"title card: text covers {text.share:.0%} of the picture"


def representativeness(cluster_size: int, largest_cluster: int) -> float:
    """How much of the video a cluster stands for, in [0, 1] (the largest cluster is 1)."""
    if largest_cluster <= 0:
        return 0.0
    return math.sqrt(max(cluster_size, 0) / largest_cluster)


def weights_for(config: PipelineConfig, faces_in_clip: bool) -> tuple[float, float, float, float]:
    """The weights of the four terms in a clip: the face term only where faces are seen."""
    quality, representativeness, popularity, face = config.weights
    return (quality, representativeness, popularity, face if faces_in_clip else 0.0)


def breakdown_for(
    candidate: Candidate,
    largest_cluster: int,
    config: PipelineConfig,
    popularity_scale: float = 1.0,
    faces_in_clip: bool = False,
) -> ScoreBreakdown:
    """Score terms of ``candidate`` given what the model said about it (``candidate.topics``).

    ``popularity_scale`` is the clip's reference popularity (see ``rescored``); the neutral
    popularity of an unscored frame is never rescaled. ``faces_in_clip``: other candidates of
    the clip show faces, so a frame without one counts NO_FACE_QUALITY and the face term
    counts (``weights_for``).
    """
    topics = candidate.topics
    popularity = topics.popularity
    if topics is not NEUTRAL_TOPICS:
        popularity /= max(popularity_scale, 1e-6)
    quality = quality_score(candidate.quality)
    face = topics.face_quality
    if face is None and faces_in_clip:
        face = NO_FACE_QUALITY
    if face is not None:
        quality = (1 - FACE_QUALITY_SHARE) * quality + FACE_QUALITY_SHARE * face
    return ScoreBreakdown(
        quality=round(quality, 4),
        representativeness=round(representativeness(candidate.cluster_size, largest_cluster), 4),
        popularity=round(min(1.0, max(0.0, popularity)), 4),
        face=round(min(1.0, max(0.0, topics.face_appeal)), 4),
        weights=weights_for(config, faces_in_clip),
        text_penalty=text_penalty(topics.text),
        face_penalty=FACE_FLAW_COST if candidate.face_flaw else 0.0,
        moment_penalty=MOMENT_FLAW_COST if candidate.moment_flaw else 0.0,
    )


def rescored(candidates: Sequence[Candidate], config: PipelineConfig) -> list[Candidate]:
    """Recompute every breakdown against the clip: its largest cluster, its top popularity.

    Representativeness is relative to the largest cluster and popularity to the most popular
    scored candidate (at least ``config.popularity_floor``), so both terms use the whole
    0..1 range within a clip, like quality does; where any candidate shows a face, a frame
    without one counts an average face (NO_FACE_QUALITY). Other takes of a group
    (``Candidate.take_of``) are measured against the groups and set none of these references.
    A title card not flagged yet is flagged.
    """
    if not candidates:
        return []
    groups = [c for c in candidates if c.take_of is None] or list(candidates)
    largest = max(c.cluster_size for c in groups)
    scored = [c.topics.popularity for c in groups if c.topics is not NEUTRAL_TOPICS]
    scale = max([config.popularity_floor, *scored])
    faces = any(c.topics.face_quality is not None for c in groups)
    return [
        _flag_title_card(replace(c, breakdown=breakdown_for(c, largest, config, scale, faces)))
        for c in candidates
    ]


def _flag_title_card(candidate: Candidate) -> Candidate:
    """The candidate flagged when it is a title card and not flagged yet."""
    text = candidate.topics.text
    if candidate.flagged or text is None or not text.title_card:
        return candidate
    return replace(candidate, flagged=True, flag_reason=title_card_reason(text))


def ranked(candidates: Iterable[Candidate]) -> tuple[Candidate, ...]:
    """Rank best first, filling the list from distinct shots first.

    The best candidate of every shot comes before any shot's second best, and so on (each
    round best first; ties: the earlier frame first); flagged frames (failed a quality filter,
    title cards) come after clean ones.
    """
    ordered = sorted(candidates, key=lambda c: (c.flagged, -round(c.score, 6), c.frame.index))
    seen: dict[tuple[bool, int], int] = {}
    round_of: list[int] = []
    for c in ordered:
        key = (c.flagged, c.shot)
        round_of.append(seen.get(key, 0))
        seen[key] = round_of[-1] + 1
    by_round = sorted(range(len(ordered)), key=lambda i: (ordered[i].flagged, round_of[i], i))
    return tuple(replace(ordered[i], rank=position) for position, i in enumerate(by_round, start=1))
