"""The headless pipeline on real clips: filters with reasons, best effort, dedup, ranking."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tests.conftest import clip
from thumbdesk.core import dedup
from thumbdesk.core.errors import VideoError
from thumbdesk.core.pipeline import pick, run_pipeline
from thumbdesk.core.types import PartialCandidates, PipelineConfig, Progress

ALL_CLIPS = [
    "bigbuckbunny.mp4",
    "bikes.mp4",
    "katna_elephants_dream.mp4",
    "moviepy_airplane_fade.mp4",
    "moviepy_big_buck_bunny_0_30.webm",
    "moviepy_fire2_dog.mp4",
    "moviepy_sintel_fog.mp4",
    "portrait_rot90_bbb.mp4",
    "vertical_9x16_bbb.mp4",
]


def test_airplane_dark_frames_are_rejected_and_the_small_plane_is_kept(core_results):
    result = core_results("moviepy_airplane_fade.mp4")
    dark = [r for r in result.rejected if r.reason == "dark"]
    # The clip fades to black at its end.
    assert dark and all(r.time_s > 9.0 for r in dark)
    # Its first 3 s show a small plane on a plain sky: a subject, not a flat frame.
    assert not any(r.reason == "uniform" and r.time_s < 3.0 for r in result.rejected)
    plane = [c for c in result.candidates[:3] if c.frame.time_s < 3.0]
    assert plane and all(c.quality.subject_box is not None for c in plane)
    for candidate in result.candidates:
        assert candidate.quality.luma >= PipelineConfig().dark_luma
        assert not candidate.flagged


@pytest.mark.parametrize("name", ALL_CLIPS)
def test_every_clip_gives_ranked_candidates_and_reasoned_rejections(name, core_results):
    result = core_results(name)
    assert result.candidates, result.warnings
    assert [c.rank for c in result.candidates] == list(range(1, len(result.candidates) + 1))
    clean = [c for c in result.candidates if not c.flagged]
    # Ranked from distinct shots first: within each round (the best of every shot, then the
    # second best, ...) best first, and a shot's candidates best first.
    rounds: dict[int, int] = {}
    keyed = []
    for c in clean:
        keyed.append((rounds.get(c.shot, 0), -c.score))
        rounds[c.shot] = rounds.get(c.shot, 0) + 1
    assert keyed == sorted(keyed)
    assert len(result.candidates) <= PipelineConfig().max_candidates
    for rejection in result.rejected:
        assert rejection.reason in {"dark", "blurry", "uniform", "broken", "duplicate"}
        assert rejection.detail
    seen = {c.frame.index for c in result.candidates}
    assert seen.isdisjoint(r.frame_index for r in result.rejected)
    # Every clustered frame is either a candidate or a duplicate of one; a group stands for
    # the frames of its other takes too (core.other_takes).
    duplicates = sum(r.reason == "duplicate" for r in result.rejected)
    groups = [c for c in result.candidates if c.take_of is None]
    assert sum(c.cluster_size for c in groups) == len(result.candidates) + duplicates
    for candidate in result.candidates:
        height, width = candidate.frame.image.shape[:2]
        assert max(height, width) <= PipelineConfig().working_size
        # Working copies keep the displayed (upright) shape of the video.
        assert (width >= height) == (result.video.width >= result.video.height)


def test_fog_clip_returns_flagged_best_effort_candidates_and_says_so(core_results):
    result = core_results("moviepy_sintel_fog.mp4")
    assert result.candidates
    assert all(c.flagged and c.flag_reason for c in result.candidates)
    assert any("No frame passed the quality filters" in w for w in result.warnings)


def test_the_best_effort_warning_counts_in_words(core_results):
    """One sharp frame among the fog clip's uniform ones: the warning read "Only 1 frame(s)
    passed"; it says "1 frame" and how many more are offered, as a sentence."""
    from thumbdesk.core import quality
    from thumbdesk.core.grouping import Sampled
    from thumbdesk.core.pipeline import _filter

    fog = [c.frame for c in core_results("moviepy_sintel_fog.mp4").candidates]
    sharp = core_results("bikes.mp4").candidates[0].frame
    sampled = [Sampled(f, quality.measure(f.image)) for f in [sharp, *fog]]
    _, warnings = _filter(sampled, PipelineConfig())
    assert warnings and warnings[0].startswith("Only 1 frame passed the quality filters (")
    assert "2 more are offered as flagged best-effort candidates." in warnings[0]


@pytest.mark.parametrize(
    "name", ["moviepy_big_buck_bunny_0_30.webm", "bikes.mp4", "katna_elephants_dream.mp4"]
)
def test_no_two_candidates_are_near_duplicates(name, core_results):
    result = core_results(name)
    features = np.stack(
        [dedup.describe(c.frame.image, c.quality.content_box) for c in result.candidates]
    )
    distance = dedup.distances(features)
    threshold = PipelineConfig().duplicate_distance
    for i, j in itertools.combinations(range(len(result.candidates)), 2):
        assert distance[i, j] >= threshold, (i, j, distance[i, j])
    assert len(result.candidates) >= 5  # several shots give several candidates


