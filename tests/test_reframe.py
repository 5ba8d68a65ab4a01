"""Bars found per clip, subject-aware reframing and the export/report that use them."""

from __future__ import annotations

import cv2
import numpy as np

from tests.conftest import clip
from thumbdesk.core import bars, reframe
from thumbdesk.core.decode import read_frame
from thumbdesk.core.export import plan_export, render


def test_sintel_bars_are_found_and_cut_from_candidates(core_results):
    result = core_results("moviepy_sintel_fog.mp4")
    x, y, w, h = result.picture_box
    # 854x480 with 58 px bars top and bottom (measured on the decoded frames).
    assert x == 0 and w == 1.0
    assert abs(y * 480 - 58) <= 2 and abs((1 - y - h) * 480 - 58) <= 2
    for candidate in result.candidates:
        image = candidate.frame.image
        assert image[:3].mean() > 40 and image[-3:].mean() > 40  # no black rows left
    full = read_frame(clip("moviepy_sintel_fog.mp4"), result.candidates[0].frame.index)
    out = render(full, "original", picture_box=result.picture_box)
    assert out.shape[0] in range(362, 367) and out[:2].mean() > 40
    assert core_results("bikes.mp4").picture_box == bars.FULL_PICTURE


def test_a_dark_band_on_one_side_is_the_scene_not_a_bar(core_results):
    """Bars come in pairs: a dark stage floor or a ceiling alone is kept in the picture."""
    from thumbdesk.core.quality import measure

    frames = [c.frame.image for c in core_results("bikes.mp4").candidates[:5]]
    height, width = frames[0].shape[:2]
    band = height // 5

    def framed(image: np.ndarray, top: int, bottom: int, side: int = 0) -> np.ndarray:
        out = np.zeros((height + top + bottom, width + side, 3), np.uint8)
        out[top : top + height, side:] = image
        return out

    def box(top: int, bottom: int, side: int = 0) -> tuple[float, float, float, float]:
        metrics = [measure(framed(f, top, bottom, side)) for f in frames]
        return bars.picture_box(metrics, (width + side, height + top + bottom), 30.0)

    assert box(band, 0) == bars.FULL_PICTURE  # a dark ceiling above the picture
    assert box(0, 0, side=band) == bars.FULL_PICTURE  # a dark wall on the left
    x, y, w, h = box(band, band)  # a letterbox
    assert x == 0.0 and w == 1.0 and h < 1.0 and y * (height + 2 * band) >= band - 1


def test_crop_keeps_the_subject_and_fit_when_it_cannot():
    size = (1920, 1080)
    subject = (0.75, 0.3, 0.1, 0.3)  # a face on the right
    planned = reframe.plan(size, (1080, 1920), [subject])
    assert planned.mode == "crop"
    x, _, w, h = planned.box
    assert x <= 0.75 * 1920 and x + w >= 0.85 * 1920 and h == 1080
    # Two people far apart cannot both fit a tall crop: fit the whole frame instead.
    both = reframe.plan(size, (1080, 1920), [(0.05, 0.3, 0.1, 0.3), (0.85, 0.3, 0.1, 0.3)])
    assert both.mode == "fit" and both.box == (0, 0, 1920, 1080)
    # A 640 px wide frame cropped to 1080x1920 would be scaled up 7x: fit.
    assert reframe.plan((640, 360), (1080, 1920), [subject]).mode == "fit"
    # The same shape is only scaled.
    assert reframe.plan(size, (1280, 720)).mode == "none"
    # A forced crop is a crop.
    assert reframe.plan((640, 360), (1080, 1920), [], mode="crop").mode == "crop"


def test_fit_shows_the_whole_picture_over_a_blurred_fill():
    image = np.zeros((360, 640, 3), np.uint8)
    image[:, :320] = (0, 0, 255)
    image[:, 320:] = (255, 0, 0)
    planned = reframe.plan((640, 360), (540, 960), mode="fit")
    out = reframe.render(image, planned, (540, 960))
    assert out.shape == (960, 540, 3)
    middle = out[480]
    assert middle[5, 2] > 200 and middle[-5, 0] > 200  # both halves of the picture are there
    assert out[50].mean() < out[480].mean()  # the fill is darker than the picture


def test_export_plan_is_in_full_frame_pixels_with_bars():
    box = (0.0, 0.12, 1.0, 0.76)
    planned = plan_export((1920, 1080), "square", picture_box=box, subjects=[(0.4, 0.3, 0.2, 0.4)])
    _, y, w, h = planned.box
    assert planned.mode == "crop" and w == h and abs(h - 0.76 * 1080) <= 1
    assert abs(y - 0.12 * 1080) <= 1


def test_salient_box_finds_an_object_off_centre():
    image = np.full((360, 640, 3), 90, np.uint8)
    cv2.circle(image, (520, 180), 40, (250, 250, 250), -1)
    box = reframe.salient_box(image)
    assert box is not None
    cx = box[0] + box[2] / 2
    assert cx > 0.65
