"""Subject-aware reframing for an aspect change (16:9 to 9:16, 9:16 to 16:9, square).

``plan`` chooses how a picture becomes a preset's shape, given the boxes of what it shows
(faces, people, the salient object; fractions of the picture, most important first):

- ``crop``: the largest window of the preset's shape, placed so that every subject is inside
  it (centred on them); with no subject known, centred on the picture's most salient region
  (``salient_box``, a spectral-residual saliency map) or the middle;
- ``fit``: the whole picture scaled into the preset over a blurred, darkened fill of itself,
  chosen when the crop would cut a subject or scale the picture up more than ``MAX_UPSCALE``;
- ``none``: the picture already has the preset's shape (it is only scaled).

``render`` applies a plan. The plan's ``box`` is the crop window (the whole picture for
``fit`` and ``none``) in pixels of the picture it was planned on; the report records it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from thumbdesk.core.types import Candidate
from thumbdesk.core.words import count_of

logger = logging.getLogger(__name__)

Mode = Literal["none", "crop", "fit"]
ModeChoice = Literal["auto", "crop", "fit"]
BoxF = tuple[float, float, float, float]
"""x, y, w, h as fractions of the picture."""

MAX_UPSCALE = 2.0
"""A crop that would be scaled up more than this becomes a fit instead."""
SAME_SHAPE = 0.01
"""Aspect ratios closer than this (relative) are the same shape: nothing is cropped."""
_FILL_DIM = 0.55
"""Brightness of the blurred fill behind a fitted picture."""


@dataclass(frozen=True)
class Reframe:
    """How a picture becomes the preset's shape."""

    mode: Mode
    box: tuple[int, int, int, int]
    """The window taken (x, y, w, h) in pixels of the planned picture (all of it for a fit)."""
    reason: str = ""


def _window(length: int, want: int, low: float, high: float, centre: float) -> int:
    """Start of a ``want``-long window in ``length`` holding [low, high] if it can, at centre."""
    start = centre - want / 2
    if high - low <= want:
        start = min(max(start, high - want), low)
    return round(min(max(start, 0.0), length - want))


def plan(
    size: tuple[int, int],
    target: tuple[int, int],
    subjects: Sequence[BoxF] = (),
    centre: tuple[float, float] | None = None,
    mode: ModeChoice = "auto",
) -> Reframe:
    """Plan the reframe of a ``size`` (w, h) picture into ``target`` (w, h).

    ``subjects`` must stay whole in a crop; ``centre`` (fractions), when given, places the
    crop there instead (a creator's choice). ``mode`` forces a crop or a fit.
    """
    width, height = size
    target_w, target_h = target
    whole = (0, 0, width, height)
    if abs((target_w / target_h) / (width / height) - 1.0) <= SAME_SHAPE:
        return Reframe("none", whole, "same shape")
    if mode == "fit":
        return Reframe("fit", whole, "fit chosen")
    scale = max(target_w / width, target_h / height)
    crop_w = min(width, round(target_w / scale))
    crop_h = min(height, round(target_h / scale))
    boxes = [_px(b, size) for b in subjects if b[2] > 0 and b[3] > 0]
    if boxes:
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
    else:
        x0, y0, x1, y1 = width / 2, height / 2, width / 2, height / 2
    if centre is not None:
        cx, cy = centre[0] * width, centre[1] * height
    else:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = _window(width, crop_w, x0, x1, cx)
    top = _window(height, crop_h, y0, y1, cy)
    if mode == "crop":
        return Reframe("crop", (left, top, crop_w, crop_h), "crop chosen")
    if scale > MAX_UPSCALE:
        return Reframe("fit", whole, f"a crop would be scaled up {scale:.1f}x")
    cut = [
        b
        for b in boxes
        if b[0] < left - 1
        or b[1] < top - 1
        or b[0] + b[2] > left + crop_w + 1
        or b[1] + b[3] > top + crop_h + 1
    ]
    if cut and centre is None:
        return Reframe("fit", whole, f"a crop would cut {count_of(len(cut), 'subject')}")
    return Reframe("crop", (left, top, crop_w, crop_h), "subjects inside" if boxes else "")


def _px(box: BoxF, size: tuple[int, int]) -> tuple[float, float, float, float]:
    width, height = size
    x, y, w, h = box
    x0, y0 = max(0.0, x) * width, max(0.0, y) * height
    x1, y1 = min(1.0, x + w) * width, min(1.0, y + h) * height
    return (x0, y0, max(0.0, x1 - x0), max(0.0, y1 - y0))


