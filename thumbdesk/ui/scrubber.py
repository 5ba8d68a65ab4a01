"""Timeline: a filmstrip over a frame-accurate slider, and "Use this frame" (U, or Enter).

Dragging is throttled with ``superqt.utils.qthrottled``; each requested frame is read by
``core.decode.FrameReader`` in a worker, one read at a time, always jumping to the latest
request (so a fast drag never queues up stale reads). Arrow keys step one frame, Page Up/Down
one second; a click on the groove or the filmstrip goes straight there. Candidate positions are
marked on the filmstrip.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence, QMouseEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from thumbdesk.ui import jobs, workers
from thumbdesk.ui.candidate_model import bgr_to_qimage, format_time
from thumbdesk.ui.filmstrip import Filmstrip, slider_value_at

logger = logging.getLogger(__name__)

FILMSTRIP_TILES = 16


class JumpSlider(QSlider):
    """A horizontal slider that goes straight to a click on its groove (and drags on from there)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setMinimumHeight(24)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """A click on the groove goes there, not one page towards it."""
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            opt = QStyleOptionSlider()
            self.initStyleOption(opt)
            handle = self.style().subControlRect(
                QStyle.ComplexControl.CC_Slider, opt, QStyle.SubControl.SC_SliderHandle, self
            )
            if not handle.contains(event.position().toPoint()):
                self.setValue(slider_value_at(self, event.position().x()))
        super().mousePressEvent(event)


def _read_frame(reader: Any, index: int) -> tuple[int, np.ndarray, QImage]:
    """Worker body: decode one full-resolution frame and wrap it for display."""
    bgr = reader.read(index)
    return index, bgr, bgr_to_qimage(bgr)


class Scrubber(QWidget):
    """Filmstrip, slider, time label and "Use this frame" over one open video."""

    frame_shown = Signal(int, float, object)
    """(frame index, time in seconds, QImage) each time a scrubbed frame is decoded."""
    use_frame = Signal(int)
    """The creator chose the frame under the slider."""
    failed = Signal(str, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slider = JumpSlider()
        self.slider.setSingleStep(1)
        self.slider.setToolTip(
            "Scrub the video (← → step one frame, PgUp/PgDn one second, Enter uses the frame)"
        )
        self.slider.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.filmstrip = Filmstrip(self.slider)
        self.filmstrip.seek_requested.connect(self.seek)
        self.time_label = QLabel(format_time(0.0))
        self.time_label.setMinimumWidth(self.fontMetrics().horizontalAdvance("0:00.00 · 00000"))
        self.use_action = QAction("&Use this frame", self)
        self.use_action.setShortcut("U")
        self.use_action.setToolTip("Choose the frame under the slider instead of a candidate (U)")
        self.use_action.triggered.connect(self._use_current)
        on_slider = QAction(self.slider)  # Enter / Return while the slider has the focus
        on_slider.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        on_slider.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        on_slider.triggered.connect(self.use_action.trigger)
        self.slider.addAction(on_slider)
        self.use_button = QPushButton("Use this frame")
        self.use_button.setToolTip(self.use_action.toolTip())
        self.use_button.clicked.connect(self.use_action.trigger)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setVerticalSpacing(2)
        layout.addWidget(self.filmstrip, 0, 0)
        layout.addWidget(self.slider, 1, 0)
        layout.addWidget(self.time_label, 1, 1)
        layout.addWidget(self.use_button, 1, 2)
        layout.setColumnStretch(0, 1)

        self._path: str | None = None
        self._strip_path: str | None = None
        self._markers: tuple[list[int], int | None] = ([], None)
        self._reader: Any = None
        self._generation = 0
        self._reading = False
        self._pending: int | None = None
        self._frame: tuple[int, np.ndarray, QImage] | None = None
        self._throttled: Any = None  # superqt's qthrottled, made on first drag
        self.slider.valueChanged.connect(self._on_value)
        self._set_open(False)

    def _use_current(self) -> None:
        self.use_frame.emit(self.slider.value())

    def _set_open(self, is_open: bool) -> None:
        self.setEnabled(is_open)
        self.use_action.setEnabled(is_open)

    # --- opening and closing -----------------------------------------------------------
    def open_video(self, path: str, frame_times_s: Sequence[float] = ()) -> None:
        """Open a frame reader on a video (in a worker); the slider spans its frames.

        ``frame_times_s`` (from a finished run) makes seeking exact on variable frame rates;
        reopening the same video with them keeps the slider, marks and filmstrip.
        """
        same = path == self._path
        keep = self.slider.value() if same else 0
        self._close_reader()
        if not same:
            self._clear_view()
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
            self.filmstrip.set_markers(*self._markers)
            self._update_label(self.slider.value())
            self._set_open(True)
            if self._pending is not None:
                self._start_read(self._pending)

        from thumbdesk.core.decode import FrameReader

        workers.run_task(
            FrameReader, path, times or None, on_result=opened, on_error=self.failed.emit
        )

    def load_filmstrip(self) -> None:
        """Decode the filmstrip's frames in a worker (once per video).

        The window calls this once its analysis has ended: decoding them beside the analysis
        made it about 40% slower on two cores.
        """
        path = self._path
        if path is None or self._strip_path == path:
            return
        self._strip_path = path
        workers.run_task(
            jobs.filmstrip,
            path,
            FILMSTRIP_TILES,
            on_result=lambda tiles: self._strip_ready(path, tiles),
            on_error=lambda m, d: logger.info("filmstrip: %s", m),
        )

    def _strip_ready(self, path: str, tiles: list[tuple[int, QImage]]) -> None:
        if path == self._strip_path:
            self.filmstrip.set_tiles(tiles)

    def close_video(self) -> None:
        """Forget the current video: no reader, an empty timeline."""
        self._close_reader()
        self._clear_view()

    def _close_reader(self) -> None:
        """Drop the reader; an in-flight read closes it when it ends."""
        self._generation += 1
        self._pending = None
        self._frame = None
        self._path = None
        self._set_open(False)
        if self._reader is not None and not self._reading:
            self._reader.close()
        self._reader = None  # a read in flight closes its reader when it finishes

    def _clear_view(self) -> None:
        self._strip_path = None
        self._markers = ([], None)
        self.slider.blockSignals(True)
        self.slider.setRange(0, 0)
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self.filmstrip.clear()
        self.time_label.setText(format_time(0.0))

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
        """Mark candidate frames on the filmstrip; ``best`` in gold."""
        self._markers = (list(frames), best)
        self.filmstrip.set_markers(frames, best)

    def markers(self) -> tuple[list[int], int | None]:
        """The marked candidate frames and the best one."""
        return list(self._markers[0]), self._markers[1]

    def current_frame(self) -> tuple[int, np.ndarray, QImage] | None:
        """(index, full-res BGR, QImage) of the last decoded frame."""
        return self._frame

    def seek(self, index: int) -> None:
        """Move the slider (and decode that frame)."""
        self.slider.setValue(index)

    def show_position(self, index: int) -> None:
        """Put the slider and time label on a frame shown elsewhere, without decoding it."""
        self.slider.blockSignals(True)
        self.slider.setValue(index)
        self.slider.blockSignals(False)
        self._update_label(index)

    def decode(self, index: int) -> None:
        """Decode frame ``index`` (``frame_shown`` follows), wherever the slider is."""
        self._request(index)

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
