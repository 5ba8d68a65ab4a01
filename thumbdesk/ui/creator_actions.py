"""What the creator does with a result: export, copy to the clipboard, edit the topics.

``CreatorActions`` is an object of its own beside the window. Its interface: it reads the open
video from a :class:`~thumbdesk.ui.session.Session` and the chosen frame from the
:class:`~thumbdesk.ui.workspace.Workspace`, writes messages to a status bar, and reports through
its signals (``exported``, ``export_failed``, ``reranked``). Every heavy step, the
full-resolution decode, the encode and the re-rank, runs in a worker; errors go to the error
dialog and to ``export_failed``.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QStatusBar, QWidget

from thumbdesk.core.types import PipelineConfig, Topic
from thumbdesk.ui import jobs, workers
from thumbdesk.ui.error_dialog import show_error
from thumbdesk.ui.export_dialog import ExportDialog, ExportRequest
from thumbdesk.ui.session import Session
from thumbdesk.ui.settings import Settings
from thumbdesk.ui.topics_dialog import TopicsDialog
from thumbdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class CreatorActions(QObject):
    """Export, copy and topic editing on the session's video and the workspace's choice."""

    exported = Signal(object)
    """Path written by an export."""
    export_failed = Signal(str)
    """One-line message of a failed export."""
    reranked = Signal(object)
    """The PipelineResult re-ranked with a new topic list (for the video still open)."""

    def __init__(
        self,
        session: Session,
        settings: Settings,
        config: PipelineConfig,
        workspace: Workspace,
        status: QStatusBar,
        window: QWidget,
    ) -> None:
        super().__init__(window)
        self.session = session
        self.settings = settings
        self.config = config
        self.workspace = workspace
        self.status = status
        self.window = window
        """Parent of the dialogs."""

    # --- export ------------------------------------------------------------------------
    def export_dialog(self) -> ExportDialog | None:
        """Ctrl+S: open the export dialog for the chosen frame (non-blocking)."""
        choice, video = self.workspace.choice, self.session.video_path
        if choice is None or video is None:
            return None
        from thumbdesk.core.export import PRESETS

        presets = {name: (p.label, p.size) for name, p in PRESETS.items()}
        folder = Path(self.settings.export_folder or Path(video).parent)
        default = folder / f"{Path(video).stem}_thumb.{self.settings.export_format}"
        dialog = ExportDialog(
            choice.image,
            presets,
            default,
            preset=self.settings.export_preset,
            fmt=self.settings.export_format,
            crop_center=choice.crop_center,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.export(dialog.request()))
        dialog.open()
        return dialog

    def export(self, request: ExportRequest | None) -> None:
        """Write the chosen frame as ``request`` asks, in a worker."""
        choice, video = self.workspace.choice, self.session.video_path
        if request is None or choice is None or video is None:
            return
        self.settings.export_preset = request.preset
        self.settings.export_format = request.dest.suffix.lstrip(".").lower()
        self.status.showMessage(f"Exporting {request.dest.name}…")
        workers.run_task(
            jobs.export_frame,
            video,
            choice.frame_index,
            choice.full_res,
            request,
            self.session.frame_times_s,
            on_result=self._exported,
            on_error=self._export_error,
        )

    def _exported(self, dest: Path) -> None:
        self.settings.export_folder = str(Path(dest).parent)
        self.status.showMessage(f"Saved {dest}", 8000)
        self.exported.emit(Path(dest))

    def _export_error(self, message: str, details: str) -> None:
        self.status.clearMessage()
        show_error(self.window, "Export failed", message, details)
        self.export_failed.emit(message)

    # --- clipboard ---------------------------------------------------------------------
    def copy_frame(self) -> None:
        """Copy the chosen frame, full resolution, to the clipboard."""
        choice, video = self.workspace.choice, self.session.video_path
        if choice is None or video is None:
            return

        def copied(image: QImage) -> None:
            QGuiApplication.clipboard().setImage(image)
            self.status.showMessage("Frame copied to the clipboard", 4000)

        workers.run_task(
            jobs.frame_for_clipboard,
            video,
            choice.frame_index,
            choice.full_res,
            self.session.frame_times_s,
            on_result=copied,
            on_error=lambda m, d: show_error(self.window, "Copy failed", m, d),
        )

    # --- topics ------------------------------------------------------------------------
    def topic_list(self) -> tuple[Topic, ...]:
        """The topic list in use (loaded from the settings the first time)."""
        if self.session.topics is None:
            try:
                self.session.topics = jobs.initial_topics(
                    self.settings.topics_file, lambda msg: self.status.showMessage(msg, 30_000)
                )
            except Exception as exc:  # no topic list at all: still rank by quality
                logger.warning("no topic list: %s", exc)
                self.session.topics = ()
        return self.session.topics

    def edit_topics(self) -> TopicsDialog | None:
        """Ctrl+T: edit the topic list; accepting re-ranks without decoding again."""
        if self.session.result is None:
            return None
        dialog = TopicsDialog(self.topic_list(), self.settings.topics_file, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_topics(dialog.topics(), dialog.topics_file))
        dialog.open()
        return dialog

    def apply_topics(self, topics: tuple[Topic, ...], topics_file: str = "") -> None:
        """Use a new topic list and re-rank the current result in a worker."""
        self.session.topics = tuple(topics)
        if topics_file != self.settings.topics_file:
            self.settings.topics_file = topics_file
        result, scorer = self.session.result, self.session.scorer
        if result is None:
            return
        scorer = scorer if hasattr(scorer, "score_topics") else None
        self.status.showMessage("Re-ranking…")
        video = self.session.video_path
        workers.run_task(
            jobs.rerank,
            result,
            scorer,
            self.session.topics,
            self.config,
            on_result=lambda r: self.reranked.emit(r) if video == self.session.video_path else None,
            on_error=lambda m, d: show_error(self.window, "Re-ranking failed", m, d),
        )
