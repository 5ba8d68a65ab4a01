"""The export dialog's main view: the frame, the crop, and the rendered result inside it.

The frame is shown darkened outside the preset's crop; inside the crop the dialog's live
render (``core.export.render``: crop, adjustments, title) is drawn, so what the creator sees
is what is exported. Drag to move the crop. With safe zones on, the preset's title safe zone
and the platform's UI overlays (``core.presets``) are drawn over it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QWidget

from thumbdesk.core.presets import GRID_MIDDLE, ExportPreset

OVERLAY_NAMES = {
    "duration": "duration",
    "progress": "progress bar",
    "header": "header",
    "buttons": "buttons",
    "caption": "caption",
}


def qimage_to_bgr(image: QImage) -> np.ndarray:
    """A BGR uint8 copy of a QImage (any format)."""
    converted = image.convertToFormat(QImage.Format.Format_BGR888)
    width, height = converted.width(), converted.height()
    stride = converted.bytesPerLine()
    buffer = np.frombuffer(converted.constBits(), dtype=np.uint8, count=stride * height)
    return buffer.reshape(height, stride)[:, : width * 3].reshape(height, width, 3).copy()


def zone_rect(target: QRectF, zone: tuple[float, float, float, float]) -> QRectF:
    """A fraction box of ``target`` in the same coordinates."""
    x, y, w, h = zone
    return QRectF(
        target.left() + x * target.width(),
        target.top() + y * target.height(),
        w * target.width(),
        h * target.height(),
    )


def paint_zones(painter: QPainter, target: QRectF, preset: ExportPreset) -> None:
    """Draw ``preset``'s UI overlays (red) and title safe zone (dashed green) over ``target``."""
    painter.save()
    font = painter.font()
    font.setPixelSize(max(9, round(target.height() / 28)))
    painter.setFont(font)
    for name, zone in preset.overlays:
        rect = zone_rect(target, zone)
        painter.fillRect(rect, QColor(230, 40, 40, 90))
        label = OVERLAY_NAMES.get(name, name)
        if painter.fontMetrics().horizontalAdvance(label) <= rect.width():  # never cut a label
            painter.setPen(QColor(255, 255, 255, 230))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)
    if preset.name == "reels":
        painter.setPen(QPen(QColor(255, 255, 255, 200), 1, Qt.PenStyle.DotLine))
        middle = zone_rect(target, GRID_MIDDLE)
        painter.drawLine(middle.topLeft(), middle.topRight())
        painter.drawLine(middle.bottomLeft(), middle.bottomRight())
    painter.setPen(QPen(QColor("#35d07f"), 2, Qt.PenStyle.DashLine))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(zone_rect(target, preset.safe_zone))
    painter.restore()


class CropView(QWidget):
    """The frame with the preset's crop on it, the live result inside; drag to move the crop."""

    moved = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image = image
        self._aspect: float | None = None
        self._result: QImage | None = None
        self._preset: ExportPreset | None = None
        self.show_zones = False
        self.center = (0.5, 0.5)
        self.setMinimumSize(360, 220)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def sizeHint(self) -> QSize:  # noqa: N802
        """Room for a 16:9 frame."""
        return QSize(560, 330)

    def set_aspect(self, aspect: float | None) -> None:
        """Width/height of the crop, or None when the whole frame is kept."""
        self._aspect = aspect
        self.update()

    def set_result(self, result: QImage | None, preset: ExportPreset | None) -> None:
        """The rendered export (drawn inside the crop) and its preset (for the zones)."""
        self._result = result
        self._preset = preset
        self.update()

    def set_show_zones(self, show: bool) -> None:
        """Draw the safe zone and the platform's overlays, or not."""
        self.show_zones = show
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

    def _result_rect(self, inside: QRectF, whole_frame: bool) -> QRectF:
        """Where the rendered result goes: the crop, or a box of the result's own shape.

        The second when the whole frame is kept in another shape (a fit over a blurred fill).
        """
        assert self._result is not None
        result_aspect = self._result.width() / max(1, self._result.height())
        if not whole_frame or abs(result_aspect - inside.width() / inside.height()) < 0.01:
            return inside
        size = self._result.size().toSizeF()
        size.scale(self.size().toSizeF(), Qt.AspectRatioMode.KeepAspectRatio)
        rect = QRectF(QPointF(0, 0), size)
        rect.moveCenter(QRectF(self.rect()).center())
        return rect

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
        """Frame, darkened outside the crop, the rendered result inside, crop outline, zones."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        img = self._image_rect()
        painter.drawImage(img, self._image)
        crop = self.crop_rect()
        inside = crop if crop is not None else img
        if crop is not None:
            outside = QPainterPath()
            outside.addRect(img)
            inner = QPainterPath()
            inner.addRect(crop)
            painter.fillPath(outside.subtracted(inner), QBrush(QColor(0, 0, 0, 150)))
        if self._result is not None and not self._result.isNull():
            inside = self._result_rect(inside, crop is None)
            if inside != img and crop is None:  # another shape (a fit): dim the frame behind
                painter.fillRect(img, QColor(0, 0, 0, 150))
            painter.drawImage(inside, self._result)
        if crop is not None:
            painter.setPen(QPen(QColor("#f5b82e"), 2))
            painter.drawRect(crop)
        if self.show_zones and self._preset is not None:
            paint_zones(painter, inside, self._preset)
