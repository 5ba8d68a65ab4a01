"""The main window: menus, start screen or workspace, drag-and-drop, opening and analysing.

It owns the session (the open video and its result), the pipeline runner (one run at a time,
stale runs dropped by generation) and the scorer (loaded lazily in a worker after the window is
shown). What the creator does with a result (export, copy, topics) is ``creator_actions``; the
widgets that show things live in ``start_screen``, ``workspace`` and the dialogs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import (
    QAction,
    QActionGroup,
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
)

from thumbdesk.core.formats import video_file_filter
from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.types import PipelineConfig, PipelineResult, VideoInfo
from thumbdesk.core.words import count_candidates
from thumbdesk.ui import jobs, workers
from thumbdesk.ui.creator_actions import CreatorActions
from thumbdesk.ui.error_dialog import show_error
from thumbdesk.ui.resources import app_icon, sample_clip
from thumbdesk.ui.session import UNLOADED, Session
from thumbdesk.ui.settings import Settings, default_video_folder
from thumbdesk.ui.start_screen import StartScreen, dropped_file
from thumbdesk.ui.theme import apply_theme
from thumbdesk.ui.topics_menu import TopicsMenu
from thumbdesk.ui.workspace import Workspace

logger = logging.getLogger(__name__)

VIDEO_FILTER = video_file_filter()


class MainWindow(QMainWindow):
    """ThumbDesk's window; ``load_model=False`` plus ``scorer=`` lets tests inject a scorer."""

    result_ready = Signal(object)
    """The final PipelineResult of the current video (after a run or a re-rank)."""
    scorer_ready = Signal(str)
    """Device description once the scorer is known ("" when running without a model)."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        load_model: bool = True,
        scorer: FrameScorer | None = None,
        config: PipelineConfig | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.config = config or PipelineConfig()
        self.session = Session(scorer=UNLOADED if load_model and scorer is None else scorer)
        self._pending: str | None = None
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(900, 600)

        self.runner = workers.PipelineRunner(self)
        self.start_screen = StartScreen(app_icon())
        self.workspace = Workspace()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.start_screen)
        self.stack.addWidget(self.workspace)
        self.setCentralWidget(self.stack)
        self.device_label = QLabel("Model: not loaded")
        self.statusBar().addPermanentWidget(self.device_label)
        self.creator = CreatorActions(
            self.session, self.settings, self.config, self.workspace, self.statusBar(), self
        )
        self.creator.reranked.connect(self._on_done)

        self._build_menus()
        self.start_screen.open_requested.connect(self.open_dialog)
        self.start_screen.sample_requested.connect(self.open_sample)
        self.start_screen.recent_requested.connect(self.open_video)
        self.workspace.banner.cancel_button.clicked.connect(self.cancel)
        self.workspace.preview.export_requested.connect(self.creator.export_dialog)
        self.workspace.preview.copy_requested.connect(self.creator.copy_frame)
        self.workspace.choice_changed.connect(self._update_actions)
        self.workspace.scrubber.failed.connect(self._scrub_failed)
        self.runner.progress.connect(self.workspace.banner.set_progress)
        self.runner.partial.connect(self.workspace.set_candidates)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self.runner.busy_changed.connect(self._on_busy)
        self.runner.cancelled.connect(self._on_cancelled)
        self.workspace.banner.again_button.clicked.connect(self.analyse_again)

        geometry = self.settings.geometry
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1240, 800)
        self._refresh_recent()
        self._update_title()
        self._update_actions()
        if scorer is not None:
            self._set_device(scorer.device)

    @property
    def video_path(self) -> str | None:
        """The open video (resolved path), or None on the start screen."""
        return self.session.video_path

    @property
    def result(self) -> PipelineResult | None:
        """The open video's final result, or None while it is analysed."""
        return self.session.result

    # --- menus -------------------------------------------------------------------------
    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)

        def run(_checked: bool = False) -> None:
            slot()

        action.triggered.connect(run)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.open_action = self._action(
            "&Open video…", self.open_dialog, QKeySequence.StandardKey.Open
        )
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.sample_action = self._action("Try the &sample clip", self.open_sample)
        self.export_action = self._action(
            "&Export thumbnail…", self.creator.export_dialog, QKeySequence.StandardKey.Save
        )
        self.copy_action = self._action("&Copy frame", self.creator.copy_frame, "Ctrl+Shift+C")
        self.close_action = self._action(
            "&Close video", self.close_video, QKeySequence.StandardKey.Close
        )
        quit_action = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        file_menu.insertAction(self.recent_menu.menuAction(), self.open_action)
        for action in (
            self.sample_action,
            None,
            self.export_action,
            self.copy_action,
            None,
            self.close_action,
            quit_action,
        ):
            file_menu.addAction(action) if action else file_menu.addSeparator()
        edit_menu = bar.addMenu("&Edit")
        self.cancel_action = self._action("C&ancel analysis", self.cancel, "Esc")
        self.again_action = self._action("Analyse &again", self.analyse_again, "F5")
        edit_menu.addAction(self.workspace.scrubber.use_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.cancel_action)
        edit_menu.addAction(self.again_action)
        self.topics_menu = TopicsMenu(self.creator, self.settings, self)
        self.topics_action = self.topics_menu.edit_action
        bar.addMenu(self.topics_menu)
        self.statusBar().insertPermanentWidget(0, self.topics_menu.name_label)
        view_menu = bar.addMenu("&View")
        theme_menu = view_menu.addMenu("&Colours")
        group = QActionGroup(self)
        for key, label in (("system", "Follow system"), ("light", "Light"), ("dark", "Dark")):
            action = self._action(label, lambda k=key: self.set_theme(k))
            action.setCheckable(True)
            action.setChecked(self.settings.theme == key)
            group.addAction(action)
            theme_menu.addAction(action)
        view_menu.addAction(self.workspace.rejected_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&About ThumbDesk", self._about))

    def _refresh_recent(self) -> None:
        recent = self.settings.recent_files()
        self.recent_menu.clear()
        for path in recent:
            self.recent_menu.addAction(
                self._action(Path(path).name, lambda p=path: self.open_video(p), tip=path)
            )
        if recent:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self._action("Clear list", self._clear_recent))
        self.recent_menu.setEnabled(bool(recent))
        self.start_screen.set_recent(recent)

    def _clear_recent(self) -> None:
        self.settings.clear_recent_files()
        self._refresh_recent()

    def _update_title(self) -> None:
        name = Path(self.video_path).name if self.video_path else ""
        self.setWindowTitle(f"{name} — ThumbDesk" if name else "ThumbDesk")

    def _update_actions(self) -> None:
        chosen = self.workspace.choice is not None
        self.export_action.setEnabled(chosen)
        self.copy_action.setEnabled(chosen)
        self.topics_action.setEnabled(self.result is not None and not self.runner.busy)
        self.topics_menu.set_busy(self.runner.busy)
        self.cancel_action.setEnabled(self.runner.busy)
        self.again_action.setEnabled(self.video_path is not None and not self.runner.busy)
        self.close_action.setEnabled(self.video_path is not None)

    def set_theme(self, theme: str) -> None:
        """Switch colours (remembered)."""
        self.settings.theme = theme
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, theme)
        self._refresh_recent()

    def _about(self) -> None:
        from thumbdesk import __version__

        QMessageBox.about(
            self,
            "About ThumbDesk",
            f"<b>ThumbDesk {__version__}</b><p>Pick the thumbnail viewers click, offline.</p>"
            "<p>Sample clip: Big Buck Bunny © Blender Foundation, CC-BY 3.0.</p>",
        )

    # --- scorer ------------------------------------------------------------------------
    def start_loading_model(self, device: str = "auto") -> None:
        """Load the scorer in a worker (the models take a while to load); runs wait for it."""
        if self.session.scorer_loaded:
            return
        self.device_label.setText("Model: loading…")
        workers.run_task(
            jobs.load_scorer, device, on_result=self._scorer_loaded, on_error=self._scorer_failed
        )

    def _scorer_loaded(self, scorer: FrameScorer | None) -> None:
        self.session.scorer = scorer
        self._set_device(scorer.device if scorer is not None else "")
        self._start_pending()

    def _scorer_failed(self, message: str, details: str) -> None:
        self.session.scorer = None
        self._set_device("")
        show_error(
            self, "Model unavailable", f"{message}\nRanking uses neutral popularity.", details
        )
        self._start_pending()

    def _set_device(self, device: str) -> None:
        self.device_label.setText(
            f"Scoring on {device}" if device else "No model: neutral popularity"
        )
        self.device_label.setToolTip(device or "The topic model is not available")
        self.scorer_ready.emit(device)

    # --- opening and running -----------------------------------------------------------
    def open_dialog(self) -> None:
        """File > Open."""
        folder = self.settings.last_folder
        if not Path(folder).is_dir():
            folder = default_video_folder()
        path, _ = QFileDialog.getOpenFileName(self, "Open video", folder, VIDEO_FILTER)
        if path:
            self.open_video(path)

    def open_sample(self) -> None:
        """Open the bundled sample clip (kept out of Recent and of the Open dialog's folder)."""
        path = sample_clip()
        if path is None:
            show_error(self, "Sample clip missing", "The sample clip is not part of this build.")
            return
        self.open_video(str(path), remember=False)

    def open_video(self, path: str, *, remember: bool = True) -> None:
        """Open a video: cancel any run, clear old results, probe and analyse it.

        A video that opens (its probe succeeds) goes into Recent unless ``remember`` is False.
        """
        if not Path(path).is_file():
            show_error(self, "Cannot open video", f"{path} does not exist or is not a file.")
            return
        self.runner.cancel()
        probed = self.session.video_path = str(Path(path).resolve())
        self.session.result = None
        self._update_title()
        self.workspace.reset(probed)
        self.stack.setCurrentWidget(self.workspace)
        self.workspace.set_video(probed)
        workers.run_task(
            jobs.probe_video,
            probed,
            on_result=lambda info: self._probed(probed, info, remember),
            on_error=lambda m, d: logger.info("probe failed: %s", m),
        )
        self._pending = probed
        if not self.session.scorer_loaded:
            self.workspace.banner.set_progress("loading the model", 0.0, "")
            self.workspace.banner.setVisible(True)
            self.start_loading_model()
        else:
            self._start_pending()

    def _probed(self, path: str, info: VideoInfo, remember: bool) -> None:
        if path != self.video_path:
            return
        self.workspace.set_info(info)
        if remember:
            self.settings.add_recent_file(path)
            self._refresh_recent()

    def analyse_again(self) -> None:
        """Analyse the open video from the start (after a cancel, say); results so far stay."""
        if self.video_path is None or self.runner.busy:
            return
        self._pending = self.video_path
        self._start_pending()

    def _start_pending(self) -> None:
        if self._pending is None or not self.session.scorer_loaded:
            return
        path, self._pending = self._pending, None
        self.runner.start(path, self.config, self.session.scorer, self.creator.topic_list())

    def cancel(self) -> None:
        """Stop the analysis (results so far stay on screen)."""
        self._pending = None
        self.runner.cancel()

    def close_video(self) -> None:
        """Back to the start screen."""
        self.cancel()
        self.session.video_path = self.session.result = None
        self.workspace.reset()
        self.stack.setCurrentWidget(self.start_screen)
        self._update_title()
        self._update_actions()

    def _on_busy(self, busy: bool) -> None:
        self.workspace.banner.setVisible(busy)
        if busy:
            self.workspace.banner.set_progress("starting", 0.0, "")
        self._update_actions()

    def _on_cancelled(self) -> None:
        self.statusBar().showMessage("Cancelled", 4000)
        if self.video_path is not None:
            self.workspace.show_cancelled()

    def _on_done(self, result: PipelineResult) -> None:
        self.session.result = result
        self.workspace.set_result(result)
        self._update_actions()
        self.statusBar().showMessage(f"{count_candidates(len(result.candidates))} ready", 5000)
        self.result_ready.emit(result)

    def _on_failed(self, message: str, details: str) -> None:
        self.workspace.preview.show_frame(None, "No thumbnail", message)
        show_error(self, "Cannot analyse this video", message, details)

    def _scrub_failed(self, message: str, details: str) -> None:
        self.statusBar().showMessage(f"Timeline: {message}", 6000)
        logger.warning("scrubber: %s", message)

    # --- drag and drop, closing ----------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802
        """Accept a dragged local file."""
        if dropped_file(event):
            event.acceptProposedAction()
            self.start_screen.zone.set_active(True)

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802
        """Stop highlighting."""
        self.start_screen.zone.set_active(False)

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802
        """Open the dropped video (cancelling any run in progress)."""
        self.start_screen.zone.set_active(False)
        path = dropped_file(event)
        if path:
            event.acceptProposedAction()
            self.open_video(path)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Remember geometry; stop every worker before the window goes."""
        self.settings.geometry = self.saveGeometry()
        self.settings.sync()
        self.cancel()
        self.workspace.scrubber.close_video()
        workers.shutdown(10_000)
        super().closeEvent(event)
