"""Probing and decoding real clips: sizes, rotation, VFR, frame-accurate reads."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import clip
from thumbdesk.core.decode import FrameReader, read_frame
from thumbdesk.core.probe import probe


@pytest.mark.parametrize(
    ("name", "size", "rotation", "codec"),
    [
        ("bigbuckbunny.mp4", (1280, 720), 0, "h264"),
        ("portrait_rot90_bbb.mp4", (720, 1280), 90, "h264"),
        ("moviepy_fire2_dog.mp4", (1280, 720), 180, "h264"),
        ("moviepy_big_buck_bunny_0_30.webm", (1280, 720), 0, "VP80"),
        ("vertical_9x16_bbb.mp4", (1080, 1920), 0, "h264"),
    ],
)
def test_probe_reports_displayed_size_and_rotation(name, size, rotation, codec):
    info = probe(clip(name))
    assert (info.width, info.height) == size
    assert info.rotation == rotation
    assert info.codec == codec
    assert info.fps > 0 and info.duration_s > 1.0
    if rotation in (90, 270):
        assert (info.coded_width, info.coded_height) == (size[1], size[0])


def test_webm_container_is_recognised():
    assert probe(clip("moviepy_big_buck_bunny_0_30.webm")).container == "matroska/webm"
    assert probe(clip("bikes.mp4")).container == "mp4"


def test_portrait_clip_comes_out_turned_as_its_metadata_says():
    # portrait_rot90_bbb.mp4 is bigbuckbunny.mp4 with a 90 degree (counter-clockwise) display
    # rotation: its upright frame is the landscape frame turned 90 degrees counter-clockwise.
    portrait = read_frame(clip("portrait_rot90_bbb.mp4"), 10)
    landscape = read_frame(clip("bigbuckbunny.mp4"), 10)
    assert portrait.shape == (1280, 720, 3)
    expected = cv2.rotate(landscape, cv2.ROTATE_90_COUNTERCLOCKWISE)
    assert np.abs(portrait.astype(int) - expected).mean() < 1.0
    wrong_way = cv2.rotate(landscape, cv2.ROTATE_90_CLOCKWISE)
    assert np.abs(portrait.astype(int) - wrong_way).mean() > 20.0


def test_rotated_phone_clip_is_turned_upright():
    path = clip("moviepy_fire2_dog.mp4")
    upright = read_frame(path, 5)
    raw = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    raw.set(cv2.CAP_PROP_ORIENTATION_AUTO, 0)
    for _ in range(6):
        ok, stored = raw.read()
        assert ok
    raw.release()
    assert upright.shape == stored.shape
    assert np.abs(upright.astype(int) - cv2.rotate(stored, cv2.ROTATE_180)).mean() < 1.0
    assert np.abs(upright.astype(int) - stored).mean() > 10.0


def _all_frames(path):
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    return frames


@pytest.mark.parametrize("name", ["katna_elephants_dream.mp4", "bikes.mp4"])
def test_frame_reader_is_frame_accurate(name, core_results):
    """Random access must give exactly the frame a sequential decode gives, VFR included."""
    path = clip(name)
    frames = _all_frames(path)
    result = core_results(name)
    assert len(result.frame_times_s) == len(frames)
    with FrameReader(path, result.frame_times_s) as reader:
        for index in [len(frames) - 1, 3, len(frames) // 2, len(frames) // 2 + 1, 94, 0]:
            got = reader.read(index)
            assert np.array_equal(got, frames[index]), f"frame {index}"


def test_a_keyframe_aware_reader_decodes_forward_where_a_seek_would_not_start_later(
    core_results, monkeypatch
):
    """bikes.mp4 has key frames at 0, 1.2, 3.04, 5.48, 7.48 and 9.68 s (frames 0, 30, 76, 137,
    187, 242): a jump ahead with no key frame on the way is decoded forward, not sought."""
    path = clip("bikes.mp4")
    frames = _all_frames(path)
    sought: list[int] = []
    by_time = FrameReader._read_by_time

    def seek(reader: FrameReader, index: int) -> np.ndarray:
        sought.append(index)
        return by_time(reader, index)

    monkeypatch.setattr(FrameReader, "_read_by_time", seek)
    times = core_results("bikes.mp4").frame_times_s
    with FrameReader(path, times, keyframe_aware=True) as reader:
        for index in [2, 80, 130, 200, 240, 10]:
            assert np.array_equal(reader.read(index), frames[index]), f"frame {index}"
    assert sought == [80, 200, 10]  # 81 -> 130 and 201 -> 240 cross no key frame
    sought.clear()
    with FrameReader(path, times) as reader:  # not asked to: every jump past 30 frames seeks
        for index in [2, 80, 130]:
            assert np.array_equal(reader.read(index), frames[index]), f"frame {index}"
    assert sought == [80, 130]


def test_variable_frame_rate_is_detected(core_results):
    assert core_results("katna_elephants_dream.mp4").video.variable_frame_rate
    assert core_results("moviepy_fire2_dog.mp4").video.variable_frame_rate
    assert not core_results("moviepy_big_buck_bunny_0_30.webm").video.variable_frame_rate
    assert not core_results("bikes.mp4").video.variable_frame_rate


def test_frame_reader_rejects_out_of_range():
    from thumbdesk.core.errors import VideoError

    with FrameReader(clip("moviepy_fire2_dog.mp4")) as reader, pytest.raises(VideoError):
        reader.read(10_000)


@pytest.mark.parametrize("name", ["katna_elephants_dream.mp4", "portrait_rot90_bbb.mp4"])
def test_sampling_goes_on_from_the_probe_exactly_as_from_a_fresh_open(name):
    """The sampler that takes over the probe's decoder sees the same frames at the same times."""
    from thumbdesk.core.decode import Sampler
    from thumbdesk.core.probe import open_video

    def walk(sampler: Sampler) -> list[tuple[int, float, bytes]]:
        return [(f.index, f.time_s, f.image.tobytes()) for f in sampler]

    info = probe(clip(name))
    fresh = Sampler(info, 4.0, 120, 480, 3600)
    opened = open_video(clip(name))
    continued = Sampler(opened.info, 4.0, 120, 480, 3600, opened)
    assert opened.info == info
    assert walk(continued) == walk(fresh)
    assert continued.stats.frame_times_s == fresh.stats.frame_times_s
    assert continued.stats.decoded == fresh.stats.decoded
    assert not opened.capture.isOpened()  # the sampler released the probe's decoder
