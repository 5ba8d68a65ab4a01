"""The thumbnail pipeline as one generator: probe, sample, filter, cluster, score, rank.

``run_pipeline`` yields ``Progress`` and ``PartialCandidates`` events and returns a
``PipelineResult``; every yield is a cancel point (close the generator to cancel). The model
stage (evidence, then second looks at faces and text) is ``core.model_stage``. The window
runs it in a superqt worker, the command line drains it with ``pick``. ``rerank`` scores a
finished result against a new topic list without decoding or running the image model again.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from thumbdesk.core import bars, clear_faces, dedup, quality, shots
from thumbdesk.core.decode import Sampler
from thumbdesk.core.detail import DetailPass
from thumbdesk.core.errors import VideoError
from thumbdesk.core.model_stage import ModelStage, top_tags
from thumbdesk.core.probe import open_video
from thumbdesk.core.rank import NEUTRAL_TOPICS, ranked, rescored
from thumbdesk.core.types import (
    Candidate,
    DetailScorer,
    Frame,
    FrameScorer,
    PartialCandidates,
    PipelineConfig,
    PipelineEvent,
    PipelineResult,
    Progress,
    QualityMetrics,
    Rejection,
    ScoreBreakdown,
    Topic,
    VideoInfo,
)

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


@dataclass
class _Sampled:
    """A sampled frame with its measurements and verdict."""

    frame: Frame
    metrics: QualityMetrics
    reason: str | None = None
    detail: str = ""


def _sample(info_path: Path, sampler: Sampler) -> Generator[Progress, None, list[_Sampled]]:
    """Decode and measure sampled frames, yielding progress (a cancel point) as it goes."""
    duration = sampler.info.duration_s
    sampled: list[_Sampled] = []
    start = _start_of("sample")
    for frame in sampler:
        broken = quality.looks_broken(frame.image)
        metrics = quality.measure(frame.image)
        entry = _Sampled(frame, metrics)
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


def _filter(sampled: list[_Sampled], config: PipelineConfig) -> tuple[list[_Sampled], list[str]]:
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
            f"Only {len(passing)} frame(s) passed the quality filters ({summary}); "
            f"{len(top_up)} more are offered as flagged best-effort candidates."
        )
    elif not passing:
        warnings.append(
            f"No frame passed the quality filters ({summary} of {len(sampled)} looked at); "
            "showing the best available frames, flagged."
        )
    return passing + top_up, warnings


@dataclass
class _Looks:
    """How every sampled frame looks: pairwise distances and shots."""

    distance: np.ndarray
    shot: list[int]


def _looks(sampled: list[_Sampled], config: PipelineConfig) -> _Looks:
    """Describe every sampled frame once: near-duplicate distances and shots."""
    features = np.stack([dedup.describe(s.frame.image, s.metrics.content_box) for s in sampled])
    distance = dedup.distances(features)
    blank = [s.reason == "broken" or s.metrics.luma < config.dark_luma for s in sampled]
    shot = shots.shot_ids(distance, blank)
    return _Looks(distance, shot)


def _compare_subjects(kept: list[_Sampled], distance: np.ndarray) -> None:
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


def _in_picture(
    entry: _Sampled, box: tuple[float, float, float, float]
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


def _cluster(
    kept: list[_Sampled],
    looks: _Looks,
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
    groups = dedup.cluster(distance, config.duplicate_distance, config.max_candidates).members()
    scores = [quality.quality_score(s.metrics) for s in kept]
    # Best frame of each group, then a final pass so no two kept frames are near-duplicates.
    best = [max(group, key=lambda i: (scores[i], -i)) for group in groups]
    order = sorted(range(len(groups)), key=lambda g: (-scores[best[g]], best[g]))
    shot = np.asarray([looks.shot[r] for r in rows])
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
        frame, metrics = _in_picture(entry, picture)
        candidate = Candidate(
            frame=frame,
            quality=metrics,
            cluster_id=cluster_id,
            cluster_size=len(members),
            shot=looks.shot[rows[rep]],
            breakdown=ScoreBreakdown(0.0, 0.0, 0.0, config.weights),  # set by rescored
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


def _members(
    kept: list[_Sampled], others: dict[int, list[int]], picture: tuple[float, float, float, float]
) -> Callable[[int], list[clear_faces.Member]]:
    """The other frames of a candidate's group, by cluster id (cropped to the picture)."""

    def members_of(cluster_id: int) -> list[clear_faces.Member]:
        entries = [kept[m] for m in others.get(cluster_id, [])]
        return [
            clear_faces.Member(
                *_in_picture(e, picture), f"{e.reason}: {e.detail}" if e.reason else ""
            )
            for e in entries
        ]

    return members_of


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
    sampler = Sampler(
        info,
        config.sample_fps,
        config.max_samples,
        config.working_size,
        config.max_sequential_frames,
        opened,
    )
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
    looks = _looks(sampled, config)
    position = {s.frame.index: row for row, s in enumerate(sampled)}
    first = sampled[0].frame.image
    picture = bars.picture_box(
        [s.metrics for s in sampled], (first.shape[1], first.shape[0]), config.dark_luma
    )
    candidates, duplicates, others = _cluster(kept, looks, position, config, picture)
    rejected.extend(duplicates)
    timings["cluster"] = time.perf_counter() - mark
    yield PartialCandidates(ranked(candidates))

    mark = time.perf_counter()
    if scorer is not None:
        members_of = _members(kept, others, picture)
        stage = ModelStage(scorer, topics, config, members_of, _start_of("score"), _SPAN["score"])
        detail = (
            DetailPass(scorer, info, sampler.stats.frame_times_s)
            if isinstance(scorer, DetailScorer)
            else None
        )
        try:
            candidates = yield from stage.score(candidates, detail)
            candidates, rejected = stage.second_looks(candidates, rejected, detail)
        finally:
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
        warnings.append(f"{len(stats.failed)} frame(s) could not be decoded and were skipped.")
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
