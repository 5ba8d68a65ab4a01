"""Error dialog: a clear one-line message, and the full details one click away to copy.

Used for every error a creator can meet (corrupt file, unsupported codec, read-only folder,
crash). The dialog is window-modal but opened without blocking (``open``), so a worker's error
never stalls the event loop; with dialogs disabled (headless runs) errors are only logged.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from thumbdesk import crash

logger = logging.getLogger(__name__)


class ErrorDialog(QDialog):
    """Message, optional hint, collapsible details and a Copy button."""

    def __init__(
        self, title: str, message: str, details: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(size)
        )
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_label = QLabel(message)
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.message_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.message_label.setFont(font)

        self.details = QPlainTextEdit(details or message)
        self.details.setReadOnly(True)
        mono = QFont("monospace")
        mono.setStyleHint(QFont.StyleHint.TypeWriter)
        self.details.setFont(mono)
        self.details.setVisible(False)
        self.details.setMinimumHeight(180)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.toggle_button = QPushButton("Show details")
        self.toggle_button.setCheckable(True)
        self.toggle_button.toggled.connect(self._toggle_details)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.clicked.connect(self.copy_details)
        buttons.addButton(self.toggle_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.message_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)

    def _toggle_details(self, shown: bool) -> None:
        self.details.setVisible(shown)
        self.toggle_button.setText("Hide details" if shown else "Show details")
        self.adjustSize()

    def copy_details(self) -> None:
        """Put the message and details on the clipboard."""
        text = self.details.toPlainText()
        QGuiApplication.clipboard().setText(f"{self.message_label.text()}\n\n{text}")


def show_error(
    parent: QWidget | None, title: str, message: str, details: str = ""
) -> ErrorDialog | None:
    """Log the error and show it without blocking; returns the dialog (None if headless)."""
    logger.error("%s: %s", title, message)
    if details:
        logger.debug("details:\n%s", details)
    if not crash.dialogs_enabled():
        return None
    dialog = ErrorDialog(title, message, details, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
