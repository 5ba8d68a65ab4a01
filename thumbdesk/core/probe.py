"""Probe a video file: size, rotation, frame rate, duration, codec, container.

Probing opens the file with OpenCV's FFmpeg backend and decodes the first frame, so that a
file which cannot give a single picture is refused here with a clear message, before any
work is queued.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path

import cv2

from thumbdesk.core.errors import VideoError
from thumbdesk.core.types import VideoInfo

logger = logging.getLogger(__name__)

_MAX_PIXELS = 8192 * 8192
"""Largest frame ThumbDesk agrees to decode (beyond 8K the metadata is not to be trusted)."""

_CONTAINER_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (4, b"ftypqt", "mov"),
    (4, b"ftyp", "mp4"),
    (0, b"\x1a\x45\xdf\xa3", "matroska/webm"),
    (0, b"RIFF", "avi"),
    (0, b"FLV", "flv"),
    (0, b"OggS", "ogg"),
    (0, b"\x00\x00\x01\xba", "mpeg-ps"),
    (0, b"\x47", "mpeg-ts"),
)


def sniff_container(head: bytes) -> str:
    """Name the container from the first bytes of a file ("unknown" if not recognised)."""
    for offset, magic, name in _CONTAINER_MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    return "unknown"


def fourcc_to_str(value: float) -> str:
    """Turn OpenCV's FOURCC property into readable text ("h264", "VP80")."""
    code = int(value) if math.isfinite(value) else 0
    chars = "".join(chr((code >> (8 * i)) & 0xFF) for i in range(4))
    return chars.strip("\x00 ").strip() or "unknown"


def check_readable_file(path: Path) -> bytes:
    """Raise VideoError unless ``path`` is a non-empty readable file; return its first bytes."""
    if not path.exists():
        raise VideoError(f"No such file: {path}")
    if path.is_dir():
        raise VideoError(f"{path} is a folder, not a video file")
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise VideoError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise VideoError(f"{path.name} is empty (0 bytes)")
    return head


def open_capture(path: Path) -> cv2.VideoCapture:
    """Open ``path`` with the FFmpeg backend, frames auto-rotated upright."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise VideoError(
            f"{path.name} is not a video ThumbDesk can read (unknown format, or the file is "
            "damaged)"
        )
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return capture


def _finite(value: float, default: float = 0.0) -> float:
    return value if math.isfinite(value) else default


def probe(path: str | Path) -> VideoInfo:
    """Describe the video at ``path``; raise VideoError if it cannot give a frame."""
    path = Path(path)
    head = check_readable_file(path)
    capture = open_capture(path)
    try:
        fps = _finite(capture.get(cv2.CAP_PROP_FPS))
        frame_count = int(max(0.0, _finite(capture.get(cv2.CAP_PROP_FRAME_COUNT))))
        shown_w = int(max(0.0, _finite(capture.get(cv2.CAP_PROP_FRAME_WIDTH))))
        shown_h = int(max(0.0, _finite(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))))
        # OpenCV gives the clockwise turn it applies; report FFmpeg's counter-clockwise angle.
        rotation = (360 - int(_finite(capture.get(cv2.CAP_PROP_ORIENTATION_META)))) % 360
        codec = fourcc_to_str(capture.get(cv2.CAP_PROP_FOURCC))
        if shown_w <= 0 or shown_h <= 0 or shown_w * shown_h > _MAX_PIXELS:
            raise VideoError(
                f"{path.name} reports an impossible picture size ({shown_w}x{shown_h})"
            )
        ok, first = capture.read()
        if not ok or first is None or first.size == 0:
            raise VideoError(f"{path.name} has no video frame that can be decoded")
        shown_h, shown_w = first.shape[:2]
    finally:
        capture.release()

    if rotation not in (0, 90, 180, 270):
        rotation = 0
    coded_w, coded_h = (shown_h, shown_w) if rotation in (90, 270) else (shown_w, shown_h)
    if not 0.5 <= fps <= 1000:
        logger.info("%s reports fps %.3f; assuming 25", path.name, fps)
        fps = 25.0
    if frame_count <= 0 or frame_count > 10_000_000:
        frame_count = 0
    duration = frame_count / fps if frame_count else 0.0
    info = VideoInfo(
        path=str(path),
        container=sniff_container(head),
        codec=codec,
        duration_s=round(duration, 3),
        frame_count=frame_count,
        fps=round(fps, 3),
        coded_width=coded_w,
        coded_height=coded_h,
        rotation=rotation,
    )
    logger.debug("probed %s", info)
    return info
