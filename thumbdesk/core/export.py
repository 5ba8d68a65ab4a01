"""Export a thumbnail: platform presets, crop, adjustments, title, encoding, atomic writes.

A preset fixes the output size (YouTube 1280x720 under 2 MB, Reels / TikTok 1080x1920,
square 1080x1080) or keeps the original. Bars baked into the video (``picture_box``) are cut
off first. When the preset's shape differs from the picture's, ``core.reframe`` crops around
the subjects or fits the whole picture over a blurred fill (``mode``: auto, crop, fit); then
the quick adjustments (``core.adjust``) and the title (``core.title``) are applied. ``render``
is the one renderer: the window's preview, its export and the command line all call it, so a
CLI export equals the window's byte for byte.

Files are written to a temporary file in the destination folder and moved into place, so a
failed export never leaves a half-written file and never touches anything else; they get
the usual permissions (0666 less the umask), not the temporary file's 0600. "Every size at
once" encodes every image before writing the first, and removes what it wrote if a later
write fails: all or nothing.
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
from thumbdesk.core.adjust import apply_adjustments
from thumbdesk.core.errors import ExportError
from thumbdesk.core.formats import IMAGE_FORMATS
from thumbdesk.core.presets import ALL_SIZES, PRESETS, ExportPreset
from thumbdesk.core.title import draw_title
from thumbdesk.core.types import Adjustments, ExportRequest, TitleStyle
from thumbdesk.core.words import agree

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


def export_preset(name: str) -> ExportPreset:
    """The preset called ``name``; ExportError naming the choices otherwise."""
    if name not in PRESETS:
        raise ExportError(f"Unknown export preset {name!r}; choose one of {', '.join(PRESETS)}")
    return PRESETS[name]


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
    size = export_preset(preset).size
    px, py, pw, ph = bars.pixel_box(picture_box, frame_size)
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
    adjustments: Adjustments | None = None,
    title: TitleStyle | None = None,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
    size: tuple[int, int] | None = None,
    plan_size: tuple[int, int] | None = None,
) -> np.ndarray:
    """Return the pixels to export for ``preset``: reframe (``plan_export``), adjust, title.

    ``size`` overrides the preset's pixel size and ``plan_size`` names the full-resolution
    frame that ``image_bgr`` is a smaller copy of: the window's previews render the same
    picture smaller, reframed as the full frame will be. The title is fitted to whatever
    size is rendered.
    """
    height, width = image_bgr.shape[:2]
    plan_w, plan_h = plan_size or (width, height)
    planned = plan_export(
        (plan_w, plan_h), preset, centre, picture_box=picture_box, subjects=subjects, mode=mode
    )
    if (plan_w, plan_h) != (width, height):  # the plan, in pixels of this smaller copy
        sx, sy = width / plan_w, height / plan_h
        x, y, w, h = planned.box
        left, top = min(width - 1, round(x * sx)), min(height - 1, round(y * sy))
        box = (
            left,
            top,
            max(1, min(width - left, round(w * sx))),
            max(1, min(height - top, round(h * sy))),
        )
        planned = reframe.Reframe(planned.mode, box, planned.reason)
    target = size or export_preset(preset).size
    x, y, w, h = planned.box
    if target is None:
        pixels = image_bgr[y : y + h, x : x + w].copy()
    elif planned.mode == "fit":
        pixels = reframe.render(bars.crop(image_bgr, picture_box), planned, target)
    else:
        pixels = reframe.render(image_bgr, planned, target)
    if adjustments is not None and not adjustments.is_neutral:
        pixels = apply_adjustments(pixels, adjustments)
    if title is not None:
        pixels = draw_title(pixels, export_preset(preset).safe_zone, title)
    return pixels


def _megabytes(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"


def encode_image(image_bgr: np.ndarray, suffix: str, max_bytes: int | None = None) -> bytes:
    """Encode ``image_bgr`` for a file extension; lower JPEG/WebP quality to fit ``max_bytes``.

    PNG is lossless and has no quality to lower: one attempt, and if it is too big the error
    says so and names JPEG.
    """
    suffix = suffix.lower()
    if suffix not in IMAGE_FORMATS:
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
            raise ExportError(f"The image could not be encoded as {IMAGE_FORMATS[suffix]}")
        data = buffer.tobytes()
        if max_bytes is None or len(data) <= max_bytes:
            return data
    if suffix == ".png":
        limit = _megabytes(max_bytes or 0)
        raise ExportError(
            f"As PNG this image takes {_megabytes(len(data))}, over the {limit} limit"
            " (PNG cannot be compressed further): export it as JPEG"
        )
    raise ExportError(
        f"Could not fit the image under {_megabytes(max_bytes or 0)} as {IMAGE_FORMATS[suffix]}"
    )


def check_format(preset: str, dest: str | Path) -> None:
    """ExportError at once if ``preset``'s platform does not take ``dest``'s format."""
    suffix = Path(dest).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        raise ExportError(f"Cannot write {Path(dest).name}: use .jpg, .png or .webp")
    problem = export_preset(preset).format_problem(suffix)
    if problem:
        raise ExportError(problem)


def _file_mode() -> int:
    """Permissions of a new file under the current umask (0666 less the umask)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # no other way to read it; set straight back
    os.umask(mask)
    return 0o666 & ~mask


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
        if hasattr(os, "fchmod"):  # mkstemp makes 0600; a saved image is 0644 under umask 022
            os.fchmod(fd, _file_mode())
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
    adjustments: Adjustments | None = None,
    title: TitleStyle | None = None,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
) -> Path:
    """Render ``image_bgr`` for ``preset`` and write it to ``dest`` (format from the extension)."""
    dest = Path(dest)
    check_format(preset, dest)
    pixels = render(
        image_bgr,
        preset,
        crop_center,
        adjustments,
        title,
        picture_box=picture_box,
        subjects=subjects,
        mode=mode,
    )
    data = encode_image(pixels, dest.suffix, PRESETS[preset].max_bytes)
    return write_atomically(data, dest, overwrite=overwrite)


