"""What the creator does with a result: export, copy to the clipboard, edit the topics.

A mixin of the main window (kept apart to keep each module small): every heavy step, the
full-resolution decode, the encode and the re-rank, runs in a worker; errors go to the error
dialog and to the ``export_failed`` signal.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QImage

from thumbdesk.core.types import PipelineConfig, PipelineResult, Topic
from thumbdesk.ui import jobs, workers
from thumbdesk.ui.error_dialog import show_error
from thumbdesk.ui.export_dialog import ExportDialog, ExportRequest
from thumbdesk.ui.topics_dialog import TopicsDialog

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance
    from PySide6.QtWidgets import QStatusBar, QWidget

    from thumbdesk.ui.settings import Settings
    from thumbdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class CreatorActions:
    """Export, copy and topic editing for :class:`~thumbdesk.ui.main_window.MainWindow`."""

    if TYPE_CHECKING:
        settings: Settings
        config: PipelineConfig
        workspace: Workspace
        video_path: str | None
        result: PipelineResult | None
        _scorer: Any
        _topics: tuple[Topic, ...] | None
        exported: SignalInstance
        export_failed: SignalInstance

        def statusBar(self) -> QStatusBar: ...  # noqa: N802, D102
        def _topic_list(self) -> tuple[Topic, ...]: ...
        def _on_done(self, result: PipelineResult) -> None: ...

    def _parent(self) -> QWidget:
        return self  # type: ignore[return-value]

    def export_dialog(self) -> ExportDialog | None:
        """Ctrl+S: open the export dialog for the chosen frame (non-blocking)."""
        choice = self.workspace.choice
        if choice is None or self.video_path is None:
            return None
        from thumbdesk.core.export import PRESETS

        presets = {name: (p.label, p.size) for name, p in PRESETS.items()}
        folder = Path(self.settings.export_folder or Path(self.video_path).parent)
        default = folder / f"{Path(self.video_path).stem}_thumb.{self.settings.export_format}"
        dialog = ExportDialog(
            choice.image,
            presets,
            default,
            preset=self.settings.export_preset,
            fmt=self.settings.export_format,
            crop_center=choice.crop_center,
            parent=self._parent(),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._export(dialog.request()))
        dialog.open()
        return dialog

    def _export(self, request: ExportRequest | None) -> None:
        choice, path = self.workspace.choice, self.video_path
        if request is None or choice is None or path is None:
            return
        self.settings.export_preset = request.preset
        self.settings.export_format = request.dest.suffix.lstrip(".").lower()
        self.statusBar().showMessage(f"Exporting {request.dest.name}…")
        workers.run_task(
            jobs.export_frame,
            path,
            choice.frame_index,
            choice.full_res,
            request,
            self._frame_times(),
            on_result=self._exported,
            on_error=self._export_error,
        )

    def _exported(self, dest: Path) -> None:
        self.settings.export_folder = str(Path(dest).parent)
        self.statusBar().showMessage(f"Saved {dest}", 8000)
        self.exported.emit(Path(dest))

    def _export_error(self, message: str, details: str) -> None:
        self.statusBar().clearMessage()
        show_error(self._parent(), "Export failed", message, details)
        self.export_failed.emit(message)

    def _frame_times(self) -> tuple[float, ...]:
        return self.result.frame_times_s if self.result is not None else ()

    def copy_frame(self) -> None:
        """Copy the chosen frame, full resolution, to the clipboard."""
        choice, path = self.workspace.choice, self.video_path
        if choice is None or path is None:
            return

        def copied(image: QImage) -> None:
            QGuiApplication.clipboard().setImage(image)
            self.statusBar().showMessage("Frame copied to the clipboard", 4000)

        workers.run_task(
            jobs.frame_for_clipboard,
            path,
            choice.frame_index,
            choice.full_res,
            self._frame_times(),
            on_result=copied,
            on_error=lambda m, d: show_error(self._parent(), "Copy failed", m, d),
        )

    def edit_topics(self) -> TopicsDialog | None:
        """Ctrl+T: edit the topic list; accepting re-ranks without decoding again."""
        if self.result is None:
            return None
        dialog = TopicsDialog(self._topic_list(), self.settings.topics_file, self._parent())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_topics(dialog.topics(), dialog.topics_file))
        dialog.open()
        return dialog

    def apply_topics(self, topics: tuple[Topic, ...], topics_file: str = "") -> None:
        """Use a new topic list and re-rank the current result in a worker."""
        self._topics = tuple(topics)
        if topics_file != self.settings.topics_file:
            self.settings.topics_file = topics_file
        result, scorer = self.result, self._scorer
        if result is None:
            return
        scorer = scorer if hasattr(scorer, "score_topics") else None
        self.statusBar().showMessage("Re-ranking…")
        path = self.video_path
        workers.run_task(
            jobs.rerank,
            result,
            scorer,
            self._topics,
            self.config,
            on_result=lambda r: self._on_done(r) if path == self.video_path else None,
            on_error=lambda m, d: show_error(self._parent(), "Re-ranking failed", m, d),
        )
