"""Export from the window: exact preset sizes and formats, no silent overwrite, clean failure."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from thumbdesk.core import export as core_export
from thumbdesk.ui.error_dialog import ErrorDialog
from thumbdesk.ui.export_dialog import ExportDialog
from thumbdesk.ui.main_window import MainWindow

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s


def _export_button(dialog: ExportDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def _open_dialog(window: MainWindow, preset: str, dest: Path) -> ExportDialog:
    dialog = window.creator.export_dialog()
    assert dialog is not None and dialog.isVisible()
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData(preset))
    dialog.set_destination(dest)
    return dialog


@pytest.mark.parametrize(
    ("preset", "ext", "size", "qt_format"),
    [
        ("youtube", "jpg", (1280, 720), b"jpeg"),
        ("reels", "png", (1080, 1920), b"png"),
        ("square", "webp", (1080, 1080), b"webp"),
        ("original", "png", (1280, 720), b"png"),
    ],
)
def test_export_writes_the_presets_exact_size_and_format(
    qtbot, analysed, tmp_path: Path, preset: str, ext: str, size: tuple[int, int], qt_format: bytes
) -> None:
    window = analysed(SHORT_CLIP)
    dest = tmp_path / f"thumb.{ext}"
    dialog = _open_dialog(window, preset, dest)
    with qtbot.waitSignal(window.creator.exported, timeout=30_000) as blocker:
        qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    written = Path(blocker.args[0])
    assert written == dest and dest.is_file()
    reader = QImageReader(str(dest))
    assert reader.format() == qt_format
    assert (reader.size().width(), reader.size().height()) == size
    if preset == "youtube":
        assert dest.stat().st_size < 2 * 1024 * 1024
    assert window.settings.export_preset == preset
    assert window.settings.export_format == ext
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [dest.name]


def test_export_refuses_to_overwrite_without_confirmation(
    qtbot, analysed, answer_message_box, tmp_path: Path
) -> None:
    window = analysed(SHORT_CLIP)
    dest = tmp_path / "existing.jpg"
    dest.write_bytes(b"keep me")
    dialog = _open_dialog(window, "youtube", dest)
    asked = answer_message_box(QMessageBox.StandardButton.No)
    qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    assert asked and "existing.jpg" in asked[0]
    assert dialog.isVisible()  # still open: the creator can pick another name
    assert dest.read_bytes() == b"keep me"

    answer_message_box(QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(window.creator.exported, timeout=30_000):
        qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    assert QImageReader(str(dest)).size().width() == 1280


def _errors_shown() -> list[ErrorDialog]:
    return [
        w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()
    ]


def test_export_into_a_path_that_is_not_a_folder_fails_cleanly(
    qtbot, analysed, tmp_path: Path
) -> None:
    # Tests run as root, which ignores chmod; a parent that is a file fails for root too.
    blocker_file = tmp_path / "not_a_folder"
    blocker_file.write_bytes(b"x")
    window = analysed(SHORT_CLIP)
    dialog = _open_dialog(window, "youtube", blocker_file / "thumb.jpg")
    with qtbot.waitSignal(window.creator.export_failed, timeout=30_000) as blocker:
        qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    assert "not_a_folder" in blocker.args[0]
    assert [p.name for p in tmp_path.iterdir() if p.is_file()] == ["not_a_folder"]
    shown = _errors_shown()
    assert shown and "Export failed" in shown[-1].windowTitle()
    for dialog_ in shown:
        dialog_.close()


def test_export_to_a_read_only_folder_leaves_nothing_behind(
    qtbot, analysed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = analysed(SHORT_CLIP)
    out = tmp_path / "readonly"
    out.mkdir()
    out.chmod(0o555)
    if os.geteuid() == 0:
        # root writes into a 0o555 folder anyway, so make the final rename fail as a
        # read-only folder would (EACCES), after the temp file exists: the real cleanup path.
        def refuse(*_args: object, **_kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")

        monkeypatch.setattr(core_export.os, "link", refuse)
        monkeypatch.setattr(core_export.os, "replace", refuse)
    dialog = _open_dialog(window, "square", out / "thumb.png")
    with qtbot.waitSignal(window.creator.export_failed, timeout=30_000) as blocker:
        qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    monkeypatch.undo()
    out.chmod(0o755)
    assert "read-only" in blocker.args[0] or "permission" in blocker.args[0].lower()
    assert list(out.iterdir()) == []
    for dialog_ in _errors_shown():
        dialog_.close()


def test_copy_to_clipboard_is_full_resolution(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    clipboard = QApplication.clipboard()
    clipboard.clear()
    window.copy_action.trigger()
    qtbot.waitUntil(lambda: not clipboard.image().isNull(), timeout=10_000)
    assert (clipboard.image().width(), clipboard.image().height()) == (1280, 720)


def test_crop_defaults_to_the_subject_and_can_move(qtbot, analysed) -> None:
    from thumbdesk.core.export import plan_export
    from thumbdesk.core.reframe import default_centre, subjects_of

    window = analysed(SHORT_CLIP)  # 1280x720
    choice = window.workspace.choice
    assert choice is not None and choice.candidate is not None
    dialog = window.creator.export_dialog()
    assert dialog is not None
    crop = dialog.view.crop
    subjects, centre = subjects_of(choice.candidate), default_centre(choice.candidate)
    # Square: a 1.5x crop. The outline shows the automatic reframe, as the export does it.
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("square"))
    dialog.refresh_preview()
    planned = plan_export((1280, 720), "square", centre, subjects=subjects)
    assert planned.mode == "crop" and crop.crop_rect() is not None
    x, y, w, h = planned.box
    assert dialog.framing()[1] == "auto"
    assert crop.center == pytest.approx(((x + w / 2) / 1280, (y + h / 2) / 720), abs=0.01)
    # Reels: a 9:16 crop of 720 rows would be scaled up 2.7x, so the automatic reframe fits
    # the whole frame over a blurred fill: no outline.
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("reels"))
    dialog.refresh_preview()
    assert plan_export((1280, 720), "reels", centre, subjects=subjects).mode == "fit"
    assert crop.crop_rect() is None
    # The creator may crop anyway, and move the crop.
    dialog.reframe_box.setCurrentIndex(dialog.reframe_box.findData("crop"))
    dialog.refresh_preview()
    assert crop.crop_rect() is not None
    qtbot.mouseClick(crop, Qt.MouseButton.LeftButton, pos=crop.rect().center())
    assert crop.center == pytest.approx((0.5, 0.5), abs=0.02)
    assert dialog.framing() == (crop.center, "crop")  # the creator's crop wins
    dialog.reframe_box.setCurrentIndex(dialog.reframe_box.findData("fit"))
    assert dialog.framing() == (None, "fit") and crop.crop_rect() is None
    dialog.preset_box.setCurrentIndex(dialog.preset_box.findData("youtube"))
    assert crop.crop_rect() is None  # same shape as the video: nothing to crop
    dialog.reject()


def test_export_in_fit_mode_shows_the_whole_frame_over_a_blurred_fill(
    qtbot, analysed, tmp_path: Path
) -> None:
    import cv2

    window = analysed(SHORT_CLIP)
    dest = tmp_path / "fit.png"
    dialog = _open_dialog(window, "square", dest)
    dialog.reframe_box.setCurrentIndex(dialog.reframe_box.findData("fit"))
    with qtbot.waitSignal(window.creator.exported, timeout=30_000):
        qtbot.mouseClick(_export_button(dialog), Qt.MouseButton.LeftButton)
    image = cv2.imread(str(dest))
    assert image.shape == (1080, 1080, 3)
    # The 16:9 frame fills 1080x608 in the middle; above and below is the dimmer fill.
    band, middle = image[:200].mean(), image[300:780].mean()
    assert band < middle
    assert float(cv2.Laplacian(image[:200], cv2.CV_64F).var()) < 20.0  # blurred
