"""Tags that lean on the shot: each candidate's tags with the support of its shot's others.

The tags a creator sees under a candidate come from that frame's evidence alone, which is
noisy: a dancer caught mid-turn, a face in shadow. The candidates of one shot show one scene,
so once the pipeline has its candidates, a scorer that can (``model_api.ShotTagger``) tags each
shot's candidates together. Only the shown tags change: popularity, the score and the ranking
stay each frame's own.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace

from thumbdesk.core.model_api import FrameScorer, ShotTagger
from thumbdesk.core.model_stage import top_tags
from thumbdesk.core.types import Candidate, PipelineConfig, Topic


def with_shot_tags(
    candidates: Sequence[Candidate],
    scorer: FrameScorer | None,
    topics: Sequence[Topic],
    config: PipelineConfig,
) -> list[Candidate]:
    """``candidates`` (same order) with each scored one's tags from its whole shot."""
    if not isinstance(scorer, ShotTagger):
        return list(candidates)
    shots: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(candidates):
        if c.evidence is not None:
            shots[c.shot].append(i)
    out = list(candidates)
    for members in shots.values():
        tags = scorer.shot_tags([candidates[i].evidence for i in members], topics)
        for i, shown in zip(members, tags, strict=True):
            frame_topics = replace(out[i].topics, topics=shown)
            out[i] = replace(out[i], topics=top_tags(frame_topics, config))
    return out
