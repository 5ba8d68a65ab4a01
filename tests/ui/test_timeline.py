"""The timeline: filmstrip, click-to-seek, "Use this frame" keys, and what Export acts on.

A real window offscreen, real clips, the real scorer; nothing is mocked.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from thumbdesk.core.decode import read_frame
from thumbdesk.ui.export_dialog import ExportDialog
from thumbdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s
BROKEN = b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 500


def _ready(qtbot, window: MainWindow) -> None:
    scrubber = window.workspace.scrubber
    qtbot.waitUntil(scrubber.isEnabled, timeout=10_000)
    qtbot.waitUntil(lambda: len(scrubber.filmstrip.tiles()) > 0, timeout=20_000)


def _non_candidate_frame(window: MainWindow, fraction: float) -> int:
    """A frame near ``fraction`` of the clip that no candidate sits on."""
    slider = window.workspace.scrubber.slider
    taken = {c.frame.index for c in window.workspace.model.candidates()}
    frame = round(fraction * slider.maximum())
    while frame in taken:
        frame += 1
    return frame


def _decoded(window: MainWindow, frame: int) -> bool:
    current = window.workspace.scrubber.current_frame()
    return current is not None and current[0] == frame


def test_filmstrip_spans_the_clip_with_candidate_marks(qtbot, window: MainWindow) -> None:
    strip = window.workspace.scrubber.filmstrip
    during: list[int] = []  # tiles shown at each progress event: none beside the analysis
    window.runner.progress.connect(lambda *_: during.append(len(strip.tiles())))
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        window.open_video(str(SHORT_CLIP))
    assert during and set(during) == {0}
    _ready(qtbot, window)
    scrubber = window.workspace.scrubber
    tiles = scrubber.filmstrip.tiles()
    last = scrubber.slider.maximum()
    indexes = [index for index, _ in tiles]
    assert len(tiles) >= 12 and indexes == sorted(indexes)
    assert indexes[0] < 0.1 * last and indexes[-1] > 0.9 * last
    assert all(not image.isNull() and image.height() <= 160 for _, image in tiles)
    # different moments of the clip, not one frame repeated
    first, middle = tiles[0][1], tiles[len(tiles) // 2][1]
    assert first != middle
    frames = [c.frame.index for c in window.workspace.model.candidates()]
    assert scrubber.markers() == scrubber.filmstrip.markers() == (frames, frames[0])
    # the strip lines up with the slider: the top pick's mark sits over the slider's handle
    scrubber.show_position(frames[0])
    handle_x = scrubber.slider.mapTo(scrubber, QPoint(0, 0)).x()
    strip_x = scrubber.filmstrip.mapTo(scrubber, QPoint(0, 0)).x()
    from thumbdesk.ui.filmstrip import slider_x

    assert scrubber.filmstrip.x_of(frames[0]) + strip_x == pytest.approx(
        slider_x(scrubber.slider, frames[0]) + handle_x, abs=1
    )


def test_click_on_the_filmstrip_seeks_there_and_export_uses_that_frame(
    qtbot, analysed, tmp_path: Path
) -> None:
    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    scrubber, workspace = window.workspace.scrubber, window.workspace
    target = _non_candidate_frame(window, 0.7)
    x = round(scrubber.filmstrip.x_of(target))
    qtbot.mouseClick(scrubber.filmstrip, Qt.MouseButton.LeftButton, pos=QPoint(x, 20))
    clicked = scrubber.slider.value()
    assert abs(clicked - target) <= 1
    qtbot.waitUntil(
        lambda: workspace.choice is not None and workspace.choice.frame_index == clicked,
        timeout=10_000,
    )
    choice = workspace.choice
    assert choice is not None and choice.candidate is None
    # the frame on screen is what Export acts on: the button and Ctrl+S are live
    assert workspace.preview.export_button.isEnabled() and window.export_action.isEnabled()
    assert workspace.grid.selectionModel().selectedIndexes() == []
    window.export_action.trigger()  # Ctrl+S
    dialogs = [d for d in window.findChildren(ExportDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("original"))
    dest = tmp_path / "on_screen.png"
    dialog.set_destination(dest)
    with qtbot.waitSignal(window.creator.exported, timeout=30_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    times = window.result.frame_times_s if window.result else ()
    expected = read_frame(SHORT_CLIP, clicked, times or None)
    written = cv2.imread(str(dest), cv2.IMREAD_COLOR)
    assert written is not None and np.array_equal(written, expected)


def test_clicking_the_highlighted_card_after_scrubbing_chooses_it_again(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    workspace = window.workspace
    grid, model = workspace.grid, workspace.model
    assert workspace.choice is not None and workspace.choice.candidate is model.candidate(0)
    target = _non_candidate_frame(window, 0.4)
    workspace.scrubber.seek(target)
    qtbot.waitUntil(
        lambda: workspace.choice is not None and workspace.choice.frame_index == target,
        timeout=10_000,
    )
    assert workspace.preview.caption.text().startswith(f"Frame {target}")
    rect = grid.visualRect(model.index(0, 0))
    with qtbot.waitSignal(workspace.choice_changed):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert workspace.choice is not None and workspace.choice.candidate is model.candidate(0)
    assert workspace.preview.caption.text().startswith("Top pick")
    assert workspace.preview.export_button.isEnabled() and window.export_action.isEnabled()
    assert workspace.scrubber.slider.value() == model.candidate(0).frame.index


def test_click_on_the_groove_jumps_there(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    slider = window.workspace.scrubber.slider
    from thumbdesk.ui.filmstrip import slider_x

    target = round(0.8 * slider.maximum())
    slider.setValue(0)
    qtbot.mouseClick(
        slider,
        Qt.MouseButton.LeftButton,
        pos=QPoint(round(slider_x(slider, target)), slider.height() // 2),
    )
    assert abs(slider.value() - target) <= 1  # not one page step towards it


def test_use_this_frame_keys(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    workspace, scrubber = window.workspace, window.workspace.scrubber
    # the handle sits on a frame that is not decoded yet (as after clicking a card)
    target = _non_candidate_frame(window, 0.3)
    scrubber.show_position(target)
    window.activateWindow()
    qtbot.waitActive(window)
    qtbot.keyClick(window, Qt.Key.Key_U)
    qtbot.waitUntil(
        lambda: workspace.choice is not None and workspace.choice.frame_index == target,
        timeout=10_000,
    )
    choice = workspace.choice
    assert choice is not None and choice.candidate is None and choice.full_res is not None
    times = window.result.frame_times_s if window.result else ()
    assert np.array_equal(choice.full_res, read_frame(SHORT_CLIP, target, times or None))
    # Enter on the slider uses the frame under the handle too
    second = _non_candidate_frame(window, 0.6)
    scrubber.show_position(second)
    scrubber.slider.setFocus()
    with qtbot.waitSignal(scrubber.use_frame) as blocker:
        qtbot.keyClick(scrubber.slider, Qt.Key.Key_Return)
    assert blocker.args == [second]
    qtbot.waitUntil(lambda: _decoded(window, second), timeout=10_000)
    qtbot.waitUntil(
        lambda: workspace.choice is not None and workspace.choice.frame_index == second,
        timeout=10_000,
    )
    edit_menu = window.menuBar().actions()[1].menu()
    assert scrubber.use_action in edit_menu.actions()


def test_a_new_video_and_a_failed_open_clear_the_timeline(
    qtbot, analysed, drop, tmp_path: Path
) -> None:
    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    scrubber = window.workspace.scrubber
    assert scrubber.slider.maximum() > 0 and scrubber.markers()[0]
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(BROKEN)
    with qtbot.waitSignal(window.runner.failed, timeout=30_000):
        drop(window, bad)
        # at once, while the new file is looked at: nothing of the previous video is left
        assert scrubber.slider.maximum() == 0 and scrubber.slider.value() == 0
        assert scrubber.markers() == ([], None)
        assert scrubber.filmstrip.tiles() == [] and scrubber.filmstrip.markers() == ([], None)
        assert window.workspace.model.rowCount() == 0
    qtbot.wait(300)  # the old video's filmstrip or reader must not come back late
    assert scrubber.slider.maximum() == 0 and scrubber.markers() == ([], None)
    assert scrubber.filmstrip.tiles() == []
    from PySide6.QtWidgets import QApplication

    from thumbdesk.ui.error_dialog import ErrorDialog

    for dialog in QApplication.topLevelWidgets():
        if isinstance(dialog, ErrorDialog):
            dialog.close()
    # the file that failed is not a recent video; the real one stays on the start screen
    assert window.settings.recent_files() == [str(SHORT_CLIP.resolve())]
    assert [b.text() for b in window.start_screen.recent_buttons()] == [SHORT_CLIP.name]


def test_a_rejected_frame_on_the_timeline_says_why(qtbot, analysed) -> None:
    from thumbdesk.ui.workspace import REASONS

    window = analysed(SHORT_CLIP)
    _ready(qtbot, window)
    assert window.result is not None and window.result.rejected
    rejection = window.result.rejected[len(window.result.rejected) // 2]
    workspace = window.workspace
    workspace.scrubber.seek(rejection.frame_index)
    qtbot.waitUntil(
        lambda: (
            workspace.choice is not None and workspace.choice.frame_index == rejection.frame_index
        ),
        timeout=10_000,
    )
    detail = workspace.preview.detail.text()
    assert detail.startswith(f"Left out: {REASONS.get(rejection.reason, rejection.reason)}")
    assert rejection.detail in detail
    assert window.export_action.isEnabled()  # chosen all the same
