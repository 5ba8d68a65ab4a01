"""A second, full-resolution look at the candidates whose evidence asks for one.

The image models see the working-size copy of a frame (480 px on the long side). A person a
few metres from a 1080p camera has a face of 20 px there: found, but too small for gender and
age to be read, so "woman" or "child" is never said. The same face is 80 px in the file. After
the models have run on a batch of candidates, ``DetailPass`` asks the scorer which of them
would tell more at full resolution (``DetailScorer.wants_detail``), reads those frames again
(in frame order, sharing one decoder) and lets the scorer complete their evidence
(``with_detail``). Reading costs a seek and some decoding per frame, so at most
``MAX_DETAIL_READS`` frames of a clip are read, the best-ranked first, and only from files at
least ``MIN_SCALE`` times larger than the analysed copy.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from thumbdesk.core.decode import FrameReader
from thumbdesk.core.errors import VideoError
from thumbdesk.core.model_api import DetailScorer
from thumbdesk.core.types import Frame, VideoInfo

log = logging.getLogger(__name__)

MAX_DETAIL_READS = 6
"""Frames of one clip read again at full resolution, at most."""
MIN_SCALE = 1.25
"""A file less than this much larger than the analysed copy has no detail to add."""


class DetailPass:
    """Completes evidence from full-resolution frames, for one pipeline run."""

    def __init__(
        self,
        scorer: DetailScorer,
        info: VideoInfo,
        frame_times_s: Sequence[float],
        budget: int = MAX_DETAIL_READS,
    ) -> None:
        self._scorer = scorer
        self._info = info
        self._times = list(frame_times_s)
        self._budget = budget
        self._reader: FrameReader | None = None
        self.reads = 0
        """Frames read again so far."""

    def complete(self, frames: Sequence[Frame], evidence: Sequence[Any]) -> list[Any]:
        """``evidence`` of ``frames`` (in the same order), completed where it asks for detail."""
        out = list(evidence)
        wanted = []
        for k, (frame, item) in enumerate(zip(frames, evidence, strict=True)):
            scale = max(self._info.width, self._info.height) / max(frame.image.shape[:2])
            if self._budget > 0 and scale >= MIN_SCALE and self._scorer.wants_detail(item, scale):
                wanted.append(k)
                self._budget -= 1
        for k in sorted(wanted, key=lambda k: frames[k].index):
            image = self._read(frames[k].index)
            if image is not None:
                out[k] = self._scorer.with_detail(out[k], image)
        return out

    def _read(self, index: int) -> Any:
        try:
            if self._reader is None:
                self._reader = FrameReader(
                    self._info.path, self._times or None, keyframe_aware=True
                )
            self.reads += 1
            return self._reader.read(index)
        except (VideoError, OSError) as exc:
            log.info(
                "no full-resolution detail for frame %d of %s: %s", index, self._info.path, exc
            )
            self._budget = 0  # a file that cannot be read again once will not be read later
            return None

    def close(self) -> None:
        """Release the decoder, if one was opened."""
        if self._reader is not None:
            self._reader.close()
            self._reader = None
