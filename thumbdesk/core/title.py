"""Title text on a thumbnail: the bundled bold font, fitted into the preset's safe zone.

One renderer for the window's preview, its export and the command line (Pillow draws the
text; everything else is numpy). The font size is the largest that fits: every line inside
the safe zone's width, the block within ``MAX_BLOCK_HEIGHT`` of its height, and no bigger
than ``MAX_FONT`` of the image's mean side. Outline and shadow are included in the fit,
so nothing drawn leaves the safe zone.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import numpy as np
from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont

from thumbdesk.core.errors import ExportError
from thumbdesk.core.presets import Zone
from thumbdesk.core.types import TitleStyle

FONT_FILE = ("fonts", "LeagueSpartan-Bold.otf")
MAX_LINES = 2
MAX_FONT = 0.13
"""Largest font size, as a fraction of the geometric mean of the image's sides."""
MIN_FONT = 0.025
"""Smallest font size (same measure) before a title counts as too long to read."""
MAX_BLOCK_HEIGHT = 0.55
"""Largest share of the safe zone's height the title block may take."""
STROKE = 0.07
"""Outline width, as a fraction of the font size."""
SHADOW_OFFSET = 0.06
SHADOW_BLUR = 0.04
LINE_GAP = 0.08
_REFERENCE = "ÅÉHgjpqy"
"""Glyphs spanning the font's tallest ascent and deepest descent: lines get the same height."""


@dataclass(frozen=True)
class TitleLayout:
    """Where a title goes: font size, and the box (x, y, w, h in pixels) of each line."""

    font_size: int
    stroke: int
    shadow: int
    """Shadow offset in pixels (0 without a shadow)."""
    pad: int
    """Room kept around the text on every side for the shadow and its blur."""
    lines: tuple[str, ...]
    boxes: tuple[tuple[int, int, int, int], ...]
    """Each line's box, outline included."""
    baselines: tuple[tuple[int, int], ...]
    """(centre x, baseline y) of each line, where it is drawn."""

    @property
    def block(self) -> tuple[int, int, int, int]:
        """Box (x, y, w, h) around everything drawn: lines, outline, shadow and its blur."""
        left = min(b[0] for b in self.boxes) - self.pad
        top = min(b[1] for b in self.boxes) - self.pad
        right = max(b[0] + b[2] for b in self.boxes) + self.pad
        bottom = max(b[1] + b[3] for b in self.boxes) + self.pad
        return left, top, right - left, bottom - top


@functools.lru_cache(maxsize=64)
def title_font(size: int) -> ImageFont.FreeTypeFont:
    """The bundled bold font at ``size`` pixels."""
    path = resources.files("thumbdesk.resources").joinpath(*FONT_FILE)
    with resources.as_file(path) as font_path:
        return ImageFont.truetype(str(font_path), size)


def parse_colour(value: str) -> tuple[int, int, int]:
    """An RGB triple from ``#rrggbb`` or a colour name; ExportError if unreadable."""
    try:
        rgb = ImageColor.getrgb(value.strip())
    except ValueError:
        raise ExportError(f"{value!r} is not a colour: use #rrggbb or a name (white)") from None
    return rgb[0], rgb[1], rgb[2]


def clean_lines(style: TitleStyle) -> tuple[str, ...]:
    """The title's non-empty lines, stripped; ExportError for more than two."""
    lines = tuple(" ".join(line.split()) for line in style.lines)
    lines = tuple(line for line in lines if line)
    if len(lines) > MAX_LINES:
        raise ExportError(f"A title has at most {MAX_LINES} lines ({len(lines)} given)")
    return lines


def _metrics(size: int, shadowed: bool) -> tuple[int, int, int, int]:
    """(stroke, shadow offset, pad around the text, line gap) at font ``size``."""
    stroke = max(1, round(size * STROKE))
    offset = round(size * SHADOW_OFFSET) if shadowed else 0
    pad = offset + 3 * round(size * SHADOW_BLUR) if shadowed else 0
    return stroke, offset, pad, round(size * LINE_GAP)


def _text_size(size: int, lines: tuple[str, ...], shadowed: bool) -> tuple[int, int, int]:
    """(block width, block height, line height) at ``size``, outline and shadow included."""
    font = title_font(size)
    stroke, _, pad, gap = _metrics(size, shadowed)
    _, top, _, bottom = font.getbbox(_REFERENCE, anchor="ms", stroke_width=stroke)
    line_height = int(bottom - top)
    widest = 0
    for line in lines:
        left, _, right, _ = font.getbbox(line, anchor="ms", stroke_width=stroke)
        widest = max(widest, int(2 * max(-left, right)))
    height = len(lines) * line_height + (len(lines) - 1) * gap
    return widest + 2 * pad, height + 2 * pad, line_height