def render(image: np.ndarray, reframe: Reframe, target: tuple[int, int]) -> np.ndarray:
    """The pixels of ``image`` reframed by ``reframe``, at exactly ``target`` (w, h)."""
    target_w, target_h = target
    if reframe.mode == "fit":
        return _fit(image, target)
    x, y, w, h = reframe.box
    window = image[y : y + h, x : x + w]
    shrinking = w > target_w
    interpolation = cv2.INTER_AREA if shrinking else cv2.INTER_CUBIC
    return cv2.resize(window, (target_w, target_h), interpolation=interpolation)


def _fit(image: np.ndarray, target: tuple[int, int]) -> np.ndarray:
    """The whole picture, scaled to fit, centred over a blurred, darkened cover of itself."""
    target_w, target_h = target
    height, width = image.shape[:2]
    cover = max(target_w / width, target_h / height)
    # Blur a small copy (cheap), then scale it up: the fill only needs to be soft.
    small_w, small_h = max(1, round(width * cover / 16)), max(1, round(height * cover / 16))
    small = cv2.resize(image, (small_w, small_h), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), 2.0)
    fill = cv2.resize(
        small, (round(width * cover), round(height * cover)), interpolation=cv2.INTER_LINEAR
    )
    fy, fx = (fill.shape[0] - target_h) // 2, (fill.shape[1] - target_w) // 2
    canvas = cv2.convertScaleAbs(fill[fy : fy + target_h, fx : fx + target_w], alpha=_FILL_DIM)
    inside = min(target_w / width, target_h / height)
    fit_w, fit_h = max(1, round(width * inside)), max(1, round(height * inside))
    interpolation = cv2.INTER_AREA if inside < 1 else cv2.INTER_CUBIC
    fitted = cv2.resize(image, (fit_w, fit_h), interpolation=interpolation)
    oy, ox = (target_h - fit_h) // 2, (target_w - fit_w) // 2
    canvas[oy : oy + fit_h, ox : ox + fit_w] = fitted
    return canvas


def salient_box(image: np.ndarray, keep: float = 0.5) -> BoxF | None:
    """Box (fractions) around the picture's most salient region, or None on a blank picture.

    Spectral residual saliency (Hou and Zhang, 2007) on a 64x64 grey copy: the log amplitude
    spectrum minus its local average, back to the image plane, smoothed. The box holds the
    pixels above ``keep`` of the peak.
    """
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    small = cv2.resize(grey, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)
    if float(small.std()) < 2.0:
        return None
    spectrum = np.fft.fft2(small)
    log_amp = np.log(np.abs(spectrum) + 1e-6)
    residual = log_amp - cv2.blur(log_amp.astype(np.float32), (3, 3))
    phase = np.angle(spectrum)
    saliency = np.abs(np.fft.ifft2(np.exp(residual + 1j * phase))) ** 2
    saliency = cv2.GaussianBlur(saliency.astype(np.float32), (0, 0), 2.5)
    peak = float(saliency.max())
    if peak <= 0:
        return None
    ys, xs = np.nonzero(saliency >= keep * peak)
    x0, x1, y0, y1 = xs.min(), xs.max() + 1, ys.min(), ys.max() + 1
    return (x0 / 64, y0 / 64, (x1 - x0) / 64, (y1 - y0) / 64)


def subjects_of(candidate: Candidate) -> list[BoxF]:
    """What a reframe of ``candidate`` must keep, as fractions of the candidate's picture.

    The models' subjects (faces, people, objects) and a subject on a plain background.
    """
    boxes: list[BoxF] = list(candidate.topics.subject_boxes)
    if not boxes and candidate.topics.subject_box is not None:
        boxes.append(candidate.topics.subject_box)
    plain = candidate.quality.subject_box
    if plain is not None:
        height, width = candidate.frame.image.shape[:2]
        x, y, w, h = plain
        boxes.append((x / width, y / height, w / width, h / height))
    return boxes


def default_centre(candidate: Candidate) -> tuple[float, float] | None:
    """Where a crop of ``candidate`` goes when it has no subject to keep: its salient region."""
    if subjects_of(candidate):
        return None
    box = salient_box(candidate.frame.image)
    return None if box is None else (box[0] + box[2] / 2, box[1] + box[3] / 2)


__all__ = [
    "MAX_UPSCALE",
    "Mode",
    "ModeChoice",
    "Reframe",
    "default_centre",
    "plan",
    "render",
    "salient_box",
    "subjects_of",
]
