"""Frames between the sampled ones, read again on demand for the moments look.

The sampling pass keeps one frame every 1/``sample_fps`` seconds (0.25 s by default); the
peak of a quick movement (a kick at full stretch, a jab extended) lasts about that long and
often falls between two samples, where the moments look (``core.moments``) cannot see it.
``InBetween.read`` reads the frame halfway between two sampled frames of a group, brings it
to the working size and the clip's picture box, and measures and judges it as the sampling
pass would have (sharpness relative to the same clip median), so that it can stand as one of
the group's frames. Reading costs a seek or some decoding per frame: at most ``MAX_READS``
frames of a clip are read, with one decoder opened on the first read.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from thumbdesk.core import bars, quality
from thumbdesk.core.clear_faces import Member
from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.errors import VideoError
from thumbdesk.core.grouping import Sampled, in_picture
from thumbdesk.core.types import Frame, PipelineConfig, QualityMetrics

log = logging.getLogger(__name__)

MAX_READS = 6
"""Frames of one clip read between the samples, at most (~30-170 ms each to read a 720p-1080p
frame, by how far the decoder must go; 6 was the most any of 50 clips asked for)."""


class InBetween:
    """Reads frames between the sampled ones, for one pipeline run (close it after)."""

    def __init__(
        self,
        path: str | Path,
        frame_times_s: Sequence[float],
        sampled: Sequence[QualityMetrics],
        config: PipelineConfig,
        picture: tuple[float, float, float, float] = bars.FULL_PICTURE,
        budget: int = MAX_READS,
    ) -> None:
        """Read frames of ``path``; ``frame_times_s`` as the sampling pass recorded them.

        ``sampled``: the measurements of every sampled frame (the clip's typical sharpness).
        """
        self._path = Path(path)
        self._times = list(frame_times_s)
        self._typical = quality.typical_sharpness(sampled, config)
        self._config = config
        self._picture = picture
        self._budget = budget
        self._reader: FrameReader | None = None
        self.reads = 0
        """Frames read so far."""

    def read(self, first: Frame, second: Frame) -> Member | None:
        """The frame halfway between two sampled frames, as a member of their group.

        None when none lies between them, the budget is spent or the file cannot be read
        again (then nothing more is read). Its ``flag_reason`` says why it would have failed
        the quality filters, as for the sampled members.
        """
        index = (first.index + second.index) // 2
        if self._budget <= 0 or index in (first.index, second.index):
            return None
        self._budget -= 1
        try:
            if self._reader is None:
                self._reader = FrameReader(self._path, self._times or None, keyframe_aware=True)
            self.reads += 1
            image = to_working_size(self._reader.read(index), self._config.working_size)
            time_s = self._reader.time_of(index)
        except (VideoError, OSError) as exc:
            log.info(
                "no frame between %d and %d of %s: %s", first.index, second.index, self._path, exc
            )
            self._budget = 0
            return None
        metrics = quality.measure(image)
        metrics = replace(metrics, sharpness_rel=round(metrics.detail_sharpness / self._typical, 4))
        reason, detail = quality.verdict(metrics, self._config)
        entry = Sampled(Frame(index, time_s, image), metrics, reason, detail)
        frame, metrics = in_picture(entry, self._picture)
        return Member(frame, metrics, f"{reason}: {detail}" if reason else "")

    def close(self) -> None:
        """Release the decoder, if one was opened."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
