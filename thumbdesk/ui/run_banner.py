"""The strip above the work area: stage, progress and Cancel while a video is analysed.

After a cancel it says what was found so far and offers "Analyse again".
"""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from thumbdesk.core.words import count_candidates


class RunBanner(QFrame):
    """Stage name, progress bar and Cancel; or, once cancelled, a note and Analyse again."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("runBanner")
        self.stage = QLabel("Starting…")
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop the analysis; what was found so far stays (Esc)")
        self.again_button = QPushButton("Analyse again")
        self.again_button.setToolTip("Look for the best frames from the start (F5)")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.addWidget(self.stage)
        layout.addWidget(self.bar, 1)
        layout.addStretch(0)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.again_button)
        self._running(True)

    def _running(self, running: bool) -> None:
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        self.again_button.setVisible(not running)
        layout = self.layout()
        if isinstance(layout, QHBoxLayout):
            layout.setStretch(2, 0 if running else 1)

    @property
    def cancelled(self) -> bool:
        """Whether the banner shows a cancelled run."""
        return self.again_button.isVisibleTo(self)

    def set_progress(self, stage: str, fraction: float, message: str) -> None:
        """Show a progress event (and the running state)."""
        self._running(True)
        text = stage[:1].upper() + stage[1:]
        self.stage.setText(f"{text}: {message}" if message else f"{text}…")
        self.bar.setValue(round(max(0.0, min(1.0, fraction)) * 1000))

    def set_cancelled(self, found: int) -> None:
        """Show that the run was cancelled, and how many candidates it had found."""
        self._running(False)
        if found:
            self.stage.setText(f"Analysis cancelled: {count_candidates(found)} found so far.")
        else:
            self.stage.setText("Analysis cancelled before any candidate was found.")
