"""Frames between the samples: read on demand (real clips of ../shared), and which to read."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from thumbdesk.core import moments, quality
from thumbdesk.core.between import InBetween
from thumbdesk.core.decode import FrameReader, Sampler, to_working_size
from thumbdesk.core.probe import open_video
from thumbdesk.core.types import Frame, PipelineConfig

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "clips"
KICK = EVAL / "boy_penalty_kick_football.mp4"


def sampled_frames(path: Path, config: PipelineConfig) -> tuple[list[Frame], list[float]]:
    opened = open_video(path)
    sampler = Sampler.configured(opened, config)
    try:
        frames = list(sampler)
    finally:
        opened.close()
    return frames, list(sampler.stats.frame_times_s)


def test_the_frame_halfway_between_two_samples_is_read_measured_and_judged() -> None:
    config = PipelineConfig()
    frames, times = sampled_frames(KICK, config)
    metrics = quality.relative_sharpness([quality.measure(f.image) for f in frames], config)
    between = InBetween(KICK, times, metrics, config, budget=2)
    first, second = frames[4], frames[5]  # 1.07 s and 1.33 s: the kick is between
    try:
        member = between.read(first, second)
        assert member is not None
        assert member.frame.index == (first.index + second.index) // 2
        assert member.frame.time_s == pytest.approx(times[member.frame.index])
        assert first.time_s < member.frame.time_s < second.time_s
        assert member.frame.image.shape == first.image.shape  # the working size
        with FrameReader(KICK, times) as reader:
            expected = to_working_size(reader.read(member.frame.index), config.working_size)
        assert np.array_equal(member.frame.image, expected)
        # measured against the same clip median as the samples: a sharp frame near 1
        assert 0.5 < member.metrics.sharpness_rel < 2.0
        assert member.flag_reason == ""  # it passes the quality filters
        assert between.read(first, frames[4]) is None  # nothing lies between a frame and itself
        assert between.read(frames[0], frames[1]) is not None
        assert between.read(frames[1], frames[2]) is None  # the budget (2) is spent
        assert between.reads == 2
    finally:
        between.close()


def test_a_file_gone_since_sampling_gives_nothing_and_is_not_read_again(tmp_path: Path) -> None:
    config = PipelineConfig()
    copy = tmp_path / "kick.mp4"
    shutil.copyfile(KICK, copy)
    frames, times = sampled_frames(copy, config)
    between = InBetween(copy, times, [quality.measure(f.image) for f in frames], config)
    copy.unlink()
    assert between.read(frames[0], frames[1]) is None
    shutil.copyfile(KICK, copy)  # back again: not read, the first failure ends the reading
    assert between.read(frames[1], frames[2]) is None
    between.close()


def frame(index: int, fps: float = 30.0) -> Frame:
    return Frame(index, index / fps, np.zeros((4, 4, 3), np.uint8))


def pose(value: float) -> moments.Moment:
    return moments.Moment(arms=value, legs=0.0, reach=0.0, tilt=0.0, facing=0.0)


def test_halfway_pairs_go_where_the_body_changes_most_between_consecutive_samples() -> None:
    # a group sampled every 8 frames, with a gap (frames 40-64 belong to another group)
    group = [frame(i) for i in (0, 8, 16, 24, 32, 72, 80)]
    looked = {0: pose(1.8), 8: pose(1.0), 24: pose(0.5), 32: None, 72: pose(0.4), 80: None}
    pairs = [(a.index, b.index) for a, b in moments.halfway_pairs(group, looked, limit=3)]
    # 24 -> 32 and 72 -> 80: followed, then a blur (the most); 0 -> 8: 0.8 apart; left out:
    # 8 -> 16 (16 not looked at: MOVING), 32 -> 72 (other pictures between), 80 (no next)
    assert pairs == [(0, 8), (24, 32), (72, 80)]
    assert [(a.index, b.index) for a, b in moments.halfway_pairs(group, looked, limit=1)] == [
        (24, 32)
    ]
    assert moments.halfway_pairs(group[:1], looked, limit=3) == []
    assert moments.change(None, None) == 0.0  # both blurred: nothing to compare
    assert moments.change(pose(1.0), "unseen") == moments.MOVING


def test_a_group_moves_when_its_moments_spread_or_one_could_not_be_followed() -> None:
    held = moments.Moment(arms=0.5, legs=0.2, reach=0.3, tilt=0.0, facing=0.8)
    nudged = moments.Moment(arms=0.6, legs=0.2, reach=0.3, tilt=0.0, facing=0.8)
    kick = moments.Moment(arms=1.0, legs=1.2, reach=0.5, tilt=0.1, facing=0.5)
    assert not moments.moves(held, [nudged, held])
    assert moments.moves(held, [nudged, kick])
    assert moments.moves(held, [nudged, None])  # a blur the pose model could not follow
