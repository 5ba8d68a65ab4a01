"""The pipeline's model stage: evidence for the candidates, then second looks at some of them.

``ModelStage.score`` runs the scorer on the candidates in small batches, best-ranked first,
yielding a partial ranking after each batch (small faces completed at full resolution by
``core.detail``). ``ModelStage.second_looks`` then, in this order:

1. swaps in a clearer face of a candidate's group (``core.clear_faces``), then the peak of
   an action where a candidate shows a person, looking between the samples where the people
   move (``core.between``), and marks in-between moments of a shot whose peak another
   candidate shows (``core.moments``);
2. reads the burnt-in text of the candidates that can reach the top, and swaps in a frame of
   the group with less text (``core.clean_text``);
3. marks faces shown less clearly than another candidate's of the same shot, and reads the
   text of any candidate that rose to the top meanwhile.

``ModelStage.with_takes`` then scores the other takes of a clip with few candidates
(``core.other_takes``) and reads their text.

The frames it replaces are rejected with the reason. Nothing here imports a model: the scorer
is seen through the protocols of ``core.types``.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from functools import partial

from thumbdesk.core import clean_text, clear_faces, moments, other_takes
from thumbdesk.core.detail import DetailPass
from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.rank import ranked, rescored
from thumbdesk.core.types import (
    Candidate,
    Frame,
    FrameTopics,
    PartialCandidates,
    PipelineConfig,
    PipelineEvent,
    Progress,
    Rejection,
    Topic,
)

FACE_LOOK = "shows the face more clearly"
MOMENT_LOOK = "shows the peak of the action"
"""The reasons given to the frames replaced by the looks into a candidate's group."""

SCORE_BATCH = 4
"""Candidates per ``evidence`` call, unless the scorer asks for more (``batch_size``, e.g.
a whole clip at once on a GPU); each call is followed by a partial ranking."""


def top_tags(frame_topics: FrameTopics, config: PipelineConfig) -> FrameTopics:
    """Keep the ``config.top_tags`` strongest tags of at least ``config.min_tag_score``."""
    shown = [t for t in frame_topics.topics if t.score >= config.min_tag_score]
    return replace(frame_topics, topics=tuple(shown[: config.top_tags]))


class ModelStage:
    """The model stage of one pipeline run."""

    def __init__(
        self,
        scorer: FrameScorer,
        topics: Sequence[Topic],
        config: PipelineConfig,
        members_of: Callable[[int], Sequence[clear_faces.Member]],
        progress_start: float,
        progress_span: float,
        between: Callable[[Frame, Frame], clear_faces.Member | None] | None = None,
    ) -> None:
        """Set up the stage; ``members_of(cluster_id)``: the other frames of a group.

        ``between(a, b)``: the frame halfway between two of them (``InBetween.read``).
        """
        self._scorer = scorer
        self._between = between
        self._topics = topics
        self._config = config
        self._members_of = members_of
        self._start, self._span = progress_start, progress_span

    def _finish(self, frame_topics: FrameTopics) -> FrameTopics:
        return top_tags(frame_topics, self._config)

    def _rescored(self, candidates: list[Candidate]) -> list[Candidate]:
        return rescored(candidates, self._config)

    def _read(self, candidates: Sequence[Candidate], detail: DetailPass | None) -> list[Candidate]:
        """``candidates`` with the scorer's evidence (``detail`` completing it) and topics."""
        scorer = self._scorer
        evidence = scorer.evidence([c.frame.image for c in candidates])
        if detail is not None:
            evidence = detail.complete([c.frame for c in candidates], evidence)
        return [
            replace(c, topics=self._finish(scorer.score_topics(item, self._topics)), evidence=item)
            for c, item in zip(candidates, evidence, strict=True)
        ]

    def score(
        self, candidates: list[Candidate], detail: DetailPass | None = None
    ) -> Generator[PipelineEvent, None, list[Candidate]]:
        """Run the scorer on the candidates in small batches, yielding partial rankings.

        The best-ranked candidates are scored first; ``detail`` completes their evidence from
        full-resolution frames where the scorer asks for it.
        """
        scorer = self._scorer
        order = sorted(range(len(candidates)), key=lambda i: -candidates[i].score)
        scored = list(candidates)
        step = max(SCORE_BATCH, int(getattr(scorer, "batch_size", SCORE_BATCH)))
        for first in range(0, len(order), step):
            batch = order[first : first + step]
            read = self._read([candidates[i] for i in batch], detail)
            for i, candidate in zip(batch, read, strict=True):
                scored[i] = candidate
            done = min(len(order), first + step)
            yield Progress(
                "score",
                self._start + self._span * done / len(order),
                f"Scored {done} of {len(order)}",
            )
            scored = self._rescored(scored)
            yield PartialCandidates(ranked(scored))
        return scored

    def with_takes(
        self,
        candidates: list[Candidate],
        takes: Sequence[Candidate],
        detail: DetailPass | None = None,
    ) -> list[Candidate]:
        """``candidates`` and the other takes of their groups (``core.other_takes``), scored.

        The takes' text is read; those with more burnt-in text than their group's are left out.
        """
        read = self._read_top_text(self._rescored([*candidates, *self._read(takes, detail)]))
        groups = [c for c in read if c.take_of is None]
        kept = other_takes.without_more_text([c for c in read if c.take_of is not None], groups)
        return self._rescored([*groups, *kept])

    def second_looks(
        self,
        candidates: list[Candidate],
        rejected: list[Rejection],
        detail: DetailPass | None = None,
    ) -> tuple[list[Candidate], list[Rejection]]:
        """Clearer faces and cleaner frames swapped in, text read at the top (see above).

        Returns the candidates and the rejections with the replaced frames added.
        """
        scorer, topics = self._scorer, self._topics
        complete = detail.complete if detail is not None else None
        group_looks = (
            (clear_faces.prefer_clear_faces, FACE_LOOK),
            (partial(moments.prefer_peak_moments, between=self._between), MOMENT_LOOK),
        )
        for look, why in group_looks:
            updated, swaps = look(
                candidates, self._members_of, scorer, topics, self._finish, complete
            )
            # rescored also where nothing was swapped: moments marks in-between candidates
            candidates = self._rescored(updated)
            rejected = clear_faces.rejections_after(rejected, swaps, why)
        candidates = self._read_top_text(candidates)
        updated, swaps = clean_text.prefer_clean_frames(
            candidates, self._members_of, scorer, topics, self._finish, complete
        )
        candidates = self._rescored(updated) if swaps else updated
        rejected = clear_faces.rejections_after(rejected, swaps, "has less burnt-in text")
        candidates = self._rescored(clear_faces.mark_unclear_faces(candidates, scorer))
        return self._read_top_text(candidates), rejected  # any new to the top

    def _read_top_text(self, candidates: list[Candidate]) -> list[Candidate]:
        return clean_text.read_top_text(
            candidates,
            self._scorer,
            self._topics,
            self._finish,
            self._rescored,
            self._config.max_candidates,  # all of them
        )
