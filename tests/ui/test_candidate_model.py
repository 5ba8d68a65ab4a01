"""The candidate list model, with no widget: real candidates from the real pipeline."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QImage

from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.pipeline import pick
from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import PipelineConfig, PipelineResult
from thumbdesk.ui.candidate_model import THUMB_WIDTH, CandidateModel, Roles, bgr_to_qimage

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "moviepy_airplane_fade.mp4"  # 9 s, 640x360, tagged "airplane"


@pytest.fixture(scope="module")
def result(scorer: FrameScorer) -> PipelineResult:
    return pick(SHORT_CLIP, PipelineConfig(), scorer, default_topics())


def test_model_passes_qtmodeltester(qtmodeltester, result: PipelineResult) -> None:
    model = CandidateModel()
    model.set_candidates(result.candidates)
    qtmodeltester.check(model, force_py=True)
    # the tester stays connected and checks every change that follows
    model.set_candidates(result.candidates[:1])
    model.set_candidates(result.candidates[::-1])
    model.clear()
    model.set_candidates(result.candidates)


def test_roles_expose_rank_score_tags_and_images(result: PipelineResult) -> None:
    model = CandidateModel()
    model.set_candidates(result.candidates)
    assert model.rowCount() == len(result.candidates)
    assert model.rowCount(model.index(0, 0)) == 0
    assert any(cand.topics.topics for cand in result.candidates)  # the Tags check has tags
    for row, cand in enumerate(result.candidates):
        index = model.index(row, 0)
        assert index.data(Roles.Candidate) is cand
        assert index.data(Roles.Rank) == row + 1
        assert index.data(Roles.Score) == pytest.approx(cand.score)
        assert index.data(Roles.Tags) == [t.word for t in cand.topics.topics]
        assert index.data(Roles.FrameIndex) == cand.frame.index
        image = index.data(Roles.Image)
        assert isinstance(image, QImage)
        assert (image.width(), image.height()) == cand.frame.image.shape[1::-1]
        thumb = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(thumb, QImage) and thumb.devicePixelRatio() >= 1.0
        # Shares the working frame's pixels, fitted to the card in logical pixels.
        assert thumb.size() == image.size()
        assert thumb.deviceIndependentSize().width() <= THUMB_WIDTH + 0.5
        assert f"#{row + 1}" in index.data(Qt.ItemDataRole.DisplayRole)
    assert model.data(QModelIndex(), Roles.Candidate) is None
    assert model.row_of_frame(result.candidates[-1].frame.index) == len(result.candidates) - 1
    assert model.row_of_frame(-5) == -1
    assert b"thumbnail" in bytes(model.roleNames()[Roles.Thumbnail].data())


def test_images_are_converted_once_and_kept_across_updates(result: PipelineResult) -> None:
    model = CandidateModel()
    model.set_candidates(result.candidates[:1])
    first = model.image(0)
    model.set_candidates(result.candidates)  # a partial update grows the list
    assert model.image(0) is first


def test_bgr_to_qimage_keeps_channel_order() -> None:
    bgr = np.zeros((4, 6, 3), np.uint8)
    bgr[..., 0] = 255  # pure blue in BGR
    image = bgr_to_qimage(bgr)
    assert (image.width(), image.height()) == (6, 4)
    colour = image.pixelColor(2, 2)
    assert (colour.red(), colour.green(), colour.blue()) == (0, 0, 255)
    del bgr  # the QImage owns a copy
    assert image.pixelColor(0, 0).blue() == 255


def test_title_cards_are_called_title_cards(scorer: FrameScorer) -> None:
    """The webm's title cards are flagged as title cards, not as best-effort frames."""
    webm = pick(VIDEOS / "moviepy_big_buck_bunny_0_30.webm", PipelineConfig(), scorer)
    model = CandidateModel()
    model.set_candidates(webm.candidates)
    labels = [model.index(row, 0).data(Roles.Flagged) for row in range(model.rowCount())]
    titles = [c for c in webm.candidates if c.topics.text and c.topics.text.title_card]
    assert titles
    assert labels.count("title card") == len(titles)
    assert all(label in ("", "title card", "best effort") for label in labels)
    tooltip = model.index(labels.index("title card"), 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "title card: text covers" in tooltip and "best effort" not in tooltip


def test_tooltips_say_why_a_clearer_face_was_chosen(scorer: FrameScorer) -> None:
    """The girl close-up's pick replaced a frame of its group where her lids were half down."""
    clip = VIDEOS.parent / "eval" / "clips" / "girl_child_face_closeup.mp4"
    result = pick(clip, PipelineConfig(), scorer, default_topics())
    model = CandidateModel()
    model.set_candidates(result.candidates)
    tip = model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)
    assert result.candidates[0].face_note and result.candidates[0].face_note in tip


def test_tooltips_say_why_a_peak_moment_was_chosen(scorer: FrameScorer) -> None:
    """The jumping clip's in-between moments say so in their tooltips; the peak's does not."""
    clip = VIDEOS.parent / "eval" / "clips" / "girl_boy_jumping_on_bed.mp4"
    result = pick(clip, PipelineConfig(), scorer, default_topics())
    model = CandidateModel()
    model.set_candidates(result.candidates)
    tips = [
        model.data(model.index(row, 0), Qt.ItemDataRole.ToolTipRole)
        for row in range(model.rowCount())
    ]
    flawed = [row for row, c in enumerate(result.candidates) if c.moment_flaw]
    peaks = [row for row, c in enumerate(result.candidates) if not c.moment_flaw]
    assert flawed and peaks
    for row in flawed:
        assert "in-between moment" in tips[row] and result.candidates[row].moment_flaw in tips[row]
    for row in peaks:
        assert "in-between moment" not in tips[row]
