"""Other takes of one shot: a clip that gives few candidates offers the pictures its groups hide.

Grouping (``core.grouping``) joins the frames of a shot whose colours and rough layout match:
a girl singing to her guitar in front of a webcam is one group of 41 frames, and the creator
got a single candidate, though her head turns and the guitar moves (the frames of that group
correlate with its candidate down to 0.82, where the same picture is 0.97 and more). Where
the groups of a clip give fewer than MIN_CHOICES candidates, ``other_takes`` looks through
the largest groups, once the candidates are final (clearer faces and peaks swapped in), for a
frame that is another picture (OTHER_TAKE) and stands for enough of the group (MIN_TAKE); it
becomes a candidate too, as long as one is found. Pictures are compared on their middle
(``middle_band``): a caption or a title coming and going is the same picture.

A take is measured against the groups: it sets none of the clip's references (the largest
group, the most popular candidate: ``rank.rescored``), and its group still stands for all of its
frames, so the groups score as they did without it. It is ranked by its score as any candidate
is: where it scores higher than its group's candidate (on ten labelled sets, 3 clips of 146),
it is the better picture of the shot. On the same sets: the pick in a creator's good moment on
99 clips of 122 (98 before), in the best one on 23 (23); clips with a single candidate 6 (32).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np

from thumbdesk.core import dedup
from thumbdesk.core.clear_faces import Member
from thumbdesk.core.quality import quality_score
from thumbdesk.core.rank import NEUTRAL_TOPICS, text_penalty
from thumbdesk.core.types import Candidate, Frame, QualityMetrics, Rejection

MIN_CHOICES = 3
"""Candidates a clip should offer where its frames show that many different pictures."""
OTHER_TAKE = 0.9
"""Correlation of the brightness-normalised 64x36 grey thumbnails of two frames' middles
(``dedup.picture_thumb`` of ``middle_band``) under which a frame is another picture of its
shot: well under the same picture (``dedup.SAME_PICTURE``), where a head has turned or an arm
moved."""
MIN_TAKE = 2
"""Frames of a group a take must be closer to than to its other pictures (one frame alone is a
passing moment)."""
MORE_TEXT = 0.02
"""Share of the score (``rank.text_penalty``) a take's burnt-in text may cost beyond its
group's: a corner mark comes and goes, a caption line (5% and more) is not offered."""
MIDDLE = (0.15, 0.6)
"""The band of the picture's height compared (from the top): captions sit below it
(``ml.text.CAPTION_BAND``), titles and channel names above it."""


def middle_band(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
    """The MIDDLE band of a content box (x, y, w, h in pixels)."""
    x, y, w, h = box
    top, bottom = round(y + MIDDLE[0] * h), round(y + MIDDLE[1] * h)
    return x, top, w, max(1, bottom - top)


def _middle(frame: Frame, metrics: QualityMetrics) -> np.ndarray:
    return dedup.picture_thumb(frame.image, middle_band(metrics.content_box))


def other_takes(
    candidates: Sequence[Candidate], members_of: Callable[[int], Sequence[Member]]
) -> list[Candidate]:
    """New candidates for other pictures of the largest groups, while the clip has few.

    ``members_of(cluster_id)``: the other frames of a candidate's group. Each take is unscored
    (neutral topics; the caller scores and rescores it), in its group's shot, named after its
    group (``take_of``), its ``cluster_size`` the frames it stands for.
    """
    takes: list[Candidate] = []
    next_id = max((c.cluster_id for c in candidates), default=-1) + 1
    groups = sorted(
        (c for c in candidates if not c.flagged and c.take_of is None),
        key=lambda c: (-c.cluster_size, c.cluster_id),
    )
    for group in groups:
        if len(candidates) + len(takes) >= MIN_CHOICES:
            break
        members = [m for m in members_of(group.cluster_id) if m.frame.index != group.frame.index]
        if not members:
            continue
        thumbs = np.stack([_middle(m.frame, m.metrics) for m in members])
        shown = [_middle(group.frame, group.quality)]  # the pictures offered of this group
        while len(candidates) + len(takes) < MIN_CHOICES:
            likeness = thumbs @ np.stack(shown).T  # members x pictures shown
            nearest = likeness.max(axis=1)
            other = [
                k for k, m in enumerate(members) if nearest[k] < OTHER_TAKE and not m.flag_reason
            ]
            if not other:
                break
            best = max(other, key=lambda k: _rank_key(members[k], k))
            part = nearest < thumbs @ thumbs[best]
            if int(part.sum()) < MIN_TAKE:
                break
            member = members[best]
            takes.append(
                replace(
                    group,
                    frame=member.frame,
                    quality=member.metrics,
                    cluster_id=next_id,
                    cluster_size=int(part.sum()),
                    topics=NEUTRAL_TOPICS,
                    take_of=group.cluster_id,
                    face_note="",
                    face_flaw="",
                    moment_flaw="",
                    moment_note="",
                    evidence=None,
                )
            )
            next_id += 1
            shown.append(thumbs[best])
    return takes


def _rank_key(member: Member, position: int) -> tuple[float, float, int]:
    """What makes a frame the best of its part: picture quality, sharpness, the earlier."""
    return quality_score(member.metrics), member.metrics.sharpness_rel, -position


def without_more_text(
    takes: Sequence[Candidate], candidates: Sequence[Candidate]
) -> list[Candidate]:
    """The scored ``takes`` whose burnt-in text costs no more than their group's (MORE_TEXT).

    A caption shown for a moment of a group is no other picture to offer: the group's
    candidate was chosen clean of it (``core.clean_text``).
    """
    cost = {c.cluster_id: text_penalty(c.topics.text) for c in candidates}
    return [
        t
        for t in takes
        if text_penalty(t.topics.text)
        <= cost.get(t.take_of if t.take_of is not None else -1, 0.0) + MORE_TEXT
    ]


def offered(rejected: Sequence[Rejection], takes: Sequence[Candidate]) -> list[Rejection]:
    """``rejected`` without the frames now offered as takes."""
    chosen = {t.frame.index for t in takes}
    return [r for r in rejected if r.frame_index not in chosen]
