"""Where a video's key frames are, read from its packets without decoding.

A decoder can only start at a key frame, so reaching a frame by seeking costs decoding from
the key frame before it. ``keyframes`` gives their positions as OpenCV's seek counts frames
(the sampling pass of a long video seeks just past them); ``keyframe_times`` gives their
presentation times (a reader decoding forward can tell whether a key frame lies between it and
the frame it wants, and so whether a seek would start any later).
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2


def keyframe_times(path: str | Path) -> list[float]:
    """Presentation times (s) of the key frames, in order ([] if unknown)."""
    return _scan(path)[0]


def keyframes(path: str | Path) -> list[int]:
    """Where the key frames of a video are, from its packets (no decoding; [] if unknown).

    Positions are frame numbers as OpenCV's seek counts them (presentation time x frame
    rate), rounded up and one frame later, so that seeking 16 frames past one lands on that
    keyframe even when the timestamps drift from the nominal frame rate.
    """
    times, fps = _scan(path)
    return sorted({math.ceil(time_s * fps) + 1 for time_s in times})


def _scan(path: str | Path) -> tuple[list[float], float]:
    """Key frame times and the frame rate, from the packets ([] and 0 if unknown)."""
    try:
        capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_FORMAT, -1])
    except cv2.error:
        return [], 0.0
    found: list[float] = []
    try:
        fps = capture.get(cv2.CAP_PROP_FPS) if capture.isOpened() else 0.0
        if not math.isfinite(fps) or fps <= 0:
            return [], 0.0
        while capture.grab():
            if capture.get(cv2.CAP_PROP_LRF_HAS_KEY_FRAME):
                time_s = capture.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
                if math.isfinite(time_s) and time_s >= 0:
                    found.append(time_s)
    except cv2.error:
        return [], 0.0
    finally:
        capture.release()
    return sorted(set(found)), fps
