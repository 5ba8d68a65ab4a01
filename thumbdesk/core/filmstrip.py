"""Small frames spread across a video, for the window's filmstrip along the timeline.

Cheap by design: a short video is read forward once; a longer one is read by seeking to frames
just past its keyframes (``decode.seek_targets``), so the cost is a few short decodes whatever
the video's length. Frames that cannot be decoded are left out.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from thumbdesk.core.decode import FrameReader, seek_targets, to_working_size
from thumbdesk.core.errors import VideoError
from thumbdesk.core.keyframes import keyframes

logger = logging.getLogger(__name__)

FORWARD_SPACING = 30
"""Below this many frames between tiles the video is read forward instead of by seeking."""


def filmstrip_frames(
    path: str | Path, count: int = 16, long_side: int = 160
) -> list[tuple[int, np.ndarray]]:
    """Up to ``count`` (frame index, small upright BGR frame) pairs across the video, in order."""
    with FrameReader(path) as reader:
        total = int(reader.frame_count)
        if total <= 0 or count <= 0:
            return []
        count = min(count, total)
        even = [int((i + 0.5) * total / count) for i in range(count)]
        targets = (
            even
            if total <= count * FORWARD_SPACING
            else seek_targets(total, count, keyframes(path))
        )
        frames: list[tuple[int, np.ndarray]] = []
        for index in targets:
            try:
                frames.append((index, to_working_size(reader.read(index), long_side)))
            except VideoError as exc:
                logger.debug("filmstrip: %s", exc)
        return frames
