"""Clean frames: a captioned candidate gives way to a frame of its group with less text.

Each group of near-duplicate frames is represented by its best frame by picture quality,
chosen before any model runs; a caption burnt in for a second or two (a subtitle line, a
"wait for it") leaves the picture a near-duplicate, so the captioned frame can win its group
while frames of the same picture without the caption lose. Once the text detector has found
text costing a candidate at least MIN_PENALTY of its score (``core.rank.text_penalty``),
``prefer_clean_frames`` looks for text alone on a few other frames of its group (at most
``MAX_ALTERNATES`` a candidate and ``LOOK_BUDGET`` a clip, spread over the group's time, of a
picture quality close to the candidate's once its text is discounted) and takes the one with
the least text in its place when that costs at most GAIN of what the candidate's text costs.
The image models then run on the new frame, which keeps the candidate's group and shot; the
frame it replaces is rejected with the reason.

Title cards are left alone (their group is text throughout), and so are small corner marks
(a watermark is on every frame).

Text is read apart from the topic models, after them (``read_top_text``): for the ``top``
best-ranked candidates, and again for any candidate that rises among them once theirs costs
them rank (text only ever lowers a frame's score, so the frames below cannot overtake them
unread). The pipeline reads a whole clip's (``PipelineConfig.max_candidates``): read for the
top five only, a title card at #7 went unflagged in the window, for about 60 ms saved on a
clip of 11 candidates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from thumbdesk.core.clear_faces import Member, Swap, chosen_evidence, swap_in, usable_members
from thumbdesk.core.model_api import FrameScorer, TextLooker
from thumbdesk.core.quality import quality_score
from thumbdesk.core.rank import ranked, text_penalty
from thumbdesk.core.types import Candidate, Frame, FrameTopics, Topic

log = logging.getLogger(__name__)

MIN_PENALTY = 0.05
"""Candidates losing at least this share of their score to text look for a cleaner frame
(a caption over 1.7% of the picture; a corner watermark never costs this much)."""
MAX_ALTERNATES = 3
"""Other frames of a group looked at for each captioned candidate."""
LOOK_BUDGET = 12
"""Frames of one clip looked at, at most (the text detector: ~13 ms each on 2 cores)."""
QUALITY_SLACK = 0.1
"""An alternate's picture quality may be this much below the candidate's, discounted by its
text (0..1 scale; see ``alternates``)."""
GAIN = 0.5
"""An alternate takes the place when its text costs at most this fraction of the candidate's."""


def alternates(
    candidate: Candidate, members: Sequence[Member], limit: int, cost: float
) -> list[Member]:
    """Up to ``limit`` other frames of the group, spread over its time (captions change).

    Their picture quality may be below the candidate's by QUALITY_SLACK and by the share
    ``cost`` its text costs it: text is sharp, so a caption lifts the sharpness measured (the
    frames of a group without their caption measured 0.84-0.90 against 1.0 with it).
    """
    floor = quality_score(candidate.quality) * (1.0 - cost) - QUALITY_SLACK
    usable = sorted(usable_members(candidate, members, floor), key=lambda m: m.frame.time_s)
    if len(usable) <= limit:
        return usable
    picks = np.linspace(0, len(usable) - 1, limit).round().astype(int)
    return [usable[i] for i in sorted(set(picks.tolist()))]


def read_top_text(
    candidates: Sequence[Candidate],
    scorer: FrameScorer,
    topics: Sequence[Topic],
    finish: Callable[[FrameTopics], FrameTopics],
    rescore: Callable[[list[Candidate]], list[Candidate]],
    top: int,
) -> list[Candidate]:
    """The candidates, with the text of the ``top`` best-ranked read (~8-20 ms each, 2 cores).

    Rounds go on until no unread candidate is among the ``top`` (text demotes some and lifts
    others in); ``rescore`` re-scores a list.
    """
    out = list(candidates)
    if not isinstance(scorer, TextLooker):
        return out
    while True:
        unread = {
            c.frame.index
            for c in ranked(out)[:top]
            if c.topics.text is None and c.evidence is not None
        }
        if not unread:
            return out
        rows = [i for i, c in enumerate(out) if c.frame.index in unread]
        evidence = scorer.with_text(
            [out[i].evidence for i in rows], [out[i].frame.image for i in rows]
        )
        for i, item in zip(rows, evidence, strict=True):
            out[i] = replace(
                out[i], evidence=item, topics=finish(scorer.score_topics(item, topics))
            )
        out = rescore(out)


def prefer_clean_frames(
    candidates: Sequence[Candidate],
    members_of: Callable[[int], Sequence[Member]],
    scorer: FrameScorer,
    topics: Sequence[Topic],
    finish: Callable[[FrameTopics], FrameTopics] = lambda t: t,
    complete: Callable[[Sequence[Frame], Sequence[Any]], list[Any]] | None = None,
) -> tuple[list[Candidate], list[Swap]]:
    """Candidates with burnt-in text replaced by a cleaner frame of their group, and the swaps.

    Arguments as ``core.clear_faces.prefer_clear_faces``.
    """
    out = list(candidates)
    if not isinstance(scorer, TextLooker):
        return out, []
    budget = LOOK_BUDGET
    chosen: dict[int, tuple[Member, str]] = {}
    for i in sorted(range(len(out)), key=lambda i: -out[i].score):
        candidate = out[i]
        text = candidate.topics.text
        if budget <= 0 or text is None or text.title_card:
            continue
        cost = text_penalty(text)
        if cost < MIN_PENALTY:
            continue
        others = alternates(
            candidate, members_of(candidate.cluster_id), min(MAX_ALTERNATES, budget), cost
        )
        if not others:
            continue
        budget -= len(others)
        found = scorer.find_text([m.frame.image for m in others])
        costs = [text_penalty(f) for f in found]
        k = min(range(len(others)), key=lambda k: (costs[k], -quality_score(others[k].metrics), k))
        if costs[k] <= GAIN * cost:
            at = candidate.frame.time_s
            chosen[i] = (
                others[k],
                f"burnt-in text over {text.share:.0%} of the picture at {at:.2f} s",
            )
            log.debug(
                "frame %d: text costs %.2f; frame %d instead (%.2f)",
                candidate.frame.index,
                cost,
                others[k].frame.index,
                costs[k],
            )
    if not chosen:
        return out, []
    images = [chosen[i][0].frame.image for i in sorted(chosen)]
    evidence = scorer.with_text(chosen_evidence(chosen, scorer, complete), images)
    return out, swap_in(out, chosen, evidence, scorer, topics, finish, "")
