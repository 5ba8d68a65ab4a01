"""Probe a video file: size, rotation, frame rate, duration, codec, container.

Probing opens the file with OpenCV's FFmpeg backend and decodes the first frame, so that a
file which cannot give a single picture is refused here with a clear message, before any
work is queued. ``open_video`` keeps that decoder open for the sampling pass, which goes on
from the first frame instead of opening the file and decoding that frame a second time.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import cv2
import numpy as np

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


_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)
"""Still-image formats FFmpeg would open as a one-frame "video": refused with a clear message."""


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
    """Raise VideoError unless ``path`` is a non-empty readable file; return its first bytes.

    Only regular files are opened: a named pipe would block the open forever and a device
    (``/dev/zero``) never ends, so both are refused before FFmpeg sees them.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise VideoError(f"No such file: {path}") from None
    except OSError as exc:
        raise VideoError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if stat.S_ISDIR(mode):
        raise VideoError(f"{path} is a folder, not a video file")
    if not stat.S_ISREG(mode):
        raise VideoError(f"{path.name} is not a regular file (a pipe or device), not a video file")
    try:
        with path.open("rb") as handle:
            head = handle.read(64)
    except OSError as exc:
        raise VideoError(f"Cannot read {path}: {exc.strerror or exc}") from exc
    if not head:
        raise VideoError(f"{path.name} is empty (0 bytes)")
    for magic, kind in _IMAGE_MAGIC:
        if head.startswith(magic):
            raise VideoError(f"{path.name} is a still image ({kind}), not a video")
    return head


def _mp4_boxes(handle: BinaryIO, start: int, end: int) -> dict[bytes, tuple[int, int]]:
    """Top-level boxes between ``start`` and ``end``: type -> (offset, size) of the first."""
    boxes: dict[bytes, tuple[int, int]] = {}
    pos = start
    while pos + 8 <= end and len(boxes) < 64:
        handle.seek(pos)
        header = handle.read(16)
        if len(header) < 8:
            break
        size, kind = int.from_bytes(header[:4], "big"), header[4:8]
        if size == 1 and len(header) == 16:
            size = int.from_bytes(header[8:16], "big")
        elif size == 0:
            size = end - pos
        if size < 8:
            break
        boxes.setdefault(kind, (pos, size))
        pos += size
    return boxes


def diagnose_mp4(path: Path) -> str:
    """Say why an MP4/MOV file cannot be opened ("" when its structure gives no clue)."""
    try:
        with path.open("rb") as handle:
            end = handle.seek(0, os.SEEK_END)
            boxes = _mp4_boxes(handle, 0, end)
            if b"moov" not in boxes:
                return (
                    f"{path.name} looks truncated: its index (moov box) is missing, so the "
                    "recording or download did not finish"
                )
            offset, size = boxes[b"moov"]
            if offset + size > end:
                return f"{path.name} looks truncated: its index (moov box) is cut short"
            handle.seek(offset)
            moov = handle.read(min(size, 16 << 20))
    except OSError:
        return ""
    handlers, at = set(), moov.find(b"hdlr")
    while at >= 0:  # "hdlr", version and flags, pre_defined, then the handler type
        handlers.add(moov[at + 12 : at + 16])
        at = moov.find(b"hdlr", at + 4)
    if b"vide" not in handlers:
        sound = " (it holds only sound)" if b"soun" in handlers else ""
        return f"{path.name} has no video track{sound}"
    return ""


def open_capture(path: Path) -> cv2.VideoCapture:
    """Open ``path`` with the FFmpeg backend, frames auto-rotated upright."""
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        with contextlib.suppress(OSError), path.open("rb") as handle:
            if sniff_container(handle.read(16)) in ("mp4", "mov"):
                reason = diagnose_mp4(path)
                if reason:
                    raise VideoError(reason)
        raise VideoError(
            f"{path.name} is not a video ThumbDesk can read (unknown format, or the file is "
            "damaged)"
        )
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
    return capture


def _finite(value: float, default: float = 0.0) -> float:
    return value if math.isfinite(value) else default


@dataclass
class OpenedVideo:
    """A probed video with its decoder still open, just past the first frame."""

    info: VideoInfo
    capture: cv2.VideoCapture
    first_image: np.ndarray
    """The first frame, full resolution, upright BGR."""
    first_time_ms: float
    """Its presentation time as the decoder reported it (CAP_PROP_POS_MSEC)."""

    def close(self) -> None:
        """Release the decoder (harmless when already released)."""
        self.capture.release()


def probe(path: str | Path) -> VideoInfo:
    """Describe the video at ``path``; raise VideoError if it cannot give a frame."""
    video = open_video(path)
    video.close()
    return video.info


def open_video(path: str | Path) -> OpenedVideo:
    """Probe ``path`` (see ``probe``) and keep its decoder open; the caller closes it."""
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
        first_time_ms = capture.get(cv2.CAP_PROP_POS_MSEC)
        shown_h, shown_w = first.shape[:2]
    except BaseException:
        capture.release()
        raise

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
    return OpenedVideo(info, capture, first, first_time_ms)
