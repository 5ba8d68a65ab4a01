"""Export a thumbnail: platform presets, crop, encoding, and an atomic, no-clobber write.

A preset fixes the output size (YouTube 1280x720 under 2 MB, Reels / TikTok 1080x1920,
square 1080x1080) or keeps the original. Bars baked into the video (``picture_box``) are cut
off first. When the preset's shape differs from the picture's, ``core.reframe`` crops around
the subjects or fits the whole picture over a blurred fill (``mode``: auto, crop, fit).
Files are written to a temporary file in the destination folder and moved into place, so a
failed export never leaves a half-written file and never touches anything else.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core import bars, reframe
from thumbdesk.core.errors import ExportError
from thumbdesk.core.presets import FORMATS, PRESETS

logger = logging.getLogger(__name__)


def crop_to_aspect(
    image: np.ndarray, size: tuple[int, int], centre: tuple[float, float] | None = None
) -> np.ndarray:
    """Scale ``image`` to cover ``size`` (w, h) and crop it around ``centre`` (fractions)."""
    target_w, target_h = size
    height, width = image.shape[:2]
    scale = max(target_w / width, target_h / height)
    crop_w = min(width, round(target_w / scale))
    crop_h = min(height, round(target_h / scale))
    cx, cy = centre if centre is not None else (0.5, 0.5)
    left = round(min(max(cx * width - crop_w / 2, 0), width - crop_w))
    top = round(min(max(cy * height - crop_h / 2, 0), height - crop_h))
    cropped = image[top : top + crop_h, left : left + crop_w]
    shrinking = crop_w > target_w
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(cropped, (target_w, target_h), interpolation=interpolation)


def plan_export(
    frame_size: tuple[int, int],
    preset: str = "original",
    centre: tuple[float, float] | None = None,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
) -> reframe.Reframe:
    """How a frame of ``frame_size`` (w, h) becomes ``preset``.

    The plan's box is the window taken, in pixels of the whole frame (bars included).
    ``centre`` and ``subjects`` are fractions of the picture inside the bars.
    """
    if preset not in PRESETS:
        raise ExportError(f"Unknown export preset {preset!r}; choose one of {', '.join(PRESETS)}")
    px, py, pw, ph = bars.pixel_box(picture_box, frame_size)
    size = PRESETS[preset].size
    if size is None:
        planned = reframe.Reframe("none", (0, 0, pw, ph), "original size")
    else:
        planned = reframe.plan((pw, ph), size, subjects, centre, mode)
    x, y, w, h = planned.box
    return reframe.Reframe(planned.mode, (x + px, y + py, w, h), planned.reason)


def render(
    image_bgr: np.ndarray,
    preset: str = "original",
    centre: tuple[float, float] | None = None,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
) -> np.ndarray:
    """Return the pixels to export for ``preset`` (exact preset size; see ``plan_export``)."""
    height, width = image_bgr.shape[:2]
    planned = plan_export(
        (width, height), preset, centre, picture_box=picture_box, subjects=subjects, mode=mode
    )
    size = PRESETS[preset].size
    x, y, w, h = planned.box
    if size is None:
        return image_bgr[y : y + h, x : x + w].copy()
    if planned.mode == "fit":
        return reframe.render(bars.crop(image_bgr, picture_box), planned, size)
    return reframe.render(image_bgr, planned, size)


def encode_image(image_bgr: np.ndarray, suffix: str, max_bytes: int | None = None) -> bytes:
    """Encode ``image_bgr`` for a file extension; lower JPEG/WebP quality to fit ``max_bytes``."""
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise ExportError(
            f"Cannot write {suffix or 'files without an extension'}: use .jpg, .png or .webp"
        )
    if suffix == ".png":
        attempts = [[cv2.IMWRITE_PNG_COMPRESSION, 6]]
    else:
        flag = cv2.IMWRITE_JPEG_QUALITY if suffix in (".jpg", ".jpeg") else cv2.IMWRITE_WEBP_QUALITY
        attempts = [[flag, quality] for quality in (92, 85, 78, 70, 60, 50, 40)]
    data = b""
    for params in attempts:
        ok, buffer = cv2.imencode(".jpg" if suffix == ".jpeg" else suffix, image_bgr, params)
        if not ok:
            raise ExportError(f"The image could not be encoded as {FORMATS[suffix]}")
        data = buffer.tobytes()
        if max_bytes is None or len(data) <= max_bytes:
            return data
    raise ExportError(f"Could not fit the image under {max_bytes} bytes as {FORMATS[suffix]}")


def _explain(exc: OSError, dest: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"Not enough disk space to write {dest.name}"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"No permission to write in {dest.parent} (the folder is read-only)"
    if exc.errno == errno.ENOENT:
        return f"The folder {dest.parent} does not exist"
    if exc.errno == errno.ENOTDIR:
        return f"{dest.parent} is not a folder"
    return f"Could not write {dest}: {exc.strerror or exc}"


_NO_HARD_LINKS = {
    errno.EPERM,
    errno.ENOTSUP,
    errno.EOPNOTSUPP,
    errno.ENOSYS,
    errno.EXDEV,
    errno.EMLINK,
}
"""Errors of os.link that mean "no hard links here" rather than "cannot write"."""


def write_atomically(data: bytes, dest: str | Path, overwrite: bool = False) -> Path:
    """Write ``data`` to ``dest`` all at once: temp file in the same folder, then rename.

    Without ``overwrite`` an existing file is never replaced (ExportError instead), and the
    check is atomic (a hard link that fails if the name exists).
    """
    dest = Path(dest)
    if dest.is_dir():
        raise ExportError(f"{dest} is a folder; give a file name")
    if not overwrite and dest.exists():
        raise ExportError(f"{dest.name} already exists; choose another name or allow overwrite")
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, dest)
        else:
            try:
                os.link(tmp_name, dest)
            except FileExistsError as exc:
                raise ExportError(f"{dest.name} already exists; choose another name") from exc
            except OSError as exc:
                # Only a file system without hard links (FAT, exFAT, some network shares)
                # falls back to a rename; a full disk or an I/O error is an error.
                if exc.errno not in _NO_HARD_LINKS:
                    raise
                if dest.exists():
                    raise ExportError(f"{dest.name} already exists; choose another name") from None
                os.replace(tmp_name, dest)
    except OSError as exc:
        raise ExportError(_explain(exc, dest)) from exc
    finally:
        if tmp_name:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
    logger.info("wrote %s (%d bytes)", dest, len(data))
    return dest


def export_thumbnail(
    image_bgr: np.ndarray,
    dest: str | Path,
    preset: str = "original",
    crop_center: tuple[float, float] | None = None,
    overwrite: bool = False,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
) -> Path:
    """Render ``image_bgr`` for ``preset`` and write it to ``dest`` (format from the extension)."""
    dest = Path(dest)
    pixels = render(
        image_bgr, preset, crop_center, picture_box=picture_box, subjects=subjects, mode=mode
    )
    data = encode_image(pixels, dest.suffix, PRESETS[preset].max_bytes)
    return write_atomically(data, dest, overwrite=overwrite)
