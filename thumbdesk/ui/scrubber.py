"""Timeline scrubber: a frame-accurate slider over the whole video, and "Use this frame".

Dragging is throttled with ``superqt.utils.qthrottled``; each requested frame is read by
``core.decode.FrameReader`` in a worker, one read at a time, always jumping to the latest
request (so a fast drag never queues up stale reads). Arrow keys step one frame, Page Up/Down
one second. Candidate positions are marked on the track.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPolygonF
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from thumbdesk.ui import workers
from thumbdesk.ui.candidate_model import bgr_to_qimage, format_time
from thumbdesk.ui.theme import GOLD

logger = logging.getLogger(__name__)


class MarkedSlider(QSlider):
    """A horizontal slider that marks candidate frames under its groove."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self._markers: list[int] = []
        self._best: int | None = None
        self.setMinimumHeight(30)

    def set_markers(self, frames: Sequence[int], best: int | None) -> None:
        """Frame indexes to mark; ``best`` is drawn in gold."""
        self._markers = list(frames)
        self._best = best
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Paint the slider, then a small triangle per marked frame."""
        super().paintEvent(event)
        if not self._markers or self.maximum() <= self.minimum():
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        style = self.style()
        groove = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderGroove, self
        )
        handle = style.subControlRect(
            QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
        )
        span = groove.width() - handle.width()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        y = float(self.height() - 1)
        for frame in self._markers:
            x = (
                groove.left()
                + handle.width() / 2
                + QStyle.sliderPositionFromValue(self.minimum(), self.maximum(), frame, span)
            )
            painter.setBrush(GOLD if frame == self._best else self.palette().highlight())
            painter.drawPolygon(
                QPolygonF([QPointF(x, y - 6), QPointF(x - 4, y), QPointF(x + 4, y)])
            )


def _read_frame(reader: Any, index: int) -> tuple[int, np.ndarray, QImage]:
    """Worker body: decode one full-resolution frame and wrap it for display."""
    bgr = reader.read(index)
    return index, bgr, bgr_to_qimage(bgr)


class Scrubber(QWidget):
    """Slider + time label + "Use this frame" over one open video."""

    frame_shown = Signal(int, float, object)
    """(frame index, time in seconds, QImage) each time a scrubbed frame is decoded."""
    use_frame = Signal(int)
    """The creator chose the frame under the slider."""
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = MarkedSlider()
        self.slider.setSingleStep(1)
        self.slider.setToolTip("Scrub the video (← → step one frame, PgUp/PgDn one second)")
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.time_label = QLabel(format_time(0.0))
        self.time_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0:00.00 · 00000"))
        self.use_button = QPushButton("Use this frame")
        self.use_button.setToolTip("Choose the frame under the slider instead of a candidate")
        self.use_button.clicked.connect(lambda: self.use_frame.emit(self.slider.value()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.time_label)
        layout.addWidget(self.use_button)

        self._path: str | None = None
        self._markers: tuple[list[int], int | None] = ([], None)
        self._reader: Any = None
        self._generation = 0
        self._reading = False
        self._pending: int | None = None
        self._frame: tuple[int, np.ndarray, QImage] | None = None
        self._throttled: Any = None  # superqt's qthrottled, made on first drag
        self.slider.valueChanged.connect(self._on_value)
        self.setEnabled(False)

    # --- opening and closing -----------------------------------------------------------
    def open_video(self, path: str, frame_times_s: Sequence[float] = ()) -> None:
        """Open a frame reader on a video (in a worker); the slider spans its frames.

        ``frame_times_s`` (from a finished run) makes seeking exact on variable frame rates;
        reopening with them keeps the slider where it is.
        """
        keep = self.slider.value() if path == self._path else 0
        self.close_video()
        self._path = path
        gen = self._generation
        times = tuple(frame_times_s)

        def opened(reader: Any) -> None:
            if gen != self._generation:
                reader.close()
                return
            self._reader = reader
            self.slider.blockSignals(True)
            self.slider.setRange(0, max(0, int(reader.frame_count) - 1))
            self.slider.setPageStep(max(1, round(float(reader.fps))))
            self.slider.setValue(min(keep, self.slider.maximum()))
            self.slider.blockSignals(False)
            self.slider.set_markers(*self._markers)
            self._update_label(self.slider.value())
            self.setEnabled(True)
            if self._pending is not None:
                self._start_read(self._pending)

        from thumbdesk.core.decode import FrameReader

        workers.run_task(
            FrameReader, path, times or None, on_result=opened, on_error=self.failed.emit
        )

    def close_video(self) -> None:
        """Forget the current video; an in-flight read closes the reader when it ends."""
        self._generation += 1
        self._pending = None
        self._frame = None
        self._path = None
        self.setEnabled(False)
        if self._reader is not None and not self._reading:
            self._reader.close()
        self._reader = None  # a read in flight closes its reader when it finishes

    @property
    def path(self) -> str | None:
        """The open video."""
        return self._path

    def time_of(self, index: int) -> float:
        """Presentation time of a frame, in seconds."""
        if self._reader is not None:
            return float(self._reader.time_of(index))
        return index / 25.0

    def set_markers(self, frames: Sequence[int], best: int | None) -> None:
        """Mark candidate frames on the track."""
        self._markers = (list(frames), best)
        self.slider.set_markers(frames, best)

    def current_frame(self) -> tuple[int, np.ndarray, QImage] | None:
        """(index, full-res BGR, QImage) of the last decoded frame."""
        return self._frame

    def show_position(self, index: int) -> None:
        """Put the slider and time label on a frame shown elsewhere, without decoding it."""
        self.slider.blockSignals(True)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self._update_label(index)

    def seek(self, index: int) -> None:
        """Move the slider (and decode that frame)."""
        self.slider.setValue(index)

    # --- reading -----------------------------------------------------------------------
    def _update_label(self, index: int) -> None:
        self.time_label.setText(f"{format_time(self.time_of(index))} · {index}")

    def _on_value(self, index: int) -> None:
        self._update_label(index)
        if self._throttled is None:
            from superqt.utils import qthrottled

            self._throttled = qthrottled(self._request, timeout=60, leading=True, parent=self)
        self._throttled(index)

    def _request(self, index: int) -> None:
        self._pending = index
        if self._reader is not None and not self._reading:
            self._start_read(index)

    def _start_read(self, index: int) -> None:
        self._pending = None
        self._reading = True
        reader, gen = self._reader, self._generation
        workers.run_task(
            _read_frame,
            reader,
            index,
            on_result=lambda out: self._on_read(gen, out),
            on_error=self.failed.emit,
            on_finished=lambda: self._read_finished(gen, reader),
        )

    def _on_read(self, gen: int, out: tuple[int, np.ndarray, QImage]) -> None:
        if gen != self._generation:
            return
        self._frame = out
        index, _bgr, image = out
        self.frame_shown.emit(index, self.time_of(index), image)

    def _read_finished(self, gen: int, reader: Any) -> None:
        self._reading = False
        if gen != self._generation:
            reader.close()
            return
        if self._pending is not None:
            self._start_read(self._pending)