def test_forced_merges_join_frames_of_one_shot_before_two_shots() -> None:
    """Two shots of two frames each, a cap of two groups: the look-alike frames of the two shots
    (0.15 apart, nearer than either shot's own frames, 0.25) are not what merges; a frame that
    is the same picture in both shots (0.05) still merges across them."""
    shot = np.array([0, 0, 1, 1])
    distance = np.array(
        [
            [0.0, 0.25, 0.15, 0.4],
            [0.25, 0.0, 0.4, 0.4],
            [0.15, 0.4, 0.0, 0.25],
            [0.4, 0.4, 0.25, 0.0],
        ]
    )
    duplicate = PipelineConfig().duplicate_distance
    plain = dedup.cluster(distance, duplicate, 2).members()
    assert any({0, 2} <= set(m.tolist()) for m in plain)  # a group across the two shots
    linking = dedup.across_shots(distance, shot, duplicate)
    grouped = [set(m.tolist()) for m in dedup.cluster(linking, duplicate, 2).members()]
    assert grouped == [{0, 1}, {2, 3}]
    distance[0, 2] = distance[2, 0] = 0.05
    linking = dedup.across_shots(distance, shot, duplicate)
    merged = [set(m.tolist()) for m in dedup.cluster(linking, duplicate, 3).members()]
    assert {0, 2} in merged


def test_letterbox_bars_do_not_make_frames_dark(core_results):
    # bikes.mp4 is 640x272 footage; fake a tall letterboxed frame from one of its frames.
    from thumbdesk.core.quality import measure

    frame = core_results("bikes.mp4").candidates[0].frame.image
    height, width = frame.shape[:2]
    boxed = np.zeros((width, width, 3), np.uint8)
    top = (width - height) // 2
    boxed[top : top + height] = frame
    plain, letterboxed = measure(frame), measure(boxed)
    assert letterboxed.content_box[1] >= top - 2
    assert abs(letterboxed.luma - plain.luma) < 3.0
    assert abs(letterboxed.uniformity - plain.uniformity) < 0.05


def test_fast_measurements_equal_their_textbook_definitions(core_results):
    """measure() works in OpenCV integer arithmetic; it must equal the plain float formulas."""
    import cv2

    from thumbdesk.core.quality import colourfulness_of, measure

    for name in ("bikes.mp4", "moviepy_sintel_fog.mp4"):
        for candidate in core_results(name).candidates[:3]:
            image = candidate.frame.image
            blue, green, red = (image[:, :, i].astype(np.float64) for i in range(3))
            rg, yb = red - green, 0.5 * (red + green) - blue
            expected = np.hypot(rg.std(), yb.std()) + 0.3 * np.hypot(rg.mean(), yb.mean())
            assert colourfulness_of(image) == pytest.approx(expected, rel=1e-6)
            metrics = measure(image)
            x, y, w, h = metrics.content_box
            area = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)[y : y + h, x : x + w]
            laplacian = cv2.Laplacian(area.astype(np.float64), cv2.CV_64F)
            assert metrics.sharpness == pytest.approx(laplacian.var(), rel=1e-4)


def test_ranking_is_deterministic():
    first = pick(clip("bikes.mp4"))
    second = pick(clip("bikes.mp4"))
    assert [(c.frame.index, round(c.score, 6)) for c in first.candidates] == [
        (c.frame.index, round(c.score, 6)) for c in second.candidates
    ]
    assert [(r.frame_index, r.reason) for r in first.rejected] == [
        (r.frame_index, r.reason) for r in second.rejected
    ]


def test_generator_yields_progress_partial_candidates_and_can_be_cancelled():
    events = []
    generator = run_pipeline(clip("moviepy_big_buck_bunny_0_30.webm"))
    for event in generator:
        events.append(event)
        if isinstance(event, Progress) and event.stage == "sample" and event.fraction > 0.3:
            generator.close()  # cancel mid-decode: must stop cleanly
            break
    assert any(isinstance(e, Progress) and e.stage == "probe" for e in events)
    fractions = [e.fraction for e in events if isinstance(e, Progress)]
    assert fractions == sorted(fractions)
    assert not any(isinstance(e, PartialCandidates) for e in events)


def test_partial_candidates_arrive_before_the_end():
    generator = run_pipeline(clip("bikes.mp4"))
    kinds = []
    try:
        while True:
            kinds.append(type(next(generator)).__name__)
    except StopIteration as stop:
        result = stop.value
    assert "PartialCandidates" in kinds
    assert kinds.index("PartialCandidates") < len(kinds) - 1
    assert result.timings_s["total"] >= result.timings_s["sample"]


def test_long_videos_are_sampled_by_seeking_with_bounded_samples():
    config = PipelineConfig(max_sequential_frames=100, max_samples=30)
    result = pick(clip("moviepy_big_buck_bunny_0_30.webm"), config)
    assert result.sampled <= 30
    assert result.candidates
    assert not result.frame_times_s  # not walked frame by frame


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(VideoError, match="No such file"):
        pick(tmp_path / "nope.mp4")


def test_a_tie_in_picture_quality_goes_to_the_sharper_frame() -> None:
    """The quality term saturates: of frames that score alike, the sharper stands for the group,
    not the first (often the clip's opening)."""
    from thumbdesk.core.grouping import representative

    scores = [1.0, 1.0, 0.9, 1.0]
    sharpness = [1.6, 2.4, 3.0, 2.4]
    assert representative([0, 1, 2, 3], scores, sharpness) == 1
    assert representative([0, 2], scores, sharpness) == 0  # quality first
    assert representative([3, 1], scores, sharpness) == 1  # then the earlier
