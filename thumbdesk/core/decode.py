"""Decode frames: the sampling pass over a video, and frame-accurate reads for export and scrubbing.

Frames come out upright (OpenCV applies the file's rotation metadata) in BGR order. The sampling
pass walks short videos frame by frame, timing frames by their presentation timestamps so that
variable-frame-rate files are sampled evenly in time, and keeps only a working-resolution copy
of the frames it samples. Long videos are sampled by seeking to frames a little past their
keyframes (found from the packets, without decoding), so their cost stays bounded.
Decoding and downscaling run in a background thread a few frames ahead of the consumer, so
that measuring one frame overlaps with decoding the next (OpenCV releases the GIL).
"""

from __future__ import annotations

import bisect
import logging
import math
import queue
import threading
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core.errors import VideoError
from thumbdesk.core.keyframes import keyframe_times, keyframes
from thumbdesk.core.probe import OpenedVideo, check_readable_file, open_capture
from thumbdesk.core.types import Frame, PipelineConfig, VideoInfo

logger = logging.getLogger(__name__)

_TIME_EPS_S = 0.0005
_READ_AHEAD = 4
"""Frames the decoding thread may have ready before the consumer takes them."""
_DONE = object()
_SEEK_BACKOFF = 16
"""OpenCV seeks to the keyframe before ``target - 16`` and decodes forward to the target, so
the cheapest frame to seek to is 16 frames after a keyframe."""
_SEEK_BUDGET = 32
"""Seek mode decodes at most this many frames past a keyframe for one sample."""


class _Failed:
    """An exception raised in the decoding thread, carried over to the consumer."""

    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


