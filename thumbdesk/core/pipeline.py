"""The thumbnail pipeline as one generator: probe, sample, filter, cluster, score, rank.

``run_pipeline`` yields ``Progress`` and ``PartialCandidates`` events and returns a
``PipelineResult``; every yield is a cancel point (close the generator to cancel). The model
stage (evidence, then second looks at faces and text) is ``core.model_stage``. The window
runs it in a superqt worker, the command line drains it with ``pick``. ``rerank`` scores a
finished result against a new topic list without decoding or running the image model again.
The cluster stage (near-duplicate groups, one candidate each) is ``core.grouping``.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from thumbdesk.core import bars, quality, shots
from thumbdesk.core.between import InBetween
from thumbdesk.core.decode import Sampler
from thumbdesk.core.detail import DetailPass
from thumbdesk.core.errors import VideoError
from thumbdesk.core.grouping import Sampled, cluster, frame_looks, member_lookup
from thumbdesk.core.model_api import DetailScorer, FrameScorer
from thumbdesk.core.model_stage import ModelStage, top_tags
from thumbdesk.core.other_takes import offered, other_takes
from thumbdesk.core.probe import open_video
from thumbdesk.core.rank import ranked, rescored
from thumbdesk.core.shot_tags import with_shot_tags
from thumbdesk.core.types import (
    PartialCandidates,
    PipelineConfig,
    PipelineEvent,
    PipelineResult,
    Progress,
    Rejection,
    Topic,
    VideoInfo,
)
from thumbdesk.core.words import agree, count_of

logger = logging.getLogger(__name__)

# Share of the progress bar given to each stage (they add up to 1).
_SPAN = {"probe": 0.03, "sample": 0.72, "filter": 0.05, "cluster": 0.05, "score": 0.15}
_NO_MODEL = "none (neutral popularity)"


def _start_of(stage: str) -> float:
    total = 0.0
    for name, span in _SPAN.items():
        if name == stage:
            return total
        total += span
    return total


def _sample(info_path: Path, sampler: Sampler) -> Generator[Progress, None, list[Sampled]]:
    """Decode and measure sampled frames, yielding progress (a cancel point) as it goes."""
    duration = sampler.info.duration_s
    sampled: list[Sampled] = []
    start = _start_of("sample")
    for frame in sampler:
        broken = quality.looks_broken(frame.image)
        metrics = quality.measure(frame.image)
        entry = Sampled(frame, metrics)
        if broken:
            entry.reason, entry.detail = "broken", broken
        sampled.append(entry)
        if len(sampled) > 2 * sampler.max_samples:
            # Length unknown up front: keep every other sample and halve the rate from here.
            sampled = sampled[::2]
            sampler.interval_s *= 2.0
        if len(sampled) % 4 == 0:
            done = min(1.0, frame.time_s / duration) if duration > 0 else 0.5
            yield Progress(
                "sample",
                start + _SPAN["sample"] * done,
                f"Looked at {len(sampled)} frames of {info_path.name}",
            )
    return sampled


def _filter(sampled: list[Sampled], config: PipelineConfig) -> tuple[list[Sampled], list[str]]:
    """Judge every sampled frame; return the frames to cluster (flagged ones last), warnings."""
    metrics = quality.relative_sharpness([s.metrics for s in sampled], config)
    for entry, measured in zip(sampled, metrics, strict=True):
        entry.metrics = measured
        if entry.reason is None:
            entry.reason, entry.detail = quality.verdict(measured, config)
    passing = [s for s in sampled if s.reason is None]
    warnings: list[str] = []
    if len(passing) >= config.min_candidates:
        return passing, warnings
    usable = [s for s in sampled if s.reason not in (None, "broken")]
    usable.sort(key=lambda s: (-quality.quality_score(s.metrics), s.frame.index))
    top_up = usable[: config.min_candidates - len(passing)] if passing else usable
    if not passing and not top_up:
        raise VideoError("No frame of this video could be decoded into a picture")
    counts = Counter(s.reason for s in sampled if s.reason)
    summary = ", ".join(f"{n} {reason}" for reason, n in counts.most_common())
    if passing and top_up:
        warnings.append(
            f"Only {count_of(len(passing), 'frame')} passed the quality filters ({summary}); "
            f"{len(top_up)} more "
            + agree(
                len(top_up),
                "is offered as a flagged best-effort candidate.",
                "are offered as flagged best-effort candidates.",
            )
        )
    elif not passing:
        warnings.append(
            f"No frame passed the quality filters ({summary} of {len(sampled)} looked at); "
            "showing the best available frames, flagged."
        )
    return passing + top_up, warnings


def run_pipeline(
    path: str | Path,
    config: PipelineConfig | None = None,
    scorer: FrameScorer | None = None,
    topics: Sequence[Topic] = (),
) -> Generator[PipelineEvent, None, PipelineResult]:
    """Run the whole pipeline on ``path``, yielding progress; return the ranked result."""
    config = config or PipelineConfig()
    path = Path(path)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    yield Progress("probe", 0.0, f"Opening {path.name}")
    opened = open_video(path)  # the sampling pass goes on with its decoder
    info = opened.info
    timings["probe"] = time.perf_counter() - started

    mark = time.perf_counter()
    sampler = Sampler.configured(opened, config)
    try:
        sampled = yield from _sample(path, sampler)
    finally:
        opened.close()  # already released by the sampler, unless cancelled before it ran
    timings["sample"] = time.perf_counter() - mark
    if not sampled:
        raise VideoError(f"{path.name} has no video frame that can be decoded")
    info, warnings = _after_walk(info, sampler, len(sampled))

    mark = time.perf_counter()
    yield Progress("filter", _start_of("filter"), "Rejecting dark, blurry and flat frames")
    kept, filter_warnings = _filter(sampled, config)
    warnings.extend(filter_warnings)
    rejected = [
        Rejection(s.frame.index, round(s.frame.time_s, 3), s.reason, s.detail)  # type: ignore[arg-type]
        for s in sampled
        if s.reason is not None and s not in kept
    ]
    timings["filter"] = time.perf_counter() - mark

    mark = time.perf_counter()
    yield Progress("cluster", _start_of("cluster"), "Grouping near-duplicate frames")
    looks = frame_looks(sampled, config)
    position = {s.frame.index: row for row, s in enumerate(sampled)}
    first = sampled[0].frame.image
    picture = bars.picture_box(
        [s.metrics for s in sampled], (first.shape[1], first.shape[0]), config.dark_luma
    )
    candidates, duplicates, others = cluster(kept, looks, position, config, picture)
    rejected.extend(duplicates)
    timings["cluster"] = time.perf_counter() - mark
    yield PartialCandidates(ranked(candidates))

    mark = time.perf_counter()
    members_of = member_lookup(kept, others, picture)
    if scorer is None:
        takes = other_takes(candidates, members_of)
        candidates, rejected = rescored([*candidates, *takes], config), offered(rejected, takes)
    else:
        between = InBetween(
            path, sampler.stats.frame_times_s, [s.metrics for s in sampled], config, picture
        )
        stage = ModelStage(
            scorer, topics, config, members_of, _start_of("score"), _SPAN["score"], between.read
        )
        detail = (
            DetailPass(scorer, info, sampler.stats.frame_times_s)
            if isinstance(scorer, DetailScorer)
            else None
        )
        try:
            candidates = yield from stage.score(candidates, detail)
            candidates, rejected = stage.second_looks(candidates, rejected, detail)
            takes = other_takes(candidates, members_of)
            if takes:
                candidates = stage.with_takes(candidates, takes, detail)
                rejected = offered(rejected, [c for c in candidates if c.take_of is not None])
            candidates = with_shot_tags(candidates, scorer, topics, config)
        finally:
            between.close()
            if detail is not None:
                detail.close()
    timings["score"] = time.perf_counter() - mark
    timings["total"] = time.perf_counter() - started
    yield Progress("done", 1.0, f"{len(candidates)} candidates")
    return PipelineResult(
        video=info,
        candidates=ranked(candidates),
        rejected=tuple(sorted(rejected, key=lambda r: r.frame_index)),
        warnings=tuple(warnings),
        timings_s={k: round(v, 4) for k, v in timings.items()},
        device=scorer.device if scorer is not None else _NO_MODEL,
        sampled=len(sampled),
        topics=tuple(topics),
        frame_times_s=tuple(round(t, 6) for t in sampler.stats.frame_times_s),
        picture_box=picture,
        shot_starts_s=tuple(
            round(t, 3) for t in shots.boundaries(looks.shot, [s.frame.time_s for s in sampled])
        ),
    )


def _after_walk(info: VideoInfo, sampler: Sampler, n_sampled: int) -> tuple[VideoInfo, list[str]]:
    """Correct the probed facts with what walking the video showed; warn about damage."""
    stats = sampler.stats
    warnings: list[str] = []
    if not stats.seek_mode and stats.decoded:
        times = np.asarray(stats.frame_times_s)
        steps = np.diff(times) if len(times) > 2 else np.zeros(0)
        spread = float(np.ptp(steps)) if steps.size else 0.0
        # Millisecond-rounded timestamps of constant-rate files jitter by ~2%; real VFR more.
        vfr = bool(steps.size and spread > 0.05 * float(np.median(steps)))
        last = float(times[-1]) if times.size else 0.0
        step = float(np.median(steps)) if steps.size else 1.0 / info.fps
        duration = last + step
        expected = info.frame_count
        info = replace(
            info,
            frame_count=stats.decoded,
            duration_s=round(duration, 3),
            fps=round(stats.decoded / duration, 3) if duration > 0 else info.fps,
            variable_frame_rate=vfr,
        )
        if expected and stats.decoded < 0.9 * expected:
            warnings.append(
                f"Only {stats.decoded} of the {expected} frames the file announces could be "
                "decoded: the file looks truncated or damaged."
            )
    if stats.failed:
        failed = len(stats.failed)
        warnings.append(
            f"{count_of(failed, 'frame')} could not be decoded and {agree(failed, 'was', 'were')} "
            "skipped."
        )
    logger.debug("sampled %d frames (%d decoded)", n_sampled, stats.decoded)
    return info, warnings


def rerank(
    result: PipelineResult,
    scorer: FrameScorer | None,
    topics: Sequence[Topic],
    config: PipelineConfig | None = None,
) -> PipelineResult:
    """Score ``result`` against a new topic list from cached evidence (no decoding)."""
    config = config or PipelineConfig()
    if scorer is None or not result.candidates:
        return replace(result, topics=tuple(topics))
    updated = [
        candidate
        if candidate.evidence is None
        else replace(
            candidate,
            topics=top_tags(scorer.score_topics(candidate.evidence, topics), config),
        )
        for candidate in result.candidates
    ]
    updated = with_shot_tags(updated, scorer, topics, config)
    return replace(result, candidates=ranked(rescored(updated, config)), topics=tuple(topics))


def pick(
    path: str | Path,
    config: PipelineConfig | None = None,
    scorer: FrameScorer | None = None,
    topics: Sequence[Topic] = (),
    on_progress: Callable[[Progress], object] | None = None,
) -> PipelineResult:
    """Run the pipeline to the end and return its result; ``on_progress`` sees each Progress."""
    generator = run_pipeline(path, config, scorer, topics)
    while True:
        try:
            event = next(generator)
        except StopIteration as stop:
            result: PipelineResult = stop.value
            return result
        if on_progress is not None and isinstance(event, Progress):
            on_progress(event)
