"""The empty start screen: what to do, a drop target, Open, recent files, the sample clip."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QFont,
    QGuiApplication,
    QIcon,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


def dropped_file(event: QDragEnterEvent | QDropEvent) -> str | None:
    """The first local file a drag carries, or None."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).is_file():
            return url.toLocalFile()
    return None


class DropZone(QWidget):
    """A dashed rounded frame that lights up while a video is dragged over the window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._active = False

    def set_active(self, active: bool) -> None:
        """Highlight while a drag hovers the window."""
        self._active = active
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Dashed border; filled with a hint of the highlight colour while dragging."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        colour = highlight if self._active else self.palette().color(QPalette.ColorRole.Mid)
        pen = QPen(colour, 2.0, Qt.PenStyle.DashLine)
        painter.setPen(pen)
        if self._active:
            fill = QColor(highlight)
            fill.setAlpha(40)
            painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(2, 2, -2, -2), 18, 18)


class StartScreen(QWidget):
    """Shown until a video is open."""

    open_requested = Signal()
    sample_requested = Signal()
    recent_requested = Signal(str)

    def __init__(self, icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startScreen")
        self.zone = DropZone(self)
        logo = QLabel()
        logo.setPixmap(icon.pixmap(96, 96))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("Drop a short video here")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint = QLabel(
            "ThumbDesk looks at every shot, skips dark, blurry and repeated frames, and ranks "
            "the rest by quality, how well they represent the video, how popular their "
            "topics are and how well they show a face. Pick one, fine-tune it on the "
            "timeline, and export."
        )
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        hint.setFixedWidth(540)
        hint.setMinimumHeight(hint.heightForWidth(540))
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        self.open_button = QPushButton("Open video…")
        self.open_button.setToolTip("Ctrl+O")
        self.open_button.setDefault(True)
        self.sample_button = QPushButton("Try the sample clip")
        self.sample_button.setToolTip("Big Buck Bunny, 5 seconds (Blender Foundation, CC-BY)")
        for button in (self.open_button, self.sample_button):
            button.setMinimumHeight(36)
            button.setMinimumWidth(170)
        self.open_button.clicked.connect(self.open_requested)
        self.sample_button.clicked.connect(self.sample_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.sample_button)
        buttons.addStretch(1)

        self.recent_title = QLabel("Recent")
        self.recent_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        bold = QFont(self.recent_title.font())
        bold.setBold(True)
        self.recent_title.setFont(bold)
        self.recent_box = QVBoxLayout()
        self.recent_box.setSpacing(2)

        inner = QVBoxLayout(self.zone)
        inner.setContentsMargins(40, 40, 40, 40)
        inner.addStretch(2)
        inner.addWidget(logo)
        inner.addSpacing(8)
        inner.addWidget(title)
        inner.addWidget(hint, 0, Qt.AlignmentFlag.AlignHCenter)
        inner.addSpacing(16)
        inner.addLayout(buttons)
        inner.addSpacing(24)
        inner.addWidget(self.recent_title)
        inner.addLayout(self.recent_box)
        inner.addStretch(3)
        formats = QLabel("MP4, MOV, MKV, WebM, AVI · best for 5-60 s clips")
        formats.setAlignment(Qt.AlignmentFlag.AlignCenter)
        formats.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        inner.addWidget(formats)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 24, 24, 24)
        outer.addWidget(self.zone)
        self.set_recent([])

    def set_recent(self, paths: list[str]) -> None:
        """Show up to five recent videos as flat link buttons."""
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        # The application's palette, not this widget's: right after a scheme change the
        # widget's own palette still holds the old scheme.
        link = QGuiApplication.palette().color(QPalette.ColorRole.Link)
        for path in paths[:5]:
            button = QPushButton(Path(path).name)
            button.setFlat(True)
            button.setToolTip(path)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            palette = button.palette()  # the scheme's link colour, light or dark
            palette.setColor(QPalette.ColorRole.ButtonText, link)
            button.setPalette(palette)
            button.clicked.connect(lambda _=False, p=path: self.recent_requested.emit(p))
            self.recent_box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.recent_title.setVisible(bool(paths))

    def recent_buttons(self) -> list[QPushButton]:
        """The recent-file links shown."""
        items = (self.recent_box.itemAt(i) for i in range(self.recent_box.count()))
        return [w for item in items if item and isinstance(w := item.widget(), QPushButton)]
