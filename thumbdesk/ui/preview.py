"""Large preview of the chosen frame, with its score broken down as a small bar chart.

``ImageView`` draws a QImage fitted to its rectangle; ``ScoreBars`` draws quality,
representativeness, popularity and face (with their weights) for a candidate; ``PreviewPane`` puts
them together with a caption, the topic tags and the Export / Copy buttons.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from thumbdesk.core.types import ScoreBreakdown
from thumbdesk.ui.theme import BACKDROP, ON_BACKDROP, SCORE_COLOURS, accent

BAR_NAMES = ("Quality", "Representativeness", "Popularity", "Face")
BAR_MEANINGS = (
    "sharpness against the rest of the clip, exposure, detail and faces",
    "how much of the video this frame's shot stands for",
    "how strongly the frame shows the topics viewers click on",
    "a large face turned to the camera, smiling (counts only in a clip with faces)",
)
"""One per term of ``ScoreBreakdown.terms``, in its order."""


class ImageView(QWidget):
    """A QImage fitted into the widget, aspect kept, on a dark backdrop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._placeholder = "No frame chosen yet"
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 135)

    def set_image(self, image: QImage | None, placeholder: str = "") -> None:
        """Show an image (None shows the placeholder text)."""
        self._image = image
        if placeholder:
            self._placeholder = placeholder
        self.update()

    def image(self) -> QImage | None:
        """Return the image shown."""
        return self._image

    def sizeHint(self) -> QSize:  # noqa: N802
        """16:9 by default."""
        return QSize(560, 315)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Fit the image, centred, with smooth scaling."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BACKDROP)
        painter.drawRoundedRect(QRectF(self.rect()), 8, 8)
        if self._image is None or self._image.isNull():
            painter.setPen(ON_BACKDROP)
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            return
        size = self._image.deviceIndependentSize().toSize()
        size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        target = QRect(0, 0, size.width(), size.height())
        target.moveCenter(self.rect().center())
        painter.drawImage(target, self._image)


class ScoreBars(QWidget):
    """One horizontal bar per score term (quality, representativeness, popularity, face), 0..1.

    A term that weighs nothing in the candidate's clip (face, where no candidate shows one) has
    no bar.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._breakdown: ScoreBreakdown | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_breakdown(self, breakdown: ScoreBreakdown | None) -> None:
        """Show a candidate's breakdown (None hides the bars)."""
        self._breakdown = breakdown
        self.setVisible(breakdown is not None)
        self.setToolTip(self._explain())
        self.updateGeometry()
        self.update()

    def names(self) -> tuple[str, ...]:
        """The names of the bars shown (the terms that weigh in the score)."""
        return tuple(BAR_NAMES[i] for i in self._rows())

    def _rows(self) -> list[int]:
        b = self._breakdown
        if b is None:
            return list(range(len(BAR_NAMES)))
        return [i for i, weight in enumerate(b.weights) if weight > 0]

    def _explain(self) -> str:
        """One line per bar: what it measures, its value and its share of the score."""
        b = self._breakdown
        if b is None:
            return ""
        total = sum(b.weights) or 1.0
        lines = [
            f"{BAR_NAMES[i]} {b.terms[i]:.2f}: {BAR_MEANINGS[i]}; "
            f"counts {b.weights[i] / total * 100:.0f}% of the score"
            for i in self._rows()
        ]
        return "\n".join(lines)

    def values(self) -> tuple[float, float, float, float] | None:
        """Return the values shown, or None."""
        b = self._breakdown
        return None if b is None else b.terms

    def _row_height(self) -> int:
        return QFontMetrics(self.font()).height() + 8

    def sizeHint(self) -> QSize:  # noqa: N802
        """A row per bar."""
        return QSize(320, len(self._rows()) * self._row_height() + 4)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """A row per bar, narrow."""
        return QSize(200, len(self._rows()) * self._row_height() + 4)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Label, bar, value, weight on each row."""
        if self._breakdown is None:
            return
        b = self._breakdown
        values = b.terms
        total_w = sum(b.weights) or 1.0
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        label_w = fm.horizontalAdvance("Representativeness") + 12
        value_w = fm.horizontalAdvance("0.00 ×00%") + 12
        row_h = self._row_height()
        track = self.palette().color(QPalette.ColorRole.Mid)
        track.setAlpha(90)
        text = self.palette().color(QPalette.ColorRole.WindowText)
        for row, i in enumerate(self._rows()):
            name, value, weight = BAR_NAMES[i], values[i], b.weights[i]
            top = 2 + row * row_h
            painter.setPen(text)
            painter.drawText(QRect(0, top, label_w, row_h), Qt.AlignmentFlag.AlignVCenter, name)
            bar = QRectF(label_w, top + row_h / 2 - 5, self.width() - label_w - value_w, 10)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(track)
            painter.drawRoundedRect(bar, 5, 5)
            fill = QRectF(bar)
            fill.setWidth(max(0.0, min(1.0, value)) * bar.width())
            painter.setBrush(SCORE_COLOURS[i])
            if fill.width() > 0:
                painter.drawRoundedRect(fill, 5, 5)
            painter.setPen(text)
            painter.drawText(
                QRect(self.width() - value_w + 8, top, value_w, row_h),
                Qt.AlignmentFlag.AlignVCenter,
                f"{value:.2f} ×{weight / total_w * 100:.0f}%",
            )


class PreviewPane(QWidget):
    """The chosen frame, large, with caption, score bars, tags and export buttons."""

    export_requested = Signal()
    copy_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = ImageView()
        self.caption = QLabel("")
        font = QFont(self.caption.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.caption.setFont(font)
        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.tags = QLabel("")
        self.tags.setWordWrap(True)
        self.tags.setTextFormat(Qt.TextFormat.RichText)
        self.tags.setToolTip("Topics seen in this frame, with how strongly each one shows")
        self.bars = ScoreBars()
        self.bars.setVisible(False)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Save the chosen frame as a thumbnail (Ctrl+S)")
        self.export_button.setDefault(True)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the chosen frame to the clipboard (Ctrl+Shift+C)")
        self.export_button.clicked.connect(self.export_requested)
        self.copy_button.clicked.connect(self.copy_requested)
        self.set_actions_enabled(False)

        buttons = QHBoxLayout()
        buttons.addWidget(self.caption, 1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.detail)
        layout.addWidget(self.tags)
        layout.addWidget(self.bars)

    def set_actions_enabled(self, enabled: bool) -> None:
        """Enable Export / Copy once a frame is chosen."""
        self.export_button.setEnabled(enabled)
        self.copy_button.setEnabled(enabled)

    def show_frame(
        self,
        image: QImage | None,
        caption: str,
        detail: str = "",
        breakdown: ScoreBreakdown | None = None,
        tags: list[tuple[str, float]] | None = None,
    ) -> None:
        """Show a frame with its caption, optional score breakdown and topic tags."""
        self.view.set_image(image, "" if image is not None else "The chosen frame shows here")
        self.caption.setText(caption)
        colour = accent(self.palette()).name()
        self.detail.setText(detail)
        self.detail.setVisible(bool(detail))
        self.tags.setText(
            " ".join(
                f"<span style='color:{colour}'>#{html.escape(word)}</span>&nbsp;{score:.2f}"
                for word, score in tags or ()
            )
        )
        self.tags.setVisible(bool(tags))
        self.bars.set_breakdown(breakdown)
        self.set_actions_enabled(image is not None)
