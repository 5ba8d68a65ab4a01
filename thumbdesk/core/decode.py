"""Decode frames: the sampling pass over a video, and frame-accurate reads for export and scrubbing.

Frames come out upright (OpenCV applies the file's rotation metadata) in BGR order. The sampling
pass walks short videos frame by frame, timing frames by their presentation timestamps so that
variable-frame-rate files are sampled evenly in time, and keeps only a working-resolution copy
of the frames it samples. Long videos are sampled by seeking, so their cost stays bounded.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core.errors import VideoError
from thumbdesk.core.probe import check_readable_file, open_capture
from thumbdesk.core.types import Frame, VideoInfo

logger = logging.getLogger(__name__)

_TIME_EPS_S = 0.0005


def to_working_size(image: np.ndarray, long_side: int) -> np.ndarray:
    """Downscale ``image`` so its long side is at most ``long_side`` pixels (never upscale)."""
    height, width = image.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return image.copy()
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


@dataclass
class SampleStats:
    """What the sampling pass saw besides the frames it kept."""

    decoded: int = 0
    """Frames decoded (or grabbed) in total."""
    failed: list[int] = field(default_factory=list)
    """Indices of frames that were grabbed but could not be converted to a picture."""
    frame_times_s: list[float] = field(default_factory=list)
    """Presentation time of every frame walked (sequential mode only)."""
    last_time_s: float = 0.0
    seek_mode: bool = False


class Sampler:
    """Iterate over sampled frames of a video at working resolution.

    ``interval_s`` may be raised while iterating (the pipeline doubles it when it has to thin
    its samples on a video of unknown length).
    """

    def __init__(
        self,
        info: VideoInfo,
        sample_fps: float,
        max_samples: int,
        working_size: int,
        max_sequential_frames: int,
    ) -> None:
        self.info = info
        self.working_size = working_size
        self.max_samples = max_samples
        duration = info.duration_s
        self.interval_s = 1.0 / sample_fps
        if duration > 0:
            self.interval_s = max(self.interval_s, duration / max_samples)
        self.stats = SampleStats(seek_mode=info.frame_count > max_sequential_frames)

    def __iter__(self) -> Iterator[Frame]:
        """Yield sampled frames in presentation order."""
        path = Path(self.info.path)
        capture = open_capture(path)
        try:
            if self.stats.seek_mode:
                yield from self._by_seeking(capture)
            else:
                yield from self._sequentially(capture)
        finally:
            capture.release()

    def _sequentially(self, capture: cv2.VideoCapture) -> Iterator[Frame]:
        fps = self.info.fps
        next_time = 0.0
        previous_time = -1.0
        index = 0
        while capture.grab():
            time_s = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not math.isfinite(time_s) or time_s <= previous_time:
                time_s = max(previous_time + 1.0 / fps, index / fps)
            previous_time = time_s
            self.stats.frame_times_s.append(time_s)
            if time_s + _TIME_EPS_S >= next_time:
                ok, image = capture.retrieve()
                if ok and image is not None and image.size:
                    yield Frame(index, time_s, to_working_size(image, self.working_size))
                    next_time = time_s + self.interval_s
                else:
                    self.stats.failed.append(index)
            index += 1
        self.stats.decoded = index
        self.stats.last_time_s = max(previous_time, 0.0)

    def _by_seeking(self, capture: cv2.VideoCapture) -> Iterator[Frame]:
        info = self.info
        count = min(self.max_samples, info.frame_count)
        for i in range(count):
            target = int((i + 0.5) * info.frame_count / count)
            capture.set(cv2.CAP_PROP_POS_FRAMES, target)
            ok, image = capture.read()
            self.stats.decoded += 1
            if not ok or image is None or not image.size:
                self.stats.failed.append(target)
                continue
            time_s = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not math.isfinite(time_s) or time_s <= 0:
                time_s = target / info.fps
            self.stats.last_time_s = max(self.stats.last_time_s, time_s)
            yield Frame(target, time_s, to_working_size(image, self.working_size))


class FrameReader:
    """Frame-accurate random access to full-resolution, upright frames of one video.

    Give it the presentation times recorded by the sampling pass (``frame_times_s``) and it
    seeks by time and verifies each frame by its timestamp, which is exact on variable-frame-
    rate files too; without them it seeks by frame number. Reading the next frame (stepping
    with the arrow keys) decodes forward without seeking.
    """

    def __init__(self, path: str | Path, frame_times_s: Sequence[float] | None = None) -> None:
        self.path = Path(path)
        check_readable_file(self.path)
        self._capture = open_capture(self.path)
        self._times = list(frame_times_s) if frame_times_s else None
        count = int(max(0.0, self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0))
        self.frame_count = len(self._times) if self._times else count
        self.fps = self._capture.get(cv2.CAP_PROP_FPS) or 25.0
        self._next_index: int | None = 0
        self._last: tuple[int, np.ndarray] | None = None

    def close(self) -> None:
        """Release the decoder."""
        self._capture.release()

    def __enter__(self) -> FrameReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def time_of(self, index: int) -> float:
        """Presentation time of frame ``index`` in seconds."""
        if self._times and 0 <= index < len(self._times):
            return self._times[index]
        return index / self.fps

    def read(self, index: int) -> np.ndarray:
        """Return frame ``index`` at full resolution; raise VideoError if it cannot be read."""
        if self.frame_count and not 0 <= index < self.frame_count:
            raise VideoError(f"Frame {index} is outside the video (0..{self.frame_count - 1})")
        if self._last is not None and self._last[0] == index:
            return self._last[1]
        if self._next_index is not None and 0 <= index - self._next_index <= 30:
            image = self._read_forward(index)
        elif self._times:
            image = self._read_by_time(index)
        else:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next_index = index
            image = self._read_forward(index)
        self._last = (index, image)
        return image

    def _read_forward(self, index: int) -> np.ndarray:
        assert self._next_index is not None
        while self._next_index < index:
            if not self._capture.grab():
                break
            self._next_index += 1
        ok, image = self._capture.read()
        if not ok or image is None:
            self._next_index = None
            raise VideoError(f"Frame {index} of {self.path.name} could not be decoded")
        self._next_index = index + 1
        return image

    def _read_by_time(self, index: int) -> np.ndarray:
        assert self._times is not None
        target = self._times[index]
        margin = 1.0
        while True:
            start = max(0.0, target - margin)
            self._capture.set(cv2.CAP_PROP_POS_MSEC, start * 1000.0)
            ok = self._capture.grab()
            landed = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
            if not ok:
                break
            if landed <= target + _TIME_EPS_S or start == 0.0:
                break
            margin *= 2.0
        if ok and start == 0.0 and landed > target + _TIME_EPS_S:
            # The demuxer cannot land early enough: walk from the very start.
            self._capture.release()
            self._capture = open_capture(self.path)
            ok = self._capture.grab()
            landed = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        while ok and landed + _TIME_EPS_S < target:
            ok = self._capture.grab()
            landed = self._capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        if not ok:
            self._next_index = None
            raise VideoError(f"Frame {index} of {self.path.name} could not be decoded")
        ok, image = self._capture.retrieve()
        if not ok or image is None:
            self._next_index = None
            raise VideoError(f"Frame {index} of {self.path.name} could not be decoded")
        self._next_index = index + 1
        return image


def read_frame(
    path: str | Path, frame_index: int, frame_times_s: Sequence[float] | None = None
) -> np.ndarray:
    """Read one full-resolution upright frame (see FrameReader)."""
    with FrameReader(path, frame_times_s) as reader:
        return reader.read(frame_index)