def to_working_size(image: np.ndarray, long_side: int) -> np.ndarray:
    """Downscale ``image`` so its long side is at most ``long_side`` pixels (never upscale).

    Area averaging (INTER_AREA). OpenCV's area resize is fast for whole-number factors and
    several times slower otherwise (1280x720 -> 480x270 is 8/3), so the whole-number part
    of the factor is taken first (2x2 blocks), then the rest: nearly the same box filter
    (pixels differ a little on sharp edges only), at a fraction of the cost.
    """
    height, width = image.shape[:2]
    scale = long_side / max(height, width)
    if scale >= 1.0:
        return image.copy()
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    step = int(1.0 / scale)
    if step >= 2 and (width // step, height // step) != size:
        image = cv2.resize(image, (width // step, height // step), interpolation=cv2.INTER_AREA)
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
    its samples on a video of unknown length). Given an ``OpenedVideo`` (from
    ``probe.open_video``), the first iteration takes over its decoder and first frame instead
    of opening the file again, and releases it at the end.
    """

    def __init__(
        self,
        info: VideoInfo,
        sample_fps: float,
        max_samples: int,
        working_size: int,
        max_sequential_frames: int,
        opened: OpenedVideo | None = None,
    ) -> None:
        self.info = info
        self._opened = opened
        self.working_size = working_size
        self.max_samples = max_samples
        duration = info.duration_s
        self.interval_s = 1.0 / sample_fps
        if duration > 0:
            self.interval_s = max(self.interval_s, duration / max_samples)
        self.stats = SampleStats(seek_mode=info.frame_count > max_sequential_frames)

    @classmethod
    def configured(cls, opened: OpenedVideo, config: PipelineConfig) -> Sampler:
        """The pipeline's sampling pass over an opened video, as ``config`` sets it."""
        return cls(
            opened.info,
            config.sample_fps,
            config.max_samples,
            config.working_size,
            config.max_sequential_frames,
            opened,
        )

    def __iter__(self) -> Iterator[Frame]:
        """Yield sampled frames in presentation order."""
        opened, self._opened = self._opened, None
        capture = opened.capture if opened else open_capture(Path(self.info.path))
        try:
            if self.stats.seek_mode:
                frames = self._by_seeking(capture)
            else:
                first = (opened.first_time_ms, opened.first_image) if opened else None
                frames = self._sequentially(capture, first)
            if self.stats.seek_mode or self.info.duration_s > 0:
                yield from self._read_ahead(frames)
            else:
                # Unknown length: the consumer may raise ``interval_s`` at any frame, so the
                # next frame is only chosen once the consumer is done with this one.
                yield from frames
        finally:
            capture.release()

    def _read_ahead(self, frames: Generator[Frame, None, None]) -> Iterator[Frame]:
        """Run ``frames`` in a decoding thread; yield its frames in order."""
        ready: queue.Queue[object] = queue.Queue(maxsize=_READ_AHEAD)
        stop = threading.Event()

        def put(item: object) -> bool:
            while not stop.is_set():
                try:
                    ready.put(item, timeout=0.05)
                    return True
                except queue.Full:
                    continue
            return False

        def produce() -> None:
            try:
                for frame in frames:
                    if not put(frame):
                        return
            except BaseException as exc:  # handed to the consumer, raised there
                put(_Failed(exc))
            finally:
                put(_DONE)

        worker = threading.Thread(target=produce, name="thumbdesk-decode", daemon=True)
        worker.start()
        try:
            while True:
                item = ready.get()
                if item is _DONE:
                    break
                if isinstance(item, _Failed):
                    raise item.exc
                assert isinstance(item, Frame)
                yield item
        finally:
            stop.set()
            worker.join()
            frames.close()

    def _sequentially(
        self, capture: cv2.VideoCapture, first: tuple[float, np.ndarray] | None
    ) -> Generator[Frame, None, None]:
        """Walk every frame; ``first`` is frame 0 when the caller has decoded it already."""
        fps = self.info.fps
        next_time = 0.0
        previous_time = -1.0
        index = 0
        while True:
            image: np.ndarray | None = None
            if first is not None:
                time_ms, image = first
                first = None
            elif capture.grab():
                time_ms = capture.get(cv2.CAP_PROP_POS_MSEC)
            else:
                break
            time_s = time_ms / 1000.0
            if not math.isfinite(time_s) or time_s <= previous_time:
                time_s = max(previous_time + 1.0 / fps, index / fps)
            previous_time = time_s
            self.stats.frame_times_s.append(time_s)
            if time_s + _TIME_EPS_S >= next_time:
                if image is None:
                    ok, image = capture.retrieve()
                    if not ok:
                        image = None
                if image is not None and image.size:
                    yield Frame(index, time_s, to_working_size(image, self.working_size))
                    next_time = time_s + self.interval_s
                else:
                    self.stats.failed.append(index)
            index += 1
        self.stats.decoded = index
        self.stats.last_time_s = max(previous_time, 0.0)

    def _by_seeking(self, capture: cv2.VideoCapture) -> Generator[Frame, None, None]:
        info = self.info
        for target in seek_targets(info.frame_count, self.max_samples, keyframes(info.path)):
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


def seek_targets(frame_count: int, max_samples: int, keys: Sequence[int]) -> list[int]:
    """Frames to sample by seeking: evenly spread, each moved near a keyframe if it is far.

    Seeking costs decoding from the keyframe before the frame, so a frame more than
    ``_SEEK_BUDGET`` frames past its keyframe is replaced by the frame ``_SEEK_BACKOFF`` past
    the nearest keyframe: the cost per sample stays bounded whatever the keyframe interval,
    and the whole pass costs about ``max_samples`` short decodes whatever the video's length.
    Without keyframe information the even spread is kept as it is.
    """
    count = min(max_samples, frame_count)
    even = [int((i + 0.5) * frame_count / count) for i in range(count)]
    if not keys:
        return even
    chosen: list[int] = []
    for target in even:
        i = bisect.bisect_right(keys, target - _SEEK_BACKOFF) - 1
        if i < 0 or target - keys[i] <= _SEEK_BUDGET:
            chosen.append(target)
            continue
        options = [keys[i] + _SEEK_BACKOFF]
        if i + 1 < len(keys) and keys[i + 1] + _SEEK_BACKOFF < frame_count:
            options.append(keys[i + 1] + _SEEK_BACKOFF)
        chosen.append(min(options, key=lambda f: (abs(f - target), f)))
    return sorted(set(chosen))


class FrameReader:
    """Frame-accurate random access to full-resolution, upright frames of one video.

    Give it the presentation times recorded by the sampling pass (``frame_times_s``) and it
    seeks by time and verifies each frame by its timestamp, which is exact on variable-frame-
    rate files too; without them it seeks by frame number. Reading the next frame (stepping
    with the arrow keys) decodes forward without seeking.
    """

    def __init__(
        self,
        path: str | Path,
        frame_times_s: Sequence[float] | None = None,
        keyframe_aware: bool = False,
    ) -> None:
        """Open ``path``; ``frame_times_s`` as the sampling pass recorded them.

        ``keyframe_aware`` (with ``frame_times_s``): a frame further ahead is reached by
        decoding forward when no key frame lies between (a seek would decode from the same
        key frame or an earlier one); the key frames are found on the first such read.
        """
        self.path = Path(path)
        check_readable_file(self.path)
        self._capture = open_capture(self.path)
        self._times = list(frame_times_s) if frame_times_s else None
        count = int(max(0.0, self._capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0.0))
        self.frame_count = len(self._times) if self._times else count
        self.fps = self._capture.get(cv2.CAP_PROP_FPS) or 25.0
        self._next_index: int | None = 0
        self._last: tuple[int, np.ndarray] | None = None
        self._keyframe_aware = keyframe_aware and bool(self._times)
        self._keys: list[int] | None = None
        """Indices of the key frames (``keyframe_aware``), once looked up; [] if unknown."""

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
        ahead = index - self._next_index if self._next_index is not None else -1
        if 0 <= ahead <= 30 or (ahead > 30 and self._no_keyframe_until(index)):
            image = self._read_forward(index)
        elif self._times:
            try:
                image = self._read_by_time(index)
            except VideoError:
                # Broken timestamps (all equal, say) defeat seeking by time: walk from the
                # start, counting frames as the sampling pass did.
                logger.info("seeking by time failed on %s; walking to frame %d", self.path, index)
                self._capture.release()
                self._capture = open_capture(self.path)
                self._next_index = 0
                image = self._read_forward(index)
        else:
            self._capture.set(cv2.CAP_PROP_POS_FRAMES, index)
            self._next_index = index
            image = self._read_forward(index)
        self._last = (index, image)
        return image

    def _no_keyframe_until(self, index: int) -> bool:
        """No key frame after the decoder's position up to ``index`` (False when unknown)."""
        if not self._keyframe_aware or self._next_index is None or self._times is None:
            return False
        if self._keys is None:
            times = self._times
            self._keys = [
                bisect.bisect_left(times, t - _TIME_EPS_S) for t in keyframe_times(self.path)
            ]
        return bool(self._keys) and not any(self._next_index < k <= index for k in self._keys)

    def _lost(self, index: int) -> VideoError:
        """Forget the decoder's position (it is unknown now); the error to raise."""
        self._next_index = None
        return VideoError(f"Frame {index} of {self.path.name} could not be decoded")

    def _read_forward(self, index: int) -> np.ndarray:
        assert self._next_index is not None
        while self._next_index < index:
            if not self._capture.grab():
                break
            self._next_index += 1
        ok, image = self._capture.read()
        if not ok or image is None:
            raise self._lost(index)
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
            raise self._lost(index)
        ok, image = self._capture.retrieve()
        if not ok or image is None:
            raise self._lost(index)
        self._next_index = index + 1
        return image


def read_frame(
    path: str | Path, frame_index: int, frame_times_s: Sequence[float] | None = None
) -> np.ndarray:
    """Read one full-resolution upright frame (see FrameReader)."""
    with FrameReader(path, frame_times_s) as reader:
        return reader.read(frame_index)
