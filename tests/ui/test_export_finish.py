"""The export dialog's finishing tools with a real window and real clips: title, adjustments,
platform previews, safe zones, every size at once, and the export fixes of issue 13."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from thumbdesk.ui.error_dialog import ErrorDialog
from thumbdesk.ui.export_dialog import ExportDialog
from thumbdesk.ui.export_preview import qimage_to_bgr
from thumbdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s, 1280x720
VERTICAL_CLIP = VIDEOS / "vertical_9x16_bbb.mp4"


def _export(qtbot, window: MainWindow, dialog: ExportDialog, button=None) -> object:
    button = button or dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    with qtbot.waitSignal(window.creator.exported, timeout=60_000) as blocker:
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _preview(dialog: ExportDialog) -> np.ndarray:
    result = dialog.view.crop._result
    assert result is not None
    return qimage_to_bgr(result)


def test_cli_export_equals_the_windows_byte_for_byte(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("reels"))
    dialog.title_controls.line1.setText("Bunny")
    dialog.title_controls.line2.setText("goes big")
    dialog.title_controls.position.setCurrentIndex(dialog.title_controls.position.findData("top"))
    dialog.title_controls.fill.set_colour("#ffde00")
    dialog.adjust_controls.pop.setChecked(True)
    dialog.adjust_controls.sliders["saturation"].setValue(20)
    dialog.set_destination(tmp_path / "window.jpg")
    written = _export(qtbot, window, dialog)
    cli_out = tmp_path / "cli.jpg"
    proc = subprocess.run(
        [
            sys.executable, "-m", "thumbdesk", "pick", str(SHORT_CLIP), "-o", str(cli_out),
            "--size", "reels", "--title", "Bunny", "--title", "goes big",
            "--title-position", "top", "--title-colour", "#ffde00", "--pop",
            "--saturation", "0.2", "--device", "cpu",
        ],
        capture_output=True, text=True, timeout=240,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert Path(written).read_bytes() == cli_out.read_bytes()


def test_title_and_adjustments_show_live_and_reset_per_candidate(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    plain = _preview(dialog)
    dialog.title_controls.line1.setText("Look at him")
    qtbot.waitUntil(lambda: not np.array_equal(_preview(dialog), plain), timeout=3000)
    titled = _preview(dialog)
    dialog.adjust_controls.sliders["brightness"].setValue(60)
    qtbot.waitUntil(lambda: _preview(dialog).mean() > titled.mean() + 20, timeout=3000)
    dialog.adjust_controls.reset.click()
    qtbot.waitUntil(lambda: np.array_equal(_preview(dialog), titled), timeout=3000)
    dialog.adjust_controls.sliders["contrast"].setValue(50)
    dialog.reject()

    again = window.creator.export_dialog()  # same candidate: its adjustments and the title are kept
    assert again is not None
    assert again.adjustments().contrast == pytest.approx(0.5)
    assert again.title_style() is not None and again.title_style().lines == ("Look at him",)
    again.reject()
    window.workspace.select_candidate(1)
    other = window.creator.export_dialog()  # another candidate starts from the frame as it is
    assert other is not None
    assert other.adjustments().is_neutral
    assert other.title_style() is not None  # the title belongs to the video
    other.reject()


def test_platform_previews_and_safe_zones(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    strip = dialog.platforms
    card, grid = strip.youtube_card.image, strip.profile_grid.image
    assert card is not None and (card.width(), card.height()) == (320, 180)
    assert grid is not None and (grid.width(), grid.height()) == (216, 384)
    assert strip.phone_card.image is card
    assert strip.youtube_card.duration_s == pytest.approx(5.3, abs=0.2)
    before = dialog.view.crop.grab().toImage()
    dialog.view.zones_box.setChecked(True)
    assert dialog.view.crop.show_zones
    assert dialog.view.crop.grab().toImage() != before
    for mockup in (strip.youtube_card, strip.phone_card, strip.profile_grid):
        assert mockup.isVisible() and not mockup.grab().toImage().isNull()
    dialog.reject()


def test_webp_is_not_offered_for_youtube(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None

    def formats() -> list[str]:
        return [dialog.format_box.itemData(i) for i in range(dialog.format_box.count())]

    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("youtube"))
    assert formats() == ["jpg", "png"]
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("square"))
    assert formats() == ["jpg", "png", "webp"]
    dialog.format_box.setCurrentIndex(2)
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("youtube"))
    assert dialog.fmt() == "jpg" and dialog.dest_edit.text().endswith("_youtube.jpg")
    dialog.reject()


def test_a_failed_export_remembers_nothing(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    window.settings.export_preset, window.settings.export_format = "youtube", "jpg"
    blocker_file = tmp_path / "not_a_folder"
    blocker_file.write_bytes(b"x")
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("square"))
    dialog.set_destination(blocker_file / "thumb.png")
    with qtbot.waitSignal(window.creator.export_failed, timeout=30_000):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert (window.settings.export_preset, window.settings.export_format) == ("youtube", "jpg")
    for shown in QApplication.topLevelWidgets():
        if isinstance(shown, ErrorDialog):
            shown.close()


def test_vertical_clip_gets_reels_not_the_last_square(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("square"))
    dialog.set_destination(tmp_path / "wide.jpg")
    _export(qtbot, window, dialog)
    assert window.settings.export_preset == "square"
    analysed(VERTICAL_CLIP)
    vertical = window.creator.export_dialog()
    assert vertical is not None and vertical.preset() == "reels"
    vertical.reject()


def test_every_size_at_once_from_the_dialog(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.title_controls.line1.setText("All of them")
    dialog.set_destination(tmp_path / "clip_thumb_youtube.jpg")
    old = os.umask(0o022)
    try:
        written = _export(qtbot, window, dialog, dialog.all_button)
    finally:
        os.umask(old)
    assert isinstance(written, list)
    sizes = {}
    for path in written:
        reader = QImageReader(str(path))
        sizes[Path(path).name] = (reader.size().width(), reader.size().height())
        assert Path(path).stat().st_mode & 0o777 == 0o644
    assert sizes == {
        "clip_thumb_youtube.jpg": (1280, 720),
        "clip_thumb_reels.jpg": (1080, 1920),
        "clip_thumb_square.jpg": (1080, 1080),
    }
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == sorted(sizes)


def test_a_title_too_long_to_fit_is_shown_and_blocks_export(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("reels"))
    dialog.title_controls.line1.setText("W" * 60)
    qtbot.waitUntil(lambda: "too long" in dialog.problem(), timeout=3000)
    assert dialog.problem_label.isVisible()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    dialog.title_controls.line1.setText("Short")
    qtbot.waitUntil(lambda: dialog.problem() == "", timeout=3000)
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    dialog.reject()


def test_a_fit_is_previewed_in_the_presets_shape_not_stretched(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.export_dialog()
    assert dialog is not None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("reels"))
    dialog.reframe_box.setCurrentIndex(dialog.reframe_box.findData("fit"))
    dialog.refresh_preview()
    assert dialog.view.crop.crop_rect() is None  # the whole frame is kept, over a blurred fill
    shown = dialog.view.crop._result_rect(dialog.view.crop._image_rect(), True)
    assert shown.width() / shown.height() == pytest.approx(9 / 16, abs=0.01)
    assert shown.height() <= dialog.view.crop.height() + 0.5
    dialog.reject()
