"""Export presets and image formats: plain data, importable without OpenCV (fast CLI start)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExportPreset:
    """A target for the exported thumbnail."""

    name: str
    label: str
    size: tuple[int, int] | None
    """(width, height) in pixels, or None to keep the frame's own size."""
    max_bytes: int | None = None


PRESETS: dict[str, ExportPreset] = {
    preset.name: preset
    for preset in (
        ExportPreset("original", "Original size", None),
        ExportPreset("youtube", "YouTube 1280x720 (under 2 MB)", (1280, 720), 2 * 1024 * 1024),
        ExportPreset("reels", "Reels / TikTok / Shorts 1080x1920", (1080, 1920)),
        ExportPreset("square", "Square 1080x1080", (1080, 1080)),
    )
}

FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG", ".webp": "WebP"}

__all__ = ["FORMATS", "PRESETS", "ExportPreset"]
