"""Export dialog: preset, format, crop position and destination, with no silent overwrite.

The dialog only gathers the creator's choices (an ``ExportRequest``); the window runs the
export itself (full-resolution decode + ``core.export.export_thumbnail``) in a worker. The crop
position is chosen by dragging a frame over the preview and defaults to the subject (from
``FrameTopics.subject_box``) or the centre.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
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

logger = logging.getLogger(__name__)

FORMATS = (("jpg", "JPEG"), ("png", "PNG"), ("webp", "WebP"))


@dataclass(frozen=True)
class ExportRequest:
    """What to write: where, which preset, where the crop sits, and whether to overwrite."""

    dest: Path
    preset: str
    crop_center: tuple[float, float] | None
    overwrite: bool


class CropView(QWidget):
    """The frame with the preset's crop drawn on it; drag to move the crop."""

    moved = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = image
        self._aspect: float | None = None
        self.center = (0.5, 0.5)
        self.setMinimumSize(360, 220)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a 16:9 frame."""
        return QSize(440, 260)

    def set_aspect(self, aspect: float | None) -> None:
        """Width/height of the crop, or None when the whole frame is kept."""
        self._aspect = aspect
        self.update()

    def _image_rect(self) -> QRectF:
        size = self._image.size().toSizeF()
        size.scale(self.size().toSizeF(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRectF(QPointF(0, 0), size)
        rect.moveCenter(QRectF(self.rect()).center())
        return rect

    def crop_rect(self) -> QRectF | None:
        """Return the crop in widget coordinates: the largest of its aspect, kept inside."""
        if self._aspect is None:
            return None
        img = self._image_rect()
        width = min(img.width(), img.height() * self._aspect)
        height = width / self._aspect
        cx = img.left() + self.center[0] * img.width()
        cy = img.top() + self.center[1] * img.height()
        left = min(max(cx - width / 2, img.left()), img.right() - width)
        top = min(max(cy - height / 2, img.top()), img.bottom() - height)
        return QRectF(left, top, width, height)

    def _move_to(self, pos: QPointF) -> None:
        img = self._image_rect()
        fx = min(1.0, max(0.0, (pos.x() - img.left()) / max(1.0, img.width())))
        fy = min(1.0, max(0.0, (pos.y() - img.top()) / max(1.0, img.height())))
        self.center = (fx, fy)
        self.update()
        self.moved.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Centre the crop where clicked."""
        self._move_to(event.position())

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Drag the crop."""
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._move_to(event.position())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Frame, darkened outside the crop, crop outline."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        img = self._image_rect()
        painter.drawImage(img, self._image)
        crop = self.crop_rect()
        if crop is None:
            return
        outside = QPainterPath()
        outside.addRect(img)
        inner = QPainterPath()
        inner.addRect(crop)
        painter.fillPath(outside.subtracted(inner), QColor(0, 0, 0, 150))
        painter.setPen(QPen(QColor("#f5b82e"), 2))
        painter.drawRect(crop)


class ExportDialog(QDialog):
    """Choose preset, format, crop and file; ``request()`` gives the result after accept."""

    def __init__(
        self,
        image: QImage,
        presets: dict[str, tuple[str, tuple[int, int] | None]],
        default_dest: Path,
        *,
        preset: str,
        fmt: str,
        crop_center: tuple[float, float] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export thumbnail")
        self.setMinimumWidth(600)
        self._presets = presets
        self._image_aspect = image.width() / max(1, image.height())
        self._confirmed: Path | None = None
        self._request: ExportRequest | None = None

        self.preset_box = QComboBox()
        for name, (label, size) in presets.items():
            sized = size is None or f"{size[0]}x{size[1]}" in label
            text = label if sized else f"{label} ({size[0]}×{size[1]})"  # type: ignore[index]
            self.preset_box.addItem(text, name)
        self.format_box = QComboBox()
        for ext, label in FORMATS:
            self.format_box.addItem(label, ext)
        self.crop = CropView(image)
        if crop_center is not None:
            self.crop.center = crop_center
        self.crop_hint = QLabel("Drag on the frame to move the crop.")
        self.dest_edit = QLineEdit(str(default_dest))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        dest_row = QHBoxLayout()
        dest_row.addWidget(self.dest_edit, 1)
        dest_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Preset", self.preset_box)
        form.addRow("Format", self.format_box)
        form.addRow("Save as", dest_row)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.crop, 1)
        layout.addWidget(self.crop_hint)
        layout.addLayout(form)
        layout.addWidget(self.buttons)

        self.preset_box.currentIndexChanged.connect(self._preset_changed)
        self.format_box.currentIndexChanged.connect(self._format_changed)
        self._select(self.preset_box, preset)
        self._select(self.format_box, fmt)
        self._preset_changed()
        self._format_changed()

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

    def set_destination(self, path: str | Path) -> None:
        """Set the file to write (its extension picks the format)."""
        path = Path(path)
        self._select(self.format_box, path.suffix.lstrip(".").lower().replace("jpeg", "jpg"))
        self.dest_edit.setText(str(path))

    def _crop_applies(self) -> bool:
        size = self._presets.get(self.preset(), ("", None))[1]
        return size is not None and abs(size[0] / size[1] - self._image_aspect) > 0.01

    def _preset_changed(self) -> None:
        size = self._presets.get(self.preset(), ("", None))[1]
        applies = self._crop_applies()
        self.crop.set_aspect(size[0] / size[1] if applies and size else None)
        self.crop_hint.setText(
            "Drag on the frame to move the crop."
            if applies
            else "The whole frame is kept (same shape as the preset)."
        )
        stem = Path(self.dest_edit.text())
        if stem.name:
            name = stem.stem
            for other in self._presets:
                name = name.removesuffix(f"_{other}")
            self.dest_edit.setText(str(stem.with_name(f"{name}_{self.preset()}{stem.suffix}")))

    def _format_changed(self) -> None:
        dest = Path(self.dest_edit.text())
        if dest.name:
            self.dest_edit.setText(str(dest.with_suffix(f".{self.fmt()}")))

    def _browse(self) -> None:
        ext = self.fmt()
        path, _ = QFileDialog.getSaveFileName(
            self, "Export thumbnail", self.dest_edit.text(), f"Images (*.{ext})"
        )
        if path:
            self.set_destination(path)
            self._confirmed = Path(self.dest_edit.text())  # the file dialog asked already

    def confirm_overwrite(self, path: Path) -> bool:
        """Ask before replacing an existing file (default answer: No)."""
        answer = QMessageBox.question(
            self,
            "Replace file?",
            f"{path.name} already exists in {path.parent}.\nReplace it?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def accept(self) -> None:
        """Validate the destination, confirm any overwrite, then close."""
        text = self.dest_edit.text().strip()
        if not text:
            return
        dest = Path(text).expanduser()
        if dest.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp"):
            dest = dest.with_suffix(f".{self.fmt()}")
        overwrite = False
        if dest.exists():
            if dest != self._confirmed and not self.confirm_overwrite(dest):
                logger.info("export to %s: overwrite declined", dest)
                return
            overwrite = True
        centre = self.crop.center if self._crop_applies() else None
        self._request = ExportRequest(dest, self.preset(), centre, overwrite)
        super().accept()

    def request(self) -> ExportRequest | None:
        """Return the accepted request, or None."""
        return self._request
