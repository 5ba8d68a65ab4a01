"""The thumbnail renderer: title inside the safe zone and fitted, adjustments, pop."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from tests.conftest import clip
from thumbdesk.core.adjust import apply_adjustments
from thumbdesk.core.errors import ExportError
from thumbdesk.core.export import render
from thumbdesk.core.presets import PRESETS
from thumbdesk.core.title import draw_title, layout_title
from thumbdesk.core.types import Adjustments, TitleStyle


@pytest.fixture(scope="module")
def frame() -> np.ndarray:
    capture = cv2.VideoCapture(str(clip("bigbuckbunny.mp4")))
    capture.set(cv2.CAP_PROP_POS_FRAMES, 60)
    ok, image = capture.read()
    capture.release()
    assert ok
    return image


def _ink_box(before: np.ndarray, after: np.ndarray) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(np.any(before != after, axis=2))
    assert xs.size, "nothing was drawn"
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


@pytest.mark.parametrize("preset", ["youtube", "reels", "square", "original"])
@pytest.mark.parametrize("position", ["top", "middle", "bottom"])
@pytest.mark.parametrize(
    "lines", [("WOW",), ("The hardest workout", "of my whole life"), ("A" * 12 + " " + "W" * 12,)]
)
def test_title_stays_inside_the_safe_zone(frame, preset, position, lines) -> None:
    base = render(frame, preset)
    titled = render(frame, preset, title=TitleStyle(lines, position))
    height, width = base.shape[:2]
    x, y, w, h = PRESETS[preset].safe_zone
    left, top, right, bottom = _ink_box(base, titled)
    assert left >= round(x * width) - 1 and right <= round((x + w) * width)
    assert top >= round(y * height) - 1 and bottom <= round((y + h) * height)
    for name, (ox, oy, ow, oh) in PRESETS[preset].overlays:  # never under the platform's UI
        overlap_x = min(right, (ox + ow) * width) - max(left, ox * width)
        overlap_y = min(bottom, (oy + oh) * height) - max(top, oy * height)
        assert overlap_x <= 0 or overlap_y <= 0, name


def test_title_size_is_fitted_to_the_frame_and_the_text() -> None:
    zone = PRESETS["youtube"].safe_zone
    short = layout_title((1280, 720), zone, TitleStyle(("WOW",)))
    long = layout_title((1280, 720), zone, TitleStyle(("This is a much longer title line",)))
    small = layout_title((640, 360), zone, TitleStyle(("WOW",)))
    assert short and long and small
    assert long.font_size < short.font_size  # a longer line gets a smaller size ...
    assert long.block[2] <= round(zone[2] * 1280)  # ... that still fits the zone's width
    assert long.block[2] > 0.9 * round(zone[2] * 1280)  # and uses it: the largest that fits
    assert small.font_size == pytest.approx(short.font_size / 2, abs=2)  # scales with the frame
    with pytest.raises(ExportError, match="too long"):
        layout_title((1280, 720), zone, TitleStyle(("word " * 40,)))


def test_two_lines_are_drawn_one_above_the_other(frame) -> None:
    zone = PRESETS["square"].safe_zone
    style = TitleStyle(("First line", "Second"), "middle")
    layout = layout_title((1080, 1080), zone, style)
    assert layout is not None and len(layout.boxes) == 2
    first, second = layout.boxes
    assert second[1] >= first[1] + first[3]  # below, not overlapping
    plain = render(frame, "square")
    titled = render(frame, "square", title=style)
    for box in layout.boxes:
        x, y, w, h = box
        assert np.any(plain[y : y + h, x : x + w] != titled[y : y + h, x : x + w])
    with pytest.raises(ExportError, match="at most 2 lines"):
        layout_title((1080, 1080), zone, TitleStyle(("a", "b", "c")))


def test_title_colours_are_used_and_bad_colours_refused(frame) -> None:
    square = render(frame, "square")
    titled = draw_title(square, PRESETS["square"].safe_zone, TitleStyle(("HI",), fill="#ff0000"))
    red = (titled[:, :, 2] > 230) & (titled[:, :, 1] < 25) & (titled[:, :, 0] < 25)
    assert red.sum() > 1000
    with pytest.raises(ExportError, match="not a colour"):
        draw_title(square, PRESETS["square"].safe_zone, TitleStyle(("HI",), fill="reddish"))


def _luma(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(float)


def test_adjustments_change_pixels_as_expected(frame) -> None:
    luma = _luma(frame)
    brighter = _luma(apply_adjustments(frame, Adjustments(brightness=0.5)))
    darker = _luma(apply_adjustments(frame, Adjustments(brightness=-0.5)))
    assert brighter.mean() > luma.mean() + 25 and darker.mean() < luma.mean() - 25
    more = _luma(apply_adjustments(frame, Adjustments(contrast=0.6)))
    less = _luma(apply_adjustments(frame, Adjustments(contrast=-0.6)))
    assert more.std() > luma.std() * 1.3 and less.std() < luma.std() * 0.75
    grey = apply_adjustments(frame, Adjustments(saturation=-1.0)).astype(int)
    assert np.abs(grey[:, :, 0] - grey[:, :, 2]).max() <= 1
    vivid = apply_adjustments(frame, Adjustments(saturation=0.8)).astype(int)
    spread = np.ptp(frame.astype(int), axis=2).mean()
    assert np.ptp(vivid, axis=2).mean() > spread * 1.4
    assert np.array_equal(apply_adjustments(frame, Adjustments()), frame)


def test_pop_stretches_a_flat_picture_to_full_contrast(frame) -> None:
    flat = (frame.astype(np.float32) * 0.35 + 90).astype(np.uint8)  # hazy: 90..179
    luma = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
    popped = cv2.cvtColor(apply_adjustments(flat, Adjustments(pop=True)), cv2.COLOR_BGR2GRAY)
    low, high = np.percentile(popped, (1, 99))
    assert low <= 6 and high >= 245  # (the saturation lift moves luma a little)
    assert popped.std() > 2.0 * luma.std()
    uniform = np.full((50, 50, 3), 128, np.uint8)  # nothing to stretch: left alone
    assert np.array_equal(apply_adjustments(uniform, Adjustments(pop=True)), uniform)


def test_render_applies_crop_adjustments_then_title_at_any_size(frame) -> None:
    style = TitleStyle(("Preview",), "top")
    pop = Adjustments(pop=True)
    full = render(frame, "reels", (0.5, 0.5), pop, style, mode="crop")
    small = render(frame, "reels", (0.5, 0.5), pop, style, mode="crop", size=(216, 384))
    assert full.shape == (1920, 1080, 3) and small.shape == (384, 216, 3)
    shrunk = cv2.resize(full, (216, 384), interpolation=cv2.INTER_AREA)
    assert np.abs(shrunk.astype(int) - small.astype(int)).mean() < 6  # same picture, smaller
