"""Letterbox and pillarbox bars baked into a video's picture, found once per clip.

Every sampled frame's picture area is measured (``quality.content_box``: dark, flat rows and
columns at the edges); the clip's bars are the median of each side over frames with real
content, so a dark scene does not widen them and one bright frame does not erase them. Bars
come in pairs (top and bottom, left and right): a dark band on one side alone is the scene.
The picture box is kept as fractions of the frame, so it applies at working size and at full
resolution alike: candidates, exports and the report all use it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from thumbdesk.core.types import QualityMetrics

logger = logging.getLogger(__name__)

FULL_PICTURE = (0.0, 0.0, 1.0, 1.0)
_MIN_BAR = 0.01
"""Bars thinner than this fraction of the frame are ignored (encoder edge rows)."""


def picture_box(
    metrics: Sequence[QualityMetrics], frame_size: tuple[int, int], dark_luma: float
) -> tuple[float, float, float, float]:
    """The clip's picture area (x, y, w, h as fractions of the frame), bars left out."""
    width, height = frame_size
    boxes = [m.content_box for m in metrics if m.luma >= dark_luma and m.content_box[2] > 0]
    if not boxes or width <= 0 or height <= 0:
        return FULL_PICTURE
    sides = np.array([(x, y, width - x - w, height - y - h) for x, y, w, h in boxes], float)
    left, top, right, bottom = np.median(sides, axis=0)
    # One more working-size pixel on every side with a bar: the bar's soft edge (a blend of
    # black and picture) is measured at working size and would show at full resolution.
    left, top, right, bottom = (v + 1.0 if v > 0 else 0.0 for v in (left, top, right, bottom))
    fractions = [left / width, top / height, right / width, bottom / height]
    left, top, right, bottom = (f if f >= _MIN_BAR else 0.0 for f in fractions)
    # Bars come in pairs (a letterbox above and below, a pillarbox left and right): a dark
    # band on one side alone is the scene (a dark stage, a ceiling, a night sky), kept.
    if not (top and bottom):
        top = bottom = 0.0
    if not (left and right):
        left = right = 0.0
    box = (left, top, 1.0 - left - right, 1.0 - top - bottom)
    if box != FULL_PICTURE:
        logger.info("bars: picture box %s of the frame", tuple(round(v, 4) for v in box))
    return (round(box[0], 5), round(box[1], 5), round(box[2], 5), round(box[3], 5))


def pixel_box(
    box: tuple[float, float, float, float], size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """``box`` (fractions) in pixels of an image of ``size`` (w, h), at least 1x1."""
    width, height = size
    x0, y0 = round(box[0] * width), round(box[1] * height)
    x1, y1 = round((box[0] + box[2]) * width), round((box[1] + box[3]) * height)
    x0, y0 = min(max(x0, 0), width - 1), min(max(y0, 0), height - 1)
    return (x0, y0, max(1, min(x1, width) - x0), max(1, min(y1, height) - y0))


def crop(image: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """The picture area of ``image`` (a view; the image itself when there are no bars)."""
    if box == FULL_PICTURE:
        return image
    height, width = image.shape[:2]
    x, y, w, h = pixel_box(box, (width, height))
    return image[y : y + h, x : x + w]


def bars_px(box: tuple[float, float, float, float], size: tuple[int, int]) -> dict[str, int]:
    """The bars as pixels of a frame of ``size`` (w, h): top, bottom, left, right."""
    width, height = size
    x, y, w, h = pixel_box(box, (width, height))
    return {"top": y, "bottom": height - y - h, "left": x, "right": width - x - w}


__all__ = ["FULL_PICTURE", "bars_px", "crop", "picture_box", "pixel_box"]
