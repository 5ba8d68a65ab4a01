"""File formats ThumbDesk reads and writes: the one home of image formats and video suffixes.

Plain data, importable without OpenCV, so the command line starts fast.
"""

from __future__ import annotations

IMAGE_FORMATS: dict[str, str] = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP"}
"""Image file extensions that can be written, with the format each one means."""

IMAGE_CHOICES: tuple[str, ...] = ("jpg", "png", "webp")
"""The formats offered to the creator (one extension each), in the order they are offered."""

VIDEO_SUFFIXES: tuple[str, ...] = (
    ".mp4",
    ".m4v",
    ".mov",
    ".mkv",
    ".webm",
    ".avi",
    ".mpg",
    ".mpeg",
    ".ts",
    ".mts",
    ".3gp",
)
"""Extensions taken as videos when a folder is searched and offered in the Open dialog."""


def image_format(suffix: str) -> str | None:
    """The format written for a file extension (".JPG" -> "JPEG"), or None if unsupported."""
    return IMAGE_FORMATS.get(suffix.lower())


def video_file_filter() -> str:
    """A Qt file-dialog filter for the video suffixes."""
    patterns = " ".join(f"*{suffix}" for suffix in VIDEO_SUFFIXES)
    return f"Videos ({patterns});;All files (*)"


__all__ = ["IMAGE_CHOICES", "IMAGE_FORMATS", "VIDEO_SUFFIXES", "image_format", "video_file_filter"]
