"""The filmstrip along the timeline: small frames across the clip, candidate marks, a playhead.

It lines up with the slider under it (each x is the slider's own position for that frame), and
a click or a drag on it moves the slider there. The frames are decoded in a worker
(``jobs.filmstrip``); until they arrive the strip is a dark band with the marks on it.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider, QWidget

from thumbdesk.ui.theme import BACKDROP, GOLD, ON_OVERLAY, OVERLAY

STRIP_HEIGHT = 46


def slider_x(slider: QSlider, value: int) -> float:
    """Where a horizontal slider puts its handle's centre for ``value`` (slider coordinates)."""
    opt = QStyleOptionSlider()
    slider.initStyleOption(opt)
    style = slider.style()
    groove = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, slider
    )
    handle = style.subControlRect(
        QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, slider
    )
    span = groove.width() - handle.width()
    return (
        groove.left()
        + handle.width() / 2
        + QStyle.sliderPositionFromValue(slider.minimum(), slider.maximum(), value, span)
    )


def slider_value_at(slider: QSlider, x: float) -> int:
    """The value a horizontal slider's handle centre has at ``x`` (slider coordinates)."""
    left, right = slider_x(slider, slider.minimum()), slider_x(slider, slider.maximum())
    if right <= left:
        return slider.minimum()
    fraction = min(1.0, max(0.0, (x - left) / (right - left)))
    return slider.minimum() + round(fraction * (slider.maximum() - slider.minimum()))


class Filmstrip(QWidget):
    """Frames across the clip over ``slider``'s span; emits ``seek_requested`` on click/drag."""

    seek_requested = Signal(int)

    def __init__(self, slider: QSlider, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filmstrip")
        self._slider = slider
        self._tiles: list[tuple[int, QImage]] = []
        self._markers: list[int] = []
        self._best: int | None = None
        self.setFixedHeight(STRIP_HEIGHT)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click or drag to go to that moment; gold marks the top pick")
        slider.valueChanged.connect(self.update)
        slider.rangeChanged.connect(self.update)

    # --- content -----------------------------------------------------------------------
    def set_tiles(self, tiles: Sequence[tuple[int, QImage]]) -> None:
        """(frame index, image) pairs across the clip, in frame order."""
        self._tiles = sorted(tiles, key=lambda tile: tile[0])
        self.update()

    def tiles(self) -> list[tuple[int, QImage]]:
        """The frames shown."""
        return list(self._tiles)

    def set_markers(self, frames: Sequence[int], best: int | None) -> None:
        """Candidate frames to mark; ``best`` in gold."""
        self._markers = list(frames)
        self._best = best
        self.update()

    def markers(self) -> tuple[list[int], int | None]:
        """The marked frames and the best one."""
        return list(self._markers), self._best

    def clear(self) -> None:
        """No frames, no marks."""
        self._tiles = []
        self.set_markers([], None)

    # --- geometry ----------------------------------------------------------------------
    def x_of(self, frame: int) -> float:
        """Where ``frame`` is on the strip (the slider's handle position for it)."""
        offset = self.mapFromGlobal(self._slider.mapToGlobal(QPoint(0, 0))).x()
        return offset + slider_x(self._slider, frame)

    def frame_at(self, x: float) -> int:
        """The frame under ``x`` on the strip."""
        offset = self.mapFromGlobal(self._slider.mapToGlobal(QPoint(0, 0))).x()
        return slider_value_at(self._slider, x - offset)

    def sizeHint(self) -> QSize:  # noqa: N802
        """As wide as it is given, one row of frames high."""
        return QSize(400, STRIP_HEIGHT)

    # --- painting and mouse -------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Frames in equal cells, then the candidate marks, then the playhead."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        slider = self._slider
        left, right = self.x_of(slider.minimum()), self.x_of(slider.maximum())
        if right - left < 8:
            left, right = 8.0, self.width() - 8.0
        band = QRectF(left, 2, right - left, self.height() - 4)
        clip = QPainterPath()
        clip.addRoundedRect(band, 6, 6)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(band, BACKDROP)
        if self._tiles and slider.maximum() > slider.minimum():
            cells = max(1, len(self._tiles))
            width = band.width() / cells
            for cell in range(cells):
                centre = slider.minimum() + (cell + 0.5) / cells * (
                    slider.maximum() - slider.minimum()
                )
                _index, image = min(self._tiles, key=lambda tile: abs(tile[0] - centre))
                target = QRectF(band.left() + cell * width, band.top(), width, band.height())
                self._draw_cover(painter, target, image)
        painter.restore()
        if slider.maximum() <= slider.minimum():
            return
        painter.setPen(Qt.PenStyle.NoPen)
        top = band.top()
        for frame in [*(f for f in self._markers if f != self._best), self._best]:
            if frame is None:
                continue
            x = self.x_of(frame)
            colour = GOLD if frame == self._best else self.palette().highlight().color()
            painter.setBrush(OVERLAY)  # an outline, so the mark shows on any picture
            painter.drawPolygon(
                QPolygonF([QPointF(x - 7, top), QPointF(x + 7, top), QPointF(x, top + 11)])
            )
            painter.fillRect(QRectF(x - 2, top, 4, band.height()), OVERLAY)
            painter.setBrush(colour)
            painter.drawPolygon(
                QPolygonF([QPointF(x - 5, top), QPointF(x + 5, top), QPointF(x, top + 8)])
            )
            painter.fillRect(QRectF(x - 1, top, 2, band.height()), colour)
        x = self.x_of(slider.value())
        painter.setPen(QPen(OVERLAY, 4))
        painter.drawLine(int(x), 0, int(x), self.height())
        painter.setPen(QPen(ON_OVERLAY, 2))
        painter.drawLine(int(x), 0, int(x), self.height())

    @staticmethod
    def _draw_cover(painter: QPainter, target: QRectF, image: QImage) -> None:
        """Fill ``target`` with the middle of ``image`` (aspect kept, edges cropped)."""
        if image.isNull():
            return
        size = image.deviceIndependentSize()
        scale = max(target.width() / size.width(), target.height() / size.height())
        width, height = target.width() / scale, target.height() / scale
        source = QRectF((size.width() - width) / 2, (size.height() - height) / 2, width, height)
        painter.drawImage(target, image, source)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Go to the frame under the pointer."""
        if event.button() == Qt.MouseButton.LeftButton and self.isEnabled():
            self.seek_requested.emit(self.frame_at(event.position().x()))
            event.accept()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Dragging scrubs."""
        if event.buttons() & Qt.MouseButton.LeftButton and self.isEnabled():
            self.seek_requested.emit(self.frame_at(event.position().x()))
            event.accept()
