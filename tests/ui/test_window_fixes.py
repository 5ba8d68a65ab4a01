"""Rough edges of the window that screenshots showed: cancel, Recent, text, tooltips, colours.

A real window offscreen, real clips, the real scorer; nothing is mocked.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from thumbdesk.ui import main_window as main_window_module
from thumbdesk.ui.main_window import MainWindow
from thumbdesk.ui.settings import Settings, default_video_folder
from thumbdesk.ui.theme import make_palette

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s
SHORTEST_CLIP = VIDEOS / "moviepy_fire2_dog.mp4"  # 2.4 s
LONG_CLIP = VIDEOS / "moviepy_big_buck_bunny_0_30.webm"  # 30 s: long enough to cancel


def test_cancel_keeps_partial_results_and_offers_to_analyse_again(
    qtbot, window: MainWindow
) -> None:
    with qtbot.waitSignal(window.runner.partial, timeout=60_000):
        window.open_video(str(LONG_CLIP))
    window.activateWindow()
    qtbot.waitActive(window)
    with qtbot.waitSignal(window.runner.cancelled):
        qtbot.keyClick(window, Qt.Key.Key_Escape)
    workspace = window.workspace
    found = workspace.model.rowCount()
    assert found > 0  # the partial results stay
    assert workspace.banner.isVisible() and workspace.banner.cancelled
    assert f"{found} candidate" in workspace.banner.stage.text()
    assert "Looking for" not in workspace.preview.caption.text()
    assert workspace.choice is not None and window.export_action.isEnabled()
    assert window.again_action.isEnabled()
    qtbot.waitUntil(lambda: len(workspace.scrubber.filmstrip.tiles()) > 0, timeout=20_000)
    with qtbot.waitSignal(window.result_ready, timeout=120_000):
        qtbot.mouseClick(workspace.banner.again_button, Qt.MouseButton.LeftButton)
    assert not workspace.banner.isVisible()
    assert window.result is not None and workspace.model.rowCount() > 0


def test_cancel_before_any_candidate_says_so(qtbot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.runner.progress, timeout=30_000):
        window.open_video(str(LONG_CLIP))
    with qtbot.waitSignal(window.runner.cancelled):
        window.cancel_action.trigger()
    workspace = window.workspace
    if workspace.model.rowCount() == 0:
        assert workspace.preview.caption.text() == "Analysis cancelled"
        assert "Analyse again" in workspace.preview.detail.text()
        assert "before any candidate" in workspace.banner.stage.text()
    assert workspace.banner.again_button.isVisible()
    with qtbot.waitSignal(window.result_ready, timeout=120_000):
        window.again_action.trigger()


def _inked_columns(label: QLabel) -> int:
    """How many pixel columns of a rendered label hold text."""
    image = label.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    background = image.pixel(0, 0)
    return sum(
        any(image.pixel(x, y) != background for y in range(image.height()))
        for x in range(image.width())
    )


def test_detail_line_is_plain_text_and_bars_explain_themselves(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    preview = window.workspace.preview
    model = window.workspace.model
    sizes = [model.candidate(r).cluster_size for r in range(model.rowCount())]
    for row, size in enumerate(sizes):
        window.workspace.select_candidate(row)
        text = preview.detail.text()
        if size == 1:
            assert "a shot of its own" in text
        else:
            assert f"shot of {size} similar frames" in text
        assert "1 similar frames" not in text
        assert "(s)" not in text  # "2 face(s)" read as a form, not a sentence
    tip = preview.bars.toolTip()
    assert all(name in tip for name in ("Quality", "Representativeness", "Popularity"))
    assert "% of the score" in tip
    # a reason with "<" in it is shown whole, not read as the start of a tag
    image = window.workspace.choice.image
    preview.resize(900, preview.height())
    preview.show_frame(image, "x", "best effort (dark: mean luma 3.0 < 20)")
    whole = _inked_columns(preview.detail)
    preview.show_frame(image, "x", "best effort (dark: mean luma 3.0")
    assert preview.detail.text().startswith("best effort")
    assert whole > _inked_columns(preview.detail) + 10


def test_the_summary_counts_one_candidate_in_the_singular(qtbot, analysed) -> None:
    """A one-shot clip has one candidate: the header said "1 candidates from 43 frames"."""
    window = analysed(SHORT_CLIP)
    result = window.session.result
    assert result is not None and len(result.candidates) > 1
    assert f"{len(result.candidates)} candidates from" in window.workspace.summary.text()
    window.workspace.set_result(replace(result, candidates=result.candidates[:1]))
    assert window.workspace.summary.text().startswith("1 candidate from ")


def test_recent_links_follow_the_colour_scheme(qtbot, fresh_settings: Settings, scorer) -> None:
    fresh_settings.add_recent_file(str(SHORT_CLIP))
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    style, palette = app.style().name(), app.palette()
    win = MainWindow(fresh_settings, load_model=False, scorer=scorer)
    qtbot.addWidget(win)
    win.show()
    try:
        for scheme, dark in (("dark", True), ("light", False), ("dark", True)):
            win.set_theme(scheme)
            QApplication.processEvents()
            links = win.start_screen.recent_buttons()
            assert [b.text() for b in links] == [SHORT_CLIP.name]
            link = make_palette(dark).color(QPalette.ColorRole.Link)
            assert links[0].palette().color(QPalette.ColorRole.ButtonText) == link
    finally:
        win.close()
        app.setStyle(style)
        app.setPalette(palette)


def _directory_of_next_open_dialog() -> list[str]:
    seen: list[str] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            seen.append(dialog.directory().absolutePath())
            dialog.reject()
        else:
            QTimer.singleShot(20, look)

    QTimer.singleShot(20, look)
    return seen


def test_sample_clip_stays_out_of_recent_and_of_the_open_folder(
    qtbot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app_folder = tmp_path / "app" / "sample"
    app_folder.mkdir(parents=True)
    sample = app_folder / "bigbuckbunny.mp4"
    shutil.copy(SHORT_CLIP, sample)
    monkeypatch.setattr(main_window_module, "sample_clip", lambda: sample)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_sample()
    assert window.settings.recent_files() == []
    seen = _directory_of_next_open_dialog()
    window.open_dialog()
    assert seen == [str(Path(default_video_folder()).resolve())]
    # after a real video, File > Open starts in that video's folder
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_video(str(SHORTEST_CLIP))
    seen = _directory_of_next_open_dialog()
    window.open_dialog()
    assert seen == [str(SHORTEST_CLIP.resolve().parent)]
    assert window.settings.recent_files() == [str(SHORTEST_CLIP.resolve())]


def test_the_face_bar_shows_only_where_the_face_term_weighs(qtbot, core_results) -> None:
    """A clip where no candidate shows a face scores on three terms: no "Face 0.00 x0%" row."""
    from thumbdesk.core.rank import rescored
    from thumbdesk.core.types import FrameTopics, PipelineConfig
    from thumbdesk.ui.preview import ScoreBars

    base = core_results("bigbuckbunny.mp4").candidates[0]
    face = FrameTopics(popularity=0.5, faces=1, face_quality=0.6, face_appeal=0.8)
    (with_face,) = rescored([replace(base, topics=face)], PipelineConfig())
    (without,) = rescored([replace(base, topics=FrameTopics(popularity=0.5))], PipelineConfig())
    bars = ScoreBars()
    qtbot.addWidget(bars)
    bars.set_breakdown(with_face.breakdown)
    assert bars.names() == ("Quality", "Representativeness", "Popularity", "Face")
    assert "Face 0.80" in bars.toolTip()
    four_rows = bars.sizeHint().height()
    bars.set_breakdown(without.breakdown)
    assert bars.names() == ("Quality", "Representativeness", "Popularity")
    assert "Face" not in bars.toolTip()
    assert bars.sizeHint().height() < four_rows