def layout_title(image_size: tuple[int, int], zone: Zone, style: TitleStyle) -> TitleLayout | None:
    """Fit ``style`` into ``zone`` of an image of ``image_size`` (w, h); None if no text.

    Raises ExportError when even the smallest readable size does not fit.
    """
    lines = clean_lines(style)
    if not lines:
        return None
    width, height = image_size
    zx, zy = round(zone[0] * width), round(zone[1] * height)
    zw, zh = round(zone[2] * width), round(zone[3] * height)
    side = (width * height) ** 0.5
    low, high = max(6, round(MIN_FONT * side)), max(6, round(MAX_FONT * side))

    def fits(size: int) -> bool:
        block_w, block_h, _ = _text_size(size, lines, style.shadow)
        return block_w <= zw and block_h <= MAX_BLOCK_HEIGHT * zh

    if not fits(low):
        raise ExportError(
            "The title is too long to fit on the thumbnail: shorten it or split it in two lines"
        )
    while low < high:  # the largest size that fits
        middle = (low + high + 1) // 2
        if fits(middle):
            low = middle
        else:
            high = middle - 1
    size = low
    stroke, offset, pad, gap = _metrics(size, style.shadow)
    _, block_h, line_height = _text_size(size, lines, style.shadow)
    if style.position == "top":
        block_top = zy
    elif style.position == "middle":
        block_top = zy + (zh - block_h) // 2
    else:
        block_top = zy + zh - block_h
    centre_x = zx + zw // 2
    font = title_font(size)
    ref_top = int(font.getbbox(_REFERENCE, anchor="ms", stroke_width=stroke)[1])
    boxes, baselines = [], []
    for index, line in enumerate(lines):
        line_top = block_top + pad + index * (line_height + gap)
        left, _, right, _ = font.getbbox(line, anchor="ms", stroke_width=stroke)
        boxes.append((centre_x + int(left), line_top, int(right - left), line_height))
        baselines.append((centre_x, line_top - ref_top))
    return TitleLayout(size, stroke, offset, pad, lines, tuple(boxes), tuple(baselines))


def draw_title(image_bgr: np.ndarray, zone: Zone, style: TitleStyle) -> np.ndarray:
    """Return a copy of ``image_bgr`` with the title drawn in ``zone`` (a fraction box)."""
    height, width = image_bgr.shape[:2]
    layout = layout_title((width, height), zone, style)
    if layout is None:
        return image_bgr.copy()
    fill, outline = parse_colour(style.fill), parse_colour(style.outline)
    font = title_font(layout.font_size)
    picture = Image.fromarray(np.ascontiguousarray(image_bgr[:, :, ::-1])).convert("RGBA")
    if layout.shadow:
        # The shadow is drawn and blurred in a layer the size of the title block only.
        bx, by, bw, bh = layout.block
        shadow = Image.new("RGBA", (bw, bh), (*outline, 0))
        offset = (layout.shadow - bx, layout.shadow - by)
        _draw_lines(shadow, layout, font, offset, (*outline, 170), (*outline, 170))
        blur = round(layout.font_size * SHADOW_BLUR)
        if blur:
            shadow = shadow.filter(ImageFilter.GaussianBlur(blur))
        picture.alpha_composite(shadow, dest=(bx, by))
    _draw_lines(picture, layout, font, (0, 0), (*fill, 255), (*outline, 255))
    rgb = np.asarray(picture.convert("RGB"))
    return np.ascontiguousarray(rgb[:, :, ::-1])


def _draw_lines(
    canvas: Image.Image,
    layout: TitleLayout,
    font: ImageFont.FreeTypeFont,
    offset: tuple[int, int],
    fill: tuple[int, int, int, int],
    stroke: tuple[int, int, int, int],
) -> None:
    """Draw the title's lines on ``canvas``, each baseline moved by ``offset`` (x, y)."""
    pen = ImageDraw.Draw(canvas)
    for line, (x, y) in zip(layout.lines, layout.baselines, strict=True):
        pen.text(
            (x + offset[0], y + offset[1]),
            line,
            font=font,
            anchor="ms",
            fill=fill,
            stroke_width=layout.stroke,
            stroke_fill=stroke,
        )


__all__ = ["TitleLayout", "clean_lines", "draw_title", "layout_title", "parse_colour", "title_font"]
