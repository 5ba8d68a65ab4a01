"""Quick picture adjustments for export: brightness, contrast, saturation and "pop".

Pure numpy / OpenCV on upright BGR uint8 images, deterministic, so the window's preview, its
export and the command line compute the same pixels. "Pop" is an auto contrast: the darkest
and brightest 1 % of the picture's luma are stretched to black and white (one linear map for
all three channels, so colours keep their hue), with a light saturation lift.
"""

from __future__ import annotations

import cv2
import numpy as np

from thumbdesk.core.types import Adjustments

BRIGHTNESS_RANGE = 80.0
"""Grey levels added at brightness +1 (taken away at -1)."""
POP_CLIP = 1.0
"""Percent of the darkest and of the brightest luma that pop turns black and white."""
POP_SATURATION = 0.15
"""Saturation lift that comes with pop."""
_MIN_SPREAD = 8.0


def _stretch_levels(image: np.ndarray) -> tuple[float, float]:
    """(gain, offset) mapping the image's 1 %..99 % luma to 0..255, or (1, 0) if flat."""
    luma = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    low, high = np.percentile(luma, (POP_CLIP, 100.0 - POP_CLIP))
    if high - low < _MIN_SPREAD:
        return 1.0, 0.0
    gain = 255.0 / float(high - low)
    return gain, -float(low) * gain


def tone_table(adjust: Adjustments, gain: float = 1.0, offset: float = 0.0) -> np.ndarray:
    """The 256-entry lookup table of a levels stretch, then contrast, then brightness."""
    levels = np.arange(256, dtype=np.float64) * gain + offset
    contrast = 2.0 ** float(np.clip(adjust.contrast, -1.0, 1.0))
    levels = (levels - 127.5) * contrast + 127.5
    levels += float(np.clip(adjust.brightness, -1.0, 1.0)) * BRIGHTNESS_RANGE
    return np.clip(np.rint(levels), 0, 255).astype(np.uint8)


def saturate(image: np.ndarray, amount: float) -> np.ndarray:
    """Move colours away from (amount > 0) or towards (amount < 0) their grey."""
    if amount == 0.0:
        return image
    grey = cv2.cvtColor(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    grey_f = grey.astype(np.float32)
    mixed = grey_f + (image.astype(np.float32) - grey_f) * np.float32(1.0 + amount)
    return np.clip(np.rint(mixed), 0, 255).astype(np.uint8)


def apply_adjustments(image: np.ndarray, adjust: Adjustments) -> np.ndarray:
    """Return ``image`` (BGR uint8) with ``adjust`` applied; the input is never changed."""
    if adjust.is_neutral:
        return image.copy()
    gain, offset = _stretch_levels(image) if adjust.pop else (1.0, 0.0)
    toned = cv2.LUT(image, tone_table(adjust, gain, offset))
    saturation = float(np.clip(adjust.saturation, -1.0, 1.0))
    if adjust.pop:
        saturation = min(1.0, saturation + POP_SATURATION)
    return saturate(toned, saturation)


__all__ = ["apply_adjustments", "saturate", "tone_table"]
