"""Export dialog: preset, format, crop, title, adjustments, platform previews, destination.

The dialog gathers the creator's choices into a ``core.types.ExportRequest``; the window runs
the export itself (full-resolution decode + ``core.export.export_request``) in a worker. The
previews are rendered by the same ``core.export.render`` from the frame on screen, so the
live preview shows what is exported. The crop is moved by dragging on the frame and
defaults to the subject (``FrameTopics.subject_centre``) or the centre. The Reframe choice
starts at Automatic (``core.reframe``: crop around the subjects, or fit the whole frame over a
blurred fill when a crop would cut them or upscale too much) and offers Crop and Fit; the
outline shows the automatic box until the creator drags it. "Export all sizes"
writes YouTube, Reels and square at once, all or nothing. The frame view and its framing
are ``export_framing``, the platform mock-ups ``platform_previews``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from thumbdesk.core.formats import IMAGE_CHOICES, IMAGE_FORMATS
from thumbdesk.core.presets import PRESETS
from thumbdesk.core.types import Adjustments, ExportRequest, TitleStyle
from thumbdesk.core.words import agree
from thumbdesk.ui.export_controls import AdjustControls, TitleControls
from thumbdesk.ui.export_framing import FramingView, preview_size
from thumbdesk.ui.platform_previews import CARD_SIZE, COVER_SIZE, PlatformStrip

logger = logging.getLogger(__name__)

REFRAME_CHOICES = (
    ("Automatic: crop around the subject, or fit when a crop would cut it", "auto"),
    ("Crop to the preset's shape", "crop"),
    ("Fit the whole frame over a blurred fill", "fit"),
)


class ExportDialog(QDialog):
    """Choose preset, format, crop, title, adjustments and file; ``request()`` after accept."""

    def __init__(
        self,
        image: QImage,
        default_dest: Path,
        *,
        preset: str,
        fmt: str,
        crop_center: tuple[float, float] | None,
        title: TitleStyle | None = None,
        adjustments: Adjustments | None = None,
        caption: str = "",
        duration_s: float = 0.0,
        picture_box: tuple[float, float, float, float] = (0.0, 0.0, 1.0, 1.0),
        subjects: tuple[tuple[float, float, float, float], ...] = (),
        picture_size: tuple[int, int] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export thumbnail")
        self.setMinimumWidth(760)
        self._picture_box = picture_box
        self._confirmed: Path | None = None
        self._request: ExportRequest | None = None
        self._problem = ""

        self.preset_box = QComboBox()
        for name, target in PRESETS.items():
            self.preset_box.addItem(target.label, name)
        self.format_box = QComboBox()
        self.view = FramingView(image, crop_center, subjects, picture_size)
        self.reframe_box = QComboBox()
        for label, mode in REFRAME_CHOICES:
            self.reframe_box.addItem(label, mode)
        self.reframe_box.setToolTip(
            "How the frame becomes the preset's shape: a crop around the subject, or the whole"
            " frame over a blurred fill of itself"
        )
        self.problem_label = QLabel()
        self.problem_label.setObjectName("exportProblem")
        self.problem_label.setStyleSheet("color: #e0443e; font-weight: bold;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.title_controls = TitleControls(title)
        self.adjust_controls = AdjustControls(adjustments)
        self.platforms = PlatformStrip(caption, duration_s)

        self.dest_edit = QLineEdit(str(default_dest))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest_edit, 1)
        dest_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Preset", self.preset_box)
        form.addRow("Reframe", self.reframe_box)
        form.addRow("Format", self.format_box)
        form.addRow("Save as", dest_row)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export")
        self.all_button = self.buttons.addButton(
            "Export all sizes", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.all_button.setToolTip(
            "Write YouTube (1280x720 JPEG), Reels / Shorts (1080x1920) and square (1080x1080)"
            " beside the file name, each named after its platform"
        )
        self.all_button.clicked.connect(self.accept_all_sizes)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        side = QVBoxLayout()
        side.addWidget(self.title_controls)
        side.addWidget(self.adjust_controls)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.view, 3)
        top.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(self.platforms, 2)
        layout.addWidget(self.problem_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(30)
        self._render_timer.timeout.connect(self.refresh_preview)
        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.view.crop.moved.connect(self._crop_moved)
        self.reframe_box.currentIndexChanged.connect(self._reframe_changed)
        self.title_controls.changed.connect(self._render_timer.start)
        self.adjust_controls.changed.connect(self._render_timer.start)
        self._select(self.preset_box, preset)
        self._fill_formats(fmt)
        self._preset_changed()
        self._format_changed()
        self.refresh_preview()

    @staticmethod
    def _select(box: QComboBox, data: str) -> None:
        index = box.findData(data)
        if index >= 0:
            box.setCurrentIndex(index)

    def preset(self) -> str:
        """Chosen preset name."""
        return str(self.preset_box.currentData())

    def fmt(self) -> str:
        """Chosen file extension."""
        return str(self.format_box.currentData())

    def title_style(self) -> TitleStyle | None:
        """The title as set (None without text)."""
        return self.title_controls.title_style()

    def adjustments(self) -> Adjustments:
        """The adjustments as set."""
        return self.adjust_controls.adjustments()

    def set_destination(self, path: str | Path) -> None:
        """Set the file to write (its extension picks the format)."""
        path = Path(path)
        self._select(self.format_box, path.suffix.lstrip(".").lower().replace("jpeg", "jpg"))
        self.dest_edit.setText(str(path))

    def _fill_formats(self, wanted: str) -> None:
        """Offer only the formats the preset's platform takes (YouTube: no WebP)."""
        allowed = PRESETS[self.preset()].formats
        current = wanted if wanted in allowed else allowed[0]
        self.format_box.blockSignals(True)
        self.format_box.clear()
        for ext in IMAGE_CHOICES:
            if ext in allowed:
                self.format_box.addItem(IMAGE_FORMATS[f".{ext}"], ext)
        self._select(self.format_box, current)
        self.format_box.blockSignals(False)

    def reframe_mode(self) -> str:
        """The Reframe choice: "auto", "crop" or "fit"."""
        return str(self.reframe_box.currentData())

    def _outline(self) -> None:
        self.view.show_outline(self.preset(), self.reframe_mode())

    def _reframe_changed(self) -> None:
        if self.reframe_mode() != "crop":
            self.view.user_crop = False  # back to the automatic box, or the fit
        self._outline()
        self._render_timer.start()

    def _preset_changed(self) -> None:
        self._outline()
        before = self.fmt()
        self._fill_formats(before)
        stem = Path(self.dest_edit.text())
        if stem.name:
            name = self._base_stem(stem)
            suffix = f".{self.fmt()}" if self.fmt() != before else stem.suffix
            self.dest_edit.setText(str(stem.with_name(f"{name}_{self.preset()}{suffix}")))
        self._render_timer.start()

    @staticmethod
    def _base_stem(path: Path) -> str:
        name = path.stem
        for other in (*PRESETS, "all"):
            name = name.removesuffix(f"_{other}")
        return name

    def _format_changed(self) -> None:
        dest = Path(self.dest_edit.text())
        if dest.name:
            self.dest_edit.setText(str(dest.with_suffix(f".{self.fmt()}")))

    def _crop_moved(self) -> None:
        self.view.user_crop = True  # the creator placed the crop: it wins over the automatic one
        if self.reframe_mode() != "crop":
            self.reframe_box.blockSignals(True)
            self._select(self.reframe_box, "crop")
            self.reframe_box.blockSignals(False)
            self._outline()
        self._render_timer.start()

    def framing(self) -> tuple[tuple[float, float] | None, str]:
        """(crop centre, reframe mode): the creator's crop or choice, else the automatic one."""
        return self.view.framing(self.reframe_mode())

    def _render(self, preset: str, size: tuple[int, int] | None) -> QImage:
        return self.view.render_preset(
            preset, size, self.reframe_mode(), self.adjustments(), self.title_style()
        )

    def refresh_preview(self) -> None:
        """Render the live preview and the platform mock-ups from the current choices."""
        from thumbdesk.core.errors import ExportError

        self._render_timer.stop()
        target = PRESETS[self.preset()]
        self.view.show_automatic_crop(self.preset(), self.reframe_mode())
        try:
            main = self._render(target.name, preview_size(target.size))
            card = self._render("youtube", CARD_SIZE)
            cover = self._render("reels", COVER_SIZE)
        except ExportError as exc:
            self._show_problem(str(exc))
            return
        self._show_problem("")
        self.view.crop.set_result(main, target)
        self.platforms.show_thumbnail(card, cover, self.title_style())

    def _show_problem(self, message: str) -> None:
        self._problem = message
        self.problem_label.setText(message)
        self.problem_label.setVisible(bool(message))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not message)
        self.all_button.setEnabled(not message)

    def problem(self) -> str:
        """What stops the export now ("" when nothing does)."""
        return self._problem

    def _browse(self) -> None:
        ext = self.fmt()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export thumbnail", self.dest_edit.text(), f"Images (*.{ext})"
        )
        if path:
            self.set_destination(path)
            self._confirmed = Path(self.dest_edit.text())  # the file dialog asked already

    def confirm_overwrite(self, path: Path, others: int = 0) -> bool:
        """Ask before replacing an existing file (default answer: No)."""
        more = f" and {others} more" if others else ""
        are = agree(1 + others, "exists", "exist")
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name}{more} already {are} in {path.parent}.\nReplace?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _destination(self) -> Path | None:
        text = self.dest_edit.text().strip()
        if not text:
            return None
        dest = Path(text).expanduser()
        if dest.suffix.lower() not in IMAGE_FORMATS:
            dest = dest.with_suffix(f".{self.fmt()}")
        return dest

    def accept(self) -> None:
        """Validate the destination, confirm any overwrite, then close."""
        dest = self._destination()
        if dest is None or self._problem:
            return
        problem = PRESETS[self.preset()].format_problem(dest.suffix)
        if problem:
            self._show_problem(problem)
            return
        overwrite = False
        if dest.exists():
            if dest != self._confirmed and not self.confirm_overwrite(dest):
                logger.info("export to %s: overwrite declined", dest)
                return
            overwrite = True
        self._finish(dest, self.preset(), overwrite)

    def accept_all_sizes(self) -> None:
        """Export every size (YouTube, Reels, square) beside the file name, then close."""
        from thumbdesk.core.export import all_sizes_paths

        dest = self._destination()
        if dest is None or self._problem:
            return
        base = dest.with_name(f"{self._base_stem(dest)}{dest.suffix}")
        existing = [p for p in all_sizes_paths(base).values() if p.exists()]
        if existing and not self.confirm_overwrite(existing[0], len(existing) - 1):
            return
        self._finish(base, "all", bool(existing))

    def _finish(self, dest: Path, preset: str, overwrite: bool) -> None:
        centre, mode = self.framing()
        self._request = ExportRequest(
            dest,
            preset,
            centre,
            overwrite,
            self.title_style(),
            self.adjustments(),
            picture_box=self._picture_box,
            subjects=self.view.subjects,
            mode=mode,  # type: ignore[arg-type]
        )
        super().accept()

    def request(self) -> ExportRequest | None:
        """Return the accepted request, or None."""
        return self._request
