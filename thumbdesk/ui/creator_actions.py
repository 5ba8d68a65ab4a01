"""What the creator does with a result: export, copy to the clipboard, edit the topics.

``CreatorActions`` is an object of its own beside the window. Its interface: it reads the open
video from a :class:`~thumbdesk.ui.session.Session` and the chosen frame from the
:class:`~thumbdesk.ui.workspace.Workspace`, writes messages to a status bar, and reports through
its signals (``exported``, ``export_failed``, ``reranked``). Every heavy step, the
full-resolution decode, the encode and the re-rank, runs in a worker; errors go to the error
dialog and to ``export_failed``. The title typed for a video is kept while that video is open;
adjustments belong to one frame (another candidate starts neutral). The preset and format are
remembered only after an export succeeds, one preset for vertical frames and one for others.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QStatusBar, QWidget

from thumbdesk.core.types import Adjustments, ExportRequest, PipelineConfig, Topic
from thumbdesk.ui import jobs, topic_lists, workers
from thumbdesk.ui.error_dialog import show_error
from thumbdesk.ui.export_dialog import ExportDialog
from thumbdesk.ui.session import Session
from thumbdesk.ui.settings import Settings
from thumbdesk.ui.topics_dialog import TopicsDialog
from thumbdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)


class CreatorActions(QObject):
    """Export, copy and topic editing on the session's video and the workspace's choice."""

    exported = Signal(object)
    """Path written by an export (a list of paths when every size is written at once)."""
    export_failed = Signal(str)
    """One-line message of a failed export."""
    topics_changed = Signal(str)
    """The name of the topic list in use, each time it is loaded or changed."""
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
        self._topics_warning = ""
        self._memory: dict[str, Any] = {"video": None, "title": None, "adjust": {}}

    # --- export ------------------------------------------------------------------------
    def _export_memory(self) -> dict[str, Any]:
        """Title and per-frame adjustments of the open video (forgotten for another video)."""
        if self._memory["video"] != self.session.video_path:
            self._memory = {"video": self.session.video_path, "title": None, "adjust": {}}
        return self._memory

    def export_dialog(self) -> ExportDialog | None:
        """Ctrl+S: open the export dialog for the chosen frame (non-blocking)."""
        choice, video = self.workspace.choice, self.session.video_path
        if choice is None or video is None:
            return None
        vertical = choice.image.height() > choice.image.width()
        preset = self.settings.export_preset_vertical if vertical else self.settings.export_preset
        memory = self._export_memory()
        folder = Path(self.settings.export_folder or Path(video).parent)
        default = folder / f"{Path(video).stem}_thumb.{self.settings.export_format}"
        from thumbdesk.core import bars
        from thumbdesk.core.reframe import default_centre, subjects_of

        result = self.session.result
        candidate = choice.candidate
        picture_box = result.picture_box if result is not None else bars.FULL_PICTURE
        picture_size = None
        if result is not None and choice.full_res is None:  # the candidate's picture, full size
            _, _, width, height = bars.pixel_box(
                picture_box, (result.video.width, result.video.height)
            )
            picture_size = (width, height)
        dialog = ExportDialog(
            choice.image,
            default,
            preset=preset,
            fmt=self.settings.export_format,
            crop_center=default_centre(candidate) if candidate is not None else None,
            picture_box=picture_box,
            subjects=tuple(subjects_of(candidate)) if candidate is not None else (),
            picture_size=picture_size,
            title=memory["title"],
            adjustments=memory["adjust"].get(choice.frame_index, Adjustments()),
            caption=Path(video).stem,
            duration_s=result.video.duration_s if result is not None else 0.0,
            parent=self.window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        frame_index = choice.frame_index

        def remember() -> None:
            memory["title"] = dialog.title_style()
            memory["adjust"][frame_index] = dialog.adjustments()

        dialog.finished.connect(remember)
        dialog.accepted.connect(lambda: self.export(dialog.request(), vertical))
        dialog.open()
        return dialog

    def export(self, request: ExportRequest | None, vertical: bool = False) -> None:
        """Write the chosen frame as ``request`` asks, in a worker."""
        choice, video = self.workspace.choice, self.session.video_path
        if request is None or choice is None or video is None:
            return
        names = "all sizes" if request.preset == "all" else request.dest.name
        self.status.showMessage(f"Exporting {names}…")
        workers.run_task(
            jobs.export_frame,
            video,
            choice.frame_index,
            choice.full_res,
            request,
            self.session.frame_times_s,
            on_result=lambda written: self._exported(written, request, vertical),
            on_error=self._export_error,
        )

    def _exported(self, written: list[Path], request: ExportRequest, vertical: bool) -> None:
        """Remember the choices (only now: a failed export changes nothing) and report."""
        if request.preset != "all":
            if vertical:
                self.settings.export_preset_vertical = request.preset
            else:
                self.settings.export_preset = request.preset
        suffix = request.dest.suffix.lstrip(".").lower().replace("jpeg", "jpg")
        self.settings.export_format = suffix
        self.settings.export_folder = str(Path(written[0]).parent)
        shown = ", ".join(p.name for p in written) if len(written) > 1 else str(written[0])
        self.status.showMessage(f"Saved {shown}", 8000)
        self.exported.emit(Path(written[0]) if len(written) == 1 else list(written))

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
    def _reranked(self, video: str | None, result: object) -> None:
        if video == self.session.video_path:
            self.reranked.emit(result)
        if self._topics_warning:  # after the window's "ready" message, so it stays in view
            self.status.showMessage(self._topics_warning, 30_000)
            self._topics_warning = ""

    def topic_list(self) -> tuple[Topic, ...]:
        """The topic list in use (loaded from the settings the first time)."""
        if self.session.topics is None:
            try:
                self.session.topics = topic_lists.load_active(
                    self.settings, lambda msg: self.status.showMessage(msg, 30_000)
                )
            except Exception as exc:  # no topic list at all: still rank by quality
                logger.warning("no topic list: %s", exc)
                self.session.topics = ()
            self.topics_changed.emit(topic_lists.list_name(self.settings))
        return self.session.topics

    def use_preset(self, preset: str) -> None:
        """Rank with an audience preset from now on (re-ranking the open result)."""
        topics = topic_lists.choose_preset(self.settings, preset)
        self._use_topics(topics)

    def edit_topics(self) -> TopicsDialog | None:
        """Ctrl+T: edit the topic list; accepting re-ranks without decoding again."""
        if self.session.result is None:
            return None
        dialog = TopicsDialog(self.topic_list(), self.settings.topics_file, self.window)
        name = topic_lists.list_name(self.settings)
        dialog.setWindowTitle(f"Topics: {name}")
        dialog.file_label.setText(name)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.apply_topics(dialog.topics(), dialog.topics_file))
        dialog.open()
        return dialog

    def apply_topics(self, topics: tuple[Topic, ...], topics_file: str = "") -> None:
        """Use a new topic list (kept for next time) and re-rank the current result."""
        self._topics_warning = topic_lists.remember(self.settings, topics, topics_file)
        self._use_topics(tuple(topics))
        if self._topics_warning and self.session.result is None:
            self.status.showMessage(self._topics_warning, 30_000)

    def _use_topics(self, topics: tuple[Topic, ...]) -> None:
        self.session.topics = topics
        self.topics_changed.emit(topic_lists.list_name(self.settings))
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
            on_result=lambda r: self._reranked(video, r),
            on_error=lambda m, d: show_error(self.window, "Re-ranking failed", m, d),
        )