def all_sizes_paths(dest: str | Path) -> dict[str, Path]:
    """The file each preset of "every size at once" goes to, beside ``dest``'s stem.

    ``thumb.png`` gives ``thumb_youtube.jpg`` (YouTube takes at most 2 MB: always JPEG),
    ``thumb_reels.png`` and ``thumb_square.png``.
    """
    dest = Path(dest)
    paths = {}
    for name in ALL_SIZES:
        suffix = dest.suffix.lower() or ".jpg"
        if PRESETS[name].format_problem(suffix) or PRESETS[name].max_bytes:
            suffix = f".{PRESETS[name].formats[0]}"
        paths[name] = dest.with_name(f"{dest.stem}_{name}{suffix}")
    return paths


def export_all_sizes(
    image_bgr: np.ndarray,
    dest: str | Path,
    crop_center: tuple[float, float] | None = None,
    overwrite: bool = False,
    adjustments: Adjustments | None = None,
    title: TitleStyle | None = None,
    *,
    picture_box: tuple[float, float, float, float] = bars.FULL_PICTURE,
    subjects: Sequence[reframe.BoxF] = (),
    mode: reframe.ModeChoice = "auto",
) -> list[Path]:
    """Write every size (``ALL_SIZES``) beside ``dest``'s stem: all of them or none."""
    paths = all_sizes_paths(dest)
    if not overwrite:
        taken = [p.name for p in paths.values() if p.exists()]
        if taken:
            are = agree(len(taken), "exists", "exist")
            raise ExportError(f"{', '.join(taken)} already {are}; choose another name")
    encoded = {}
    for name, path in paths.items():  # every encode before the first write
        pixels = render(
            image_bgr,
            name,
            crop_center,
            adjustments,
            title,
            picture_box=picture_box,
            subjects=subjects,
            mode=mode,
        )
        encoded[name] = encode_image(pixels, path.suffix, PRESETS[name].max_bytes)
    written: list[Path] = []
    try:
        for name, path in paths.items():
            written.append(write_atomically(encoded[name], path, overwrite=overwrite))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return written


def export_request(image_bgr: np.ndarray, request: ExportRequest) -> list[Path]:
    """Carry out an ``ExportRequest`` (the window's and the CLI's); returns the files written."""
    framing = {
        "picture_box": request.picture_box,
        "subjects": request.subjects,
        "mode": request.mode,
    }
    if request.preset == "all":
        return export_all_sizes(
            image_bgr,
            request.dest,
            request.crop_center,
            request.overwrite,
            request.adjustments,
            request.title,
            **framing,  # type: ignore[arg-type]
        )
    written = export_thumbnail(
        image_bgr,
        request.dest,
        request.preset,
        request.crop_center,
        request.overwrite,
        request.adjustments,
        request.title,
        **framing,  # type: ignore[arg-type]
    )
    return [written]
