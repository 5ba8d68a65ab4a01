"""Burnt-in text on real frames: captions, title cards and watermarks found and ranked down."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest

from thumbdesk.core import rank
from thumbdesk.core.decode import to_working_size
from thumbdesk.core.pipeline import pick
from thumbdesk.core.report import build_report, report_schema
from thumbdesk.core.topics import load_topics
from thumbdesk.core.types import PipelineConfig, TextFound
from thumbdesk.ml import load_scorer
from thumbdesk.ml.text import BATCH, TextDetector, text_found

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT / ".." / "shared" / "videos"
EVAL = ROOT / ".." / "shared" / "eval"
WEBM = VIDEOS / "moviepy_big_buck_bunny_0_30.webm"


def frames_at(path: Path, times_s: list[float]) -> list[np.ndarray]:
    """The frames shown at ``times_s`` (decoded in order, as the pipeline does), working size."""
    cap = cv2.VideoCapture(str(path))
    wanted = sorted(times_s)
    found: dict[float, np.ndarray] = {}
    while wanted:
        ok, img = cap.read()
        assert ok, f"{path.name} ends before {wanted[0]} s"
        now = cap.get(cv2.CAP_PROP_POS_MSEC) / 1000.0
        while wanted and now >= wanted[0]:
            found[wanted.pop(0)] = to_working_size(img, 480)
    cap.release()
    return [found[t] for t in times_s]


@pytest.fixture(scope="module")
def detector() -> TextDetector:
    return TextDetector()


@pytest.fixture(scope="module")
def webm_result():
    return pick(WEBM, scorer=load_scorer("cpu"), topics=load_topics(None, preset="general"))


def test_the_title_card_is_text_and_the_pictures_are_not(detector):
    # 26.5 s: "Big Buck Bunny" over the meadow; 22.5 s: "The Peach Open Movie Project
    # presents" on a sky; 5.75 / 10.5 / 12.0 s: a pink sky, the meadow, the brook (no text).
    title, presents, *plain = frames_at(WEBM, [26.5, 22.5, 5.75, 10.5, 12.0])
    reading = detector.read(title)
    assert reading.share >= 0.15  # measured 0.215
    box = reading.boxes[0]
    assert 0.2 < box[0] + box[2] / 2 < 0.8 and box[2] > 0.35  # the title, in the middle
    assert text_found(reading, has_subject=False).title_card
    assert text_found(reading, has_subject=True).title_card  # that much text is a title card
    presents_reading = detector.read(presents)
    assert 0.04 <= presents_reading.share < 0.15  # measured 0.066 (two lines)
    assert text_found(presents_reading, has_subject=False).title_card
    assert not text_found(presents_reading, has_subject=True).title_card
    for image in plain:
        assert detector.read(image).boxes == ()


def burn_caption(image: np.ndarray) -> np.ndarray:
    """A caption as editors burn them in: two centred lines, white with a black outline."""
    captioned = image.copy()
    height, width = captioned.shape[:2]
    scale = width / 480
    for row, line in enumerate(("WAIT FOR IT", "the best bunny ever")):
        size = cv2.getTextSize(line, cv2.FONT_HERSHEY_DUPLEX, scale, 2)[0]
        origin = ((width - size[0]) // 2, int(height * 0.80) + row * round(34 * scale))
        font = cv2.FONT_HERSHEY_DUPLEX
        cv2.putText(captioned, line, origin, font, scale, (0, 0, 0), round(6 * scale))
        cv2.putText(captioned, line, origin, font, scale, (255, 255, 255), round(2 * scale))
    return captioned


def test_an_intertitle_on_a_plain_background_is_a_title_card(detector):
    # A chapter card as editors make them: two centred lines on a dark gradient.
    ramp = np.linspace(20, 70, 270, dtype=np.float32)[:, None, None]
    card = np.broadcast_to(ramp * np.array([1.0, 0.6, 0.3]), (270, 480, 3)).astype(np.uint8)
    card = np.ascontiguousarray(card)
    font = cv2.FONT_HERSHEY_DUPLEX
    for text, scale, y in (("CHAPTER ONE", 0.9, 125), ("the journey begins", 0.55, 160)):
        size = cv2.getTextSize(text, font, scale, 2)[0]
        cv2.putText(card, text, ((480 - size[0]) // 2, y), font, scale, (240,) * 3, 2)
    reading = detector.read(card)
    assert len(reading.boxes) == 2 and reading.corner_share == 0.0
    assert reading.share < 0.15  # not by its size: by the plain background
    found = text_found(reading, has_subject=False)
    assert found is not None and found.title_card


def test_an_app_s_end_card_is_a_title_card(detector):
    # The card a TikTok download closes on: the app's name over a bar on a bare dark screen,
    # 2-3% of the picture; a caption over a real scene (edges 0.024 and more) stays a caption.
    card = np.full((480, 270, 3), (30, 18, 16), np.uint8)
    font = cv2.FONT_HERSHEY_DUPLEX
    size = cv2.getTextSize("TikTok", font, 0.8, 2)[0]
    cv2.putText(card, "TikTok", ((270 - size[0]) // 2, 190), font, 0.8, (245, 245, 245), 2)
    cv2.rectangle(card, (60, 250), (210, 268), (245, 245, 245), -1)
    reading = detector.read(card)
    assert reading.share < 0.04  # under TITLE_SHARE_PLAIN: by the bare background
    found = text_found(reading, has_subject=False)
    assert found is not None and found.title_card
    assert not text_found(replace(reading, background_edges=0.03), has_subject=False).title_card
    assert not text_found(reading, has_subject=True).title_card


def test_a_burnt_in_caption_is_found_and_costs_its_frame_the_pick(webm_result):
    (meadow,) = frames_at(WEBM, [10.5])
    captioned = burn_caption(meadow)
    scorer = load_scorer("cpu")
    topics = load_topics(None, preset="general")
    bare = scorer.evidence([meadow, captioned])
    assert all(scorer.score_topics(e, topics).text is None for e in bare)  # read apart
    plain_ev, caption_ev = scorer.with_text(bare, [meadow, captioned])
    plain_topics = scorer.score_topics(plain_ev, topics)
    caption_topics = scorer.score_topics(caption_ev, topics)
    assert plain_topics.text == TextFound()
    text = caption_topics.text
    assert text is not None and not text.title_card
    assert 0.03 <= text.share <= 0.2 and text.corner_share == 0.0
    assert all(y >= 0.65 for _, y, _, _ in text.boxes)  # found where it was drawn
    assert rank.text_penalty(text) >= 0.06
    # The same frame with and without the caption: the caption-free one ranks first.
    config = PipelineConfig()
    base = webm_result.candidates[0]
    pair = [
        replace(base, topics=plain_topics, flagged=False),
        replace(base, topics=caption_topics, flagged=False),
    ]
    ranked = rank.ranked(rank.rescored(pair, config))
    assert ranked[0].topics.text == TextFound() and ranked[0].score > ranked[1].score


def captioned_clip(path: Path, start_s: float, end_s: float) -> Path:
    """Big Buck Bunny (640x360) with a caption burnt in from ``start_s`` to ``end_s``."""
    cap = cv2.VideoCapture(str(VIDEOS / "bigbuckbunny.mp4"))
    fps = cap.get(cv2.CAP_PROP_FPS)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (640, 360))
    index = 0
    while True:
        ok, img = cap.read()
        if not ok:
            break
        img = cv2.resize(img, (640, 360), interpolation=cv2.INTER_AREA)
        writer.write(burn_caption(img) if start_s <= index / fps < end_s else img)
        index += 1
    cap.release()
    writer.release()
    return path


def test_the_pick_leaves_a_captioned_moment_for_a_clean_one(tmp_path):
    # Captioned from 2.6 s to the end. The group of near-duplicates around 1.7-5 s is then
    # represented by a captioned frame (2.8 s: text is sharp, it lifts the frame's measured
    # quality), which was the pick; the group's clean frames from before 2.6 s take its place.
    path = captioned_clip(tmp_path / "captioned.mp4", 2.6, 99.0)
    result = pick(path, scorer=load_scorer("cpu"), topics=load_topics(None, preset="general"))
    best = result.candidates[0]
    assert best.topics.text == TextFound() and best.frame.time_s < 2.6
    swapped = [r for r in result.rejected if "has less burnt-in text" in r.detail]
    assert swapped and all(r.time_s >= 2.6 for r in swapped)


def test_a_caption_for_a_moment_gives_way_to_the_same_picture_without_it(tmp_path):
    # Captioned from 2.0 to 3.6 s, in the middle of a group: frames before and after are
    # the same picture without the caption.
    path = captioned_clip(tmp_path / "moment.mp4", 2.0, 3.6)
    result = pick(path, scorer=load_scorer("cpu"), topics=load_topics(None, preset="general"))
    assert all(c.topics.text == TextFound() for c in result.candidates)
    swapped = [r for r in result.rejected if "burnt-in text" in r.detail]
    assert swapped and all(2.0 <= r.time_s < 3.6 for r in swapped)
    assert all("has less burnt-in text" in r.detail for r in swapped)
    frames = {c.frame.index for c in result.candidates}
    assert frames.isdisjoint(r.frame_index for r in result.rejected)


def test_a_small_caption_on_a_vertical_frame_is_found(detector):
    # One line 12 px high on a 270x480 frame (2.5% of its height), as subtitles on a 9:16 clip.
    (frame,) = frames_at(VIDEOS / "vertical_9x16_bbb.mp4", [5.75])
    height, width = frame.shape[:2]
    assert detector.read(frame).boxes == ()
    line, font = "the best bunny", cv2.FONT_HERSHEY_DUPLEX
    size = cv2.getTextSize(line, font, 0.5, 1)[0]
    assert size[1] <= 0.026 * height
    origin = ((width - size[0]) // 2, int(height * 0.8))
    cv2.putText(frame, line, origin, font, 0.5, (0, 0, 0), 2)
    cv2.putText(frame, line, origin, font, 0.5, (255, 255, 255), 1)
    reading = detector.read(frame)
    assert reading.boxes and reading.boxes[0][1] > 0.7


def test_frames_read_in_batches_read_as_they_do_alone(detector):
    # The title, the credit, plain pictures and a portrait frame in one call: frames of one
    # input size share a model run (BATCH at a time), and each gets its own map and reading.
    landscape = frames_at(WEBM, [26.5, 22.5, 5.75, 10.5, 12.0, 20.0])
    (portrait,) = frames_at(VIDEOS / "vertical_9x16_bbb.mp4", [5.75])
    images = [*landscape[:3], portrait, *landscape[3:]]
    assert len(landscape) > BATCH
    alone = [detector.probability(image) for image in images]
    for one, together in zip(alone, detector.probabilities(images), strict=True):
        assert together.shape == one.shape
        assert np.array_equal(together, one)
    assert detector.read_many(images) == [detector.read(image) for image in images]
    assert detector.read_many(images)[0].share >= 0.15  # the title is still found


def test_stripes_are_not_text(detector):
    # The vents of a hand mixer: rows of slots the detector's map calls text (score 0.95).
    for image in frames_at(EVAL / "clips" / "cake_batter_mixer.mp4", [2.5, 3.0, 4.3, 4.53, 5.0]):
        assert detector.read(image).boxes == ()


def test_a_watermark_in_a_corner_costs_little(detector):
    # clideo.com, bottom right, on every frame of this eval clip.
    cap = cv2.VideoCapture(str(EVAL / "clips" / "baby_reading_book_glasses.mp4"))
    ok, img = cap.read()
    cap.release()
    assert ok
    reading = detector.read(to_working_size(img, 480))
    assert reading.boxes
    x, y, _, _ = reading.boxes[0]
    assert x > 0.5 and y > 0.7
    assert reading.corner_share == pytest.approx(reading.share)
    found = text_found(reading, has_subject=False)
    assert found is not None and not found.title_card
    assert 0.0 < rank.text_penalty(found) <= 0.03


def test_title_cards_are_flagged_and_ranked_after_every_picture(webm_result):
    candidates = webm_result.candidates
    titles = [c for c in candidates if c.topics.text is not None and c.topics.text.title_card]
    # The clip ends on its title over the meadow; the opening credit sits on a sky.
    assert any(c.frame.time_s >= 24.0 for c in titles), [c.frame.time_s for c in candidates]
    assert all(c.flagged and c.flag_reason.startswith("title card") for c in titles)
    last_picture = max(c.rank for c in candidates if not c.flagged)
    assert all(c.rank > last_picture for c in titles)
    assert not any(c in titles for c in candidates[:5])
    assert not any(c.topics.text is None for c in candidates)  # text looked for on each


def test_the_report_records_the_text_of_every_candidate(webm_result):
    report = build_report(webm_result)
    jsonschema.validate(report, report_schema())
    entries = report["candidates"]
    assert all("text" in e for e in entries)
    titles = [e for e in entries if "text" in e and e["text"]["title_card"]]
    assert titles and all(e["flagged"] and e["text"]["boxes"] for e in titles)
    assert max(e["text"]["share"] for e in titles) >= 0.15
    assert all(
        e["score_terms"]["text_penalty"] == 0.0
        for e in entries
        if "text" in e and not e["text"]["boxes"]
    )
