"""Export presets: size, formats, byte limit, safe zone and UI overlays of each platform.

Plain data, importable without OpenCV (fast CLI start). Zones are rectangles
``(x, y, w, h)`` in fractions of the exported image, so they apply at any size:

- the *safe zone* is where title text is placed: clear of the platform's buttons, badges and
  captions, and, for a 9:16 cover, inside the 3:4 middle that a profile grid shows;
- *overlays* are where the platform draws its own UI over the picture (duration badge,
  like / comment rail, caption), drawn on the preview when safe zones are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

Zone = tuple[float, float, float, float]
"""(x, y, w, h) as fractions of the image."""

GRID_MIDDLE: Zone = (0.0, 0.125, 1.0, 0.75)
"""The 3:4 middle of a 9:16 cover: what Shorts, Reels and TikTok profile grids show."""


@dataclass(frozen=True)
class ExportPreset:
    """A target for the exported thumbnail."""

    name: str
    label: str
    size: tuple[int, int] | None
    """(width, height) in pixels, or None to keep the frame's own size."""
    max_bytes: int | None = None
    formats: tuple[str, ...] = ("jpg", "png", "webp")
    """File extensions the platform takes, preferred first."""
    safe_zone: Zone = (0.06, 0.06, 0.88, 0.88)
    overlays: tuple[tuple[str, Zone], ...] = ()
    """The platform's UI drawn over the picture: (what, zone)."""

    def format_problem(self, ext: str) -> str | None:
        """Why ``ext`` (e.g. "webp") cannot be used for this preset, or None if it can."""
        ext = ext.lower().lstrip(".").replace("jpeg", "jpg")
        if ext in self.formats:
            return None
        names = " or ".join(e.upper().replace("JPG", "JPEG") for e in self.formats)
        return f"{self.label.split(' ')[0]} does not take {ext.upper()} images: use {names}"


PRESETS: dict[str, ExportPreset] = {
    preset.name: preset
    for preset in (
        ExportPreset("original", "Original size", None),
        ExportPreset(
            "youtube",
            "YouTube 1280x720 (under 2 MB)",
            (1280, 720),
            2 * 1024 * 1024,
            formats=("jpg", "png"),  # YouTube takes JPG, PNG (and GIF); not WebP
            # Clear of the duration badge and the watch-progress bar along the bottom.
            safe_zone=(0.05, 0.06, 0.90, 0.74),
            overlays=(("duration", (0.84, 0.85, 0.14, 0.10)), ("progress", (0.0, 0.97, 1.0, 0.03))),
        ),
        ExportPreset(
            "reels",
            "Reels / TikTok / Shorts 1080x1920",
            (1080, 1920),
            # Inside the grid's 3:4 middle, left of the like / comment rail, above the caption.
            safe_zone=(0.07, 0.16, 0.76, 0.60),
            overlays=(
                ("header", (0.0, 0.0, 1.0, 0.09)),
                ("buttons", (0.85, 0.45, 0.15, 0.42)),
                ("caption", (0.0, 0.80, 0.85, 0.20)),
            ),
        ),
        ExportPreset("square", "Square 1080x1080", (1080, 1080)),
    )
}
"""Export presets by name (not the audience topic lists: those are ``topics.AUDIENCES``)."""

ALL_SIZES: tuple[str, ...] = ("youtube", "reels", "square")
"""The presets written by "every size at once" (``--size all``)."""


__all__ = ["ALL_SIZES", "GRID_MIDDLE", "PRESETS", "ExportPreset", "Zone"]
