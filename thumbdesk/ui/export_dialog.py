"""Export dialog: preset, format, crop, title, adjustments, platform previews, destination.

The dialog gathers the creator's choices into a ``core.types.ExportRequest``; the window runs
the export itself (full-resolution decode + ``core.export.export_request``) in a worker. The
previews are rendered by the same ``core.export.render`` from the frame on screen, so the
live preview shows what is exported. The crop is moved by dragging on the frame and
defaults to the subject (``FrameTopics.subject_centre``) or the centre. The Reframe choice
starts at Automatic (``core.reframe``: crop around the subjects, or fit the whole frame over a
blurred fill when a crop would cut them or upscale too much) and offers Crop and Fit; the
outline shows the automatic box until the creator drags it. "Export all sizes"
writes YouTube, Reels and square at once, all or nothing.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
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
from thumbdesk.ui.candidate_model import bgr_to_qimage
from thumbdesk.ui.export_controls import AdjustControls, TitleControls
from thumbdesk.ui.export_preview import CropView, qimage_to_bgr
from thumbdesk.ui.platform_previews import PhoneCard, ProfileGrid, YouTubeCard

logger = logging.getLogger(__name__)

REFRAME_CHOICES = (
    ("Automatic: crop around the subject, or fit when a crop would cut it", "auto"),
    ("Crop to the preset's shape", "crop"),
    ("Fit the whole frame over a blurred fill", "fit"),
)

PREVIEW_LONG_SIDE = 640
"""Long side, in pixels, of the live preview render (the export renders the full size)."""
CARD_SIZE = (320, 180)
COVER_SIZE = (216, 384)


def _preview_size(size: tuple[int, int] | None) -> tuple[int, int] | None:
    if size is None:
        return None
    scale = PREVIEW_LONG_SIDE / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


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
        self._frame = qimage_to_bgr(image)
        self._default_centre = crop_center
        self._picture_box = picture_box
        self._subjects = subjects
        self._picture_size = picture_size or (image.width(), image.height())
        """Full-resolution size of the picture ``image`` shows: the reframe is planned on it."""
        self._user_crop = False
        self._image_aspect = image.width() / max(1, image.height())
        self._confirmed: Path | None = None
        self._request: ExportRequest | None = None
        self._problem = ""

        self.preset_box = QComboBox()
        for name, target in PRESETS.items():
            self.preset_box.addItem(target.label, name)
        self.format_box = QComboBox()
        self.crop = CropView(image)
        if crop_center is not None:
            self.crop.center = crop_center
        self.crop_hint = QLabel("Drag on the frame to move the crop.")
        self.reframe_box = QComboBox()
        for label, mode in REFRAME_CHOICES:
            self.reframe_box.addItem(label, mode)
        self.reframe_box.setToolTip(
            "How the frame becomes the preset's shape: a crop around the subject, or the whole"
            " frame over a blurred fill of itself"
        )
        self.zones_box = QCheckBox("Show safe zones")
        self.zones_box.setToolTip(
            "Where title text stays clear of the platform's buttons, badges and captions"
        )
        self.problem_label = QLabel()
        self.problem_label.setObjectName("exportProblem")
        self.problem_label.setStyleSheet("color: #e0443e; font-weight: bold;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        self.title_controls = TitleControls(title)
        self.adjust_controls = AdjustControls(adjustments)
        self.youtube_card = YouTubeCard()
        self.phone_card = PhoneCard()
        self.profile_grid = ProfileGrid()
        for mockup in (self.youtube_card, self.phone_card):
            mockup.set_caption(caption, duration_s)

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

        view_column = QVBoxLayout()
        view_column.addWidget(self.crop, 1)
        hints = QHBoxLayout()
        hints.addWidget(self.crop_hint, 1)
        hints.addWidget(self.zones_box)
        view_column.addLayout(hints)
        side = QVBoxLayout()
        side.addWidget(self.title_controls)
        side.addWidget(self.adjust_controls)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addLayout(view_column, 3)
        top.addLayout(side, 2)
        platforms = QGroupBox("On the platforms")
        platform_row = QHBoxLayout(platforms)
        mockups: tuple[tuple[str, QWidget], ...] = (
            ("YouTube home", self.youtube_card),
            ("Phone", self.phone_card),
            ("Shorts / Reels / TikTok: feed and profile grid", self.profile_grid),
        )
        for label, widget in mockups:
            column = QVBoxLayout()
            caption_label = QLabel(label)
            caption_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(widget, 1)
            column.addWidget(caption_label)
            platform_row.addLayout(column, 2 if widget is self.profile_grid else 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top, 3)
        layout.addWidget(platforms, 2)
        layout.addWidget(self.problem_label)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(30)
        self._render_timer.timeout.connect(self.refresh_preview)
        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self.crop.moved.connect(self._crop_moved)
        self.reframe_box.currentIndexChanged.connect(self._reframe_changed)
        self.title_controls.changed.connect(self._render_timer.start)
        self.adjust_controls.changed.connect(self._render_timer.start)
        self.zones_box.toggled.connect(self.crop.set_show_zones)
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

    def _crop_applies(self) -> bool:
        size = PRESETS[self.preset()].size
        return size is not None and abs(size[0] / size[1] - self._image_aspect) > 0.01

    def reframe_mode(self) -> str:
        """The Reframe choice: "auto", "crop" or "fit"."""
        return str(self.reframe_box.currentData())

    def _outline(self) -> None:
        """Show the crop outline unless the whole frame is kept (same shape, or a fit)."""
        from thumbdesk.core.export import plan_export

        size = PRESETS[self.preset()].size
        applies = self._crop_applies()
        _, mode = self.framing()
        if applies and mode == "auto":
            planned = plan_export(
                self._picture_size, self.preset(), self._default_centre, subjects=self._subjects
            )
            mode = planned.mode
        cropping = applies and size is not None and mode != "fit"
        self.crop.set_aspect(size[0] / size[1] if cropping and size else None)
        self.crop_hint.setText(
            "Drag on the frame to move the crop."
            if cropping
            else "The whole frame is kept over a blurred fill (drag to crop instead)."
            if applies
            else "The whole frame is kept (same shape as the preset)."
        )

    def _reframe_changed(self) -> None:
        if self.reframe_mode() != "crop":
            self._user_crop = False  # back to the automatic box, or the fit
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
        self._user_crop = True  # the creator placed the crop: it wins over the automatic one
        if self.reframe_mode() != "crop":
            self.reframe_box.blockSignals(True)
            self._select(self.reframe_box, "crop")
            self.reframe_box.blockSignals(False)
            self._outline()
        self._render_timer.start()

    def framing(self) -> tuple[tuple[float, float] | None, str]:
        """(crop centre, reframe mode): the creator's crop or choice, else the automatic one."""
        mode = self.reframe_mode()
        if mode == "fit":
            return None, "fit"
        if self._user_crop:
            return self.crop.center, "crop"
        return self._default_centre, mode

    def _render(self, preset: str, size: tuple[int, int] | None) -> QImage:
        from thumbdesk.core.export import render

        centre, mode = self.framing()
        pixels = render(
            self._frame,
            preset,
            centre,
            self.adjustments(),
            self.title_style(),
            subjects=self._subjects,
            mode=mode,  # type: ignore[arg-type]
            size=size,
            plan_size=self._picture_size,
        )
        return bgr_to_qimage(pixels)

    def _show_automatic_crop(self) -> None:
        """Put the crop outline where the automatic reframe crops (until the creator drags)."""
        from thumbdesk.core.export import plan_export

        if self._user_crop or PRESETS[self.preset()].size is None:
            return
        planned = plan_export(
            self._picture_size,
            self.preset(),
            self._default_centre,
            subjects=self._subjects,
            mode="crop" if self.reframe_mode() == "crop" else "auto",
        )
        x, y, w, h = planned.box
        width, height = self._picture_size
        self.crop.center = ((x + w / 2) / width, (y + h / 2) / height)

    def refresh_preview(self) -> None:
        """Render the live preview and the platform mock-ups from the current choices."""
        from thumbdesk.core.errors import ExportError

        self._render_timer.stop()
        target = PRESETS[self.preset()]
        self._show_automatic_crop()
        try:
            main = self._render(target.name, _preview_size(target.size))
            card = self._render("youtube", CARD_SIZE)
            cover = self._render("reels", COVER_SIZE)
        except ExportError as exc:
            self._show_problem(str(exc))
            return
        self._show_problem("")
        self.crop.set_result(main, target)
        self.youtube_card.set_image(card)
        self.phone_card.set_image(card)
        self.profile_grid.set_image(cover)
        title = self.title_style()
        caption = " ".join(title.lines) if title else ""
        for mockup in (self.youtube_card, self.phone_card):
            mockup.set_caption(caption or mockup.caption, mockup.duration_s)

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
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name}{more} already exist(s) in {path.parent}.\nReplace?",
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
            subjects=self._subjects,
            mode=mode,  # type: ignore[arg-type]
        )
        super().accept()

    def request(self) -> ExportRequest | None:
        """Return the accepted request, or None."""
        return self._request
