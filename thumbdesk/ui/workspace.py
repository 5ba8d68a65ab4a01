"""The work area once a video is open, and which frame the creator has chosen.

Run banner, candidate grid, rejected frames, preview and timeline; the choice is a candidate
or a frame scrubbed to on the timeline.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction, QImage, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from thumbdesk.core.types import Candidate, PipelineResult, Rejection, VideoInfo
from thumbdesk.core.words import count_candidates, count_of
from thumbdesk.ui.candidate_delegate import CandidateDelegate
from thumbdesk.ui.candidate_model import (
    CandidateModel,
    flag_text,
    format_time,
)
from thumbdesk.ui.preview import PreviewPane
from thumbdesk.ui.run_banner import RunBanner
from thumbdesk.ui.scrubber import Scrubber

logger = logging.getLogger(__name__)

REASONS = {
    "dark": "too dark",
    "blurry": "blurry",
    "uniform": "flat colour",
    "broken": "damaged",
    "duplicate": "repeats another frame",
}


@dataclass(frozen=True, eq=False)
class Choice:
    """The frame the creator will export: a candidate or a frame picked on the timeline."""

    frame_index: int
    time_s: float
    image: QImage
    candidate: Candidate | None = None
    full_res: np.ndarray | None = None
    """Full-resolution BGR when already decoded (timeline frames), else None."""

    @property
    def crop_center(self) -> tuple[float, float] | None:
        """Default crop centre: the subject's centre when known."""
        return self.candidate.topics.subject_centre if self.candidate else None


class CandidateGrid(QListView):
    """The candidate grid, with a hint (a label over the viewport) while it is still empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hint = QLabel("")
        self.hint.setObjectName("gridHint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        layout = QVBoxLayout(self.viewport())
        layout.setContentsMargins(20, 20, 20, 20)
        layout.addWidget(self.hint)

    @property
    def placeholder(self) -> str:
        """The hint shown while there is no candidate."""
        return self.hint.text()

    @placeholder.setter
    def placeholder(self, text: str) -> None:
        self.hint.setText(text)
        self._update_hint()

    def setModel(self, model: QAbstractItemModel | None) -> None:  # noqa: N802
        """Show the hint only while the model is empty."""
        super().setModel(model)
        if model is not None:
            for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
                signal.connect(self._update_hint)
        self._update_hint()

    def _update_hint(self) -> None:
        model = self.model()
        empty = model is None or model.rowCount() == 0
        self.hint.setVisible(empty and bool(self.hint.text()))


class Workspace(QWidget):
    """Grid + rejected list on the left, preview on the right, timeline underneath."""

    choice_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = CandidateModel(self)
        self.grid = CandidateGrid()
        self.grid.setObjectName("candidateGrid")
        self.grid.setViewMode(QListView.ViewMode.IconMode)
        self.grid.setMovement(QListView.Movement.Static)
        self.grid.setResizeMode(QListView.ResizeMode.Adjust)
        self.grid.setUniformItemSizes(True)
        self.grid.setSpacing(4)
        self.grid.setWrapping(True)
        self.grid.setMouseTracking(True)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setItemDelegate(CandidateDelegate(self.grid))
        self.grid.setModel(self.model)
        self.grid.setMinimumWidth(270)
        self.grid.selectionModel().currentChanged.connect(self._on_current)

        self.banner = RunBanner()
        self.banner.setVisible(False)
        self.summary = QLabel("")
        self.rejected_action = QAction("Rejected frames", self)
        self.rejected_action.setCheckable(True)
        self.rejected_action.setShortcut(QKeySequence("Ctrl+R"))
        self.rejected_action.setToolTip("Frames left out, and why (Ctrl+R)")
        self.rejected_toggle = QToolButton()
        self.rejected_toggle.setDefaultAction(self.rejected_action)
        self.rejected_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.rejected_list = QListWidget()
        self.rejected_list.setObjectName("rejectedList")
        self.rejected_list.setVisible(False)
        self.rejected_list.setMaximumHeight(160)
        self.rejected_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.rejected_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.rejected_action.toggled.connect(self.rejected_list.setVisible)
        self.rejected_list.itemActivated.connect(self._on_rejected)
        self.rejected_list.itemClicked.connect(self._on_rejected)

        self.preview = PreviewPane()
        self.scrubber = Scrubber()
        self.scrubber.frame_shown.connect(self._on_scrubbed)
        self.scrubber.use_frame.connect(self._on_use_frame)

        header = QHBoxLayout()
        header.addWidget(self.summary, 1)
        header.addWidget(self.rejected_toggle)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(header)
        left_layout.addWidget(self.grid, 1)
        left_layout.addWidget(self.rejected_list)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.preview)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([520, 680])  # two columns of cards next to a large preview
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.scrubber)

        self._choice: Choice | None = None
        self._rejections: tuple[Rejection, ...] = ()
        self._user_picked = False
        self._programmatic = False

    # --- state -------------------------------------------------------------------------
    @property
    def choice(self) -> Choice | None:
        """The frame that Export and Copy act on."""
        return self._choice

    def reset(self, path: str | None = None) -> None:
        """Forget the previous video's results."""
        self.model.clear()
        self._choice = None
        self._user_picked = False
        self._rejections = ()
        self.rejected_list.clear()
        self.rejected_action.setText("Rejected frames")
        self.rejected_action.setEnabled(False)
        self.summary.setText("")
        self.preview.show_frame(None, "Looking for the best frames…" if path else "")
        self.grid.placeholder = (
            "Candidates appear here as soon as the shots are sorted out." if path else ""
        )
        self.banner.setVisible(False)
        self.scrubber.close_video()

    def show_cancelled(self) -> None:
        """The run was cancelled: keep what it found, say so, offer to analyse again."""
        found = self.model.rowCount()
        self.scrubber.load_filmstrip()
        self.banner.set_cancelled(found)
        self.banner.setVisible(True)
        self.grid.placeholder = "Cancelled before any candidate was found."
        if self._choice is None:
            self.preview.show_frame(
                None,
                "Analysis cancelled",
                "Press “Analyse again” (F5) to look for the best frames, or scrub the timeline.",
            )

    def set_video(self, path: str) -> None:
        """Open the timeline on a video, before any result."""
        self.scrubber.open_video(path)

    def set_info(self, info: VideoInfo) -> None:
        """Describe the probed video above the grid."""
        if not self.summary.text():
            self.summary.setText(
                f"{info.width}×{info.height} · {info.duration_s:.1f} s · {info.fps:.0f} fps"
            )

    def set_candidates(self, candidates: Sequence[Candidate]) -> None:
        """Show candidates (partial or final), keeping the creator's pick selected."""
        keep = self._choice.frame_index if self._choice and self._user_picked else None
        self.model.set_candidates(candidates)
        frames = [c.frame.index for c in candidates]
        self.scrubber.set_markers(frames, frames[0] if frames else None)
        if keep is not None:
            row = self.model.row_of_frame(keep)
            if row >= 0:
                self._select_row(row)
                self._choose_row(row, self._choice.full_res if self._choice else None)
            return
        if candidates:
            self._select_row(0)  # the top pick, preselected
            self._choose_row(0)

    def set_result(self, result: PipelineResult) -> None:
        """Show the final result: ranked candidates, rejected frames and a summary."""
        self.set_candidates(result.candidates)
        if result.frame_times_s and self.scrubber.path:
            self.scrubber.open_video(self.scrubber.path, result.frame_times_s)
        self.scrubber.load_filmstrip()
        self._rejections = tuple(sorted(result.rejected, key=lambda r: r.frame_index))
        self.rejected_list.clear()
        for rej in self._rejections:
            reason = REASONS.get(rej.reason, rej.reason)
            text = f"{format_time(rej.time_s)} · frame {rej.frame_index} — {reason}"
            if rej.detail:
                text += f" ({rej.detail})"
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setData(Qt.ItemDataRole.UserRole, rej.frame_index)
            self.rejected_list.addItem(item)
        self.rejected_action.setText(f"Rejected frames ({len(self._rejections)})")
        self.rejected_action.setEnabled(bool(self._rejections))
        info = result.video
        text = (
            f"{count_candidates(len(result.candidates))} from {result.sampled} frames looked at · "
            f"{info.width}×{info.height} · {info.duration_s:.1f} s"
        )
        if result.warnings:
            text += " · ⚠ " + "; ".join(result.warnings)
        self.summary.setText(text)
        self.summary.setWordWrap(True)
        if self._choice is not None:
            self._scroll_rejected_near(self._choice.frame_index)

    # --- choosing ----------------------------------------------------------------------
    def _select_row(self, row: int) -> None:
        """Highlight a card without choosing it (the caller chooses)."""
        self._programmatic = True
        try:
            self.grid.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._programmatic = False

    def _unselect(self) -> None:
        """No card highlighted (so clicking any card, the last one too, chooses it)."""
        self._programmatic = True
        try:
            self.grid.selectionModel().setCurrentIndex(
                QModelIndex(), QItemSelectionModel.SelectionFlag.Clear
            )
        finally:
            self._programmatic = False

    def select_candidate(self, row: int) -> None:
        """Choose a candidate as the creator would, by clicking it."""
        self._user_picked = True
        self._select_row(row)
        self._choose_row(row)

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._programmatic or not current.isValid():
            return
        self._user_picked = True  # a click or a key press: keep it across re-ranks
        self._choose_row(current.row())

    def _choose_row(self, row: int, full_res: np.ndarray | None = None) -> None:
        cand = self.model.candidate(row)
        image = self.model.image(row)
        if cand is None or image is None:
            return
        self._choice = Choice(cand.frame.index, cand.frame.time_s, image, cand, full_res)
        self._show_choice()
        self.scrubber.show_position(cand.frame.index)
        self._scroll_rejected_near(cand.frame.index)
        self.choice_changed.emit()

    def _rejection(self, frame_index: int) -> Rejection | None:
        return next((r for r in self._rejections if r.frame_index == frame_index), None)

    def _show_choice(self) -> None:
        choice = self._choice
        if choice is None:
            return
        cand = choice.candidate
        if cand is None:
            detail = "From the timeline: Export and Copy use this frame."
            rejection = self._rejection(choice.frame_index)
            if rejection is not None:
                reason = REASONS.get(rejection.reason, rejection.reason)
                detail = f"Left out: {reason}" + (
                    f" ({rejection.detail}). " if rejection.detail else ". "
                )
                detail += "Export and Copy use it all the same."
            self.preview.show_frame(
                choice.image,
                f"Frame {choice.frame_index} · {format_time(choice.time_s)}",
                detail,
            )
            return
        rank = self.model.row_of_frame(cand.frame.index) + 1
        shot = (
            "a shot of its own"
            if cand.cluster_size <= 1
            else f"shot of {cand.cluster_size} similar frames"
        )
        detail = f"Score {cand.score * 100:.0f} · {shot}"
        if cand.topics.faces:
            detail += f" · {count_of(cand.topics.faces, 'face')}"
        if cand.flagged:
            detail += f" · {flag_text(cand)}"
        self.preview.show_frame(
            choice.image,
            f"{'Top pick' if rank == 1 else f'Pick #{rank}'} · {format_time(choice.time_s)}",
            detail,
            cand.breakdown,
            [(t.word, t.score) for t in cand.topics.topics],
        )

    def _on_scrubbed(self, index: int, time_s: float, image: QImage) -> None:
        """The frame on screen is the one Export and Copy act on."""
        frame = self.scrubber.current_frame()
        bgr = frame[1] if frame is not None and frame[0] == index else None
        self._user_picked = True
        row = self.model.row_of_frame(index)
        if row >= 0:  # a candidate's frame: show it as that candidate
            self._select_row(row)
            self._choose_row(row, bgr)
            return
        self._unselect()
        self._choice = Choice(index, time_s, image, None, bgr)
        self._show_choice()
        self._scroll_rejected_near(index)
        self.choice_changed.emit()

    def _on_use_frame(self, index: int) -> None:
        self.use_scrubbed_frame(index)

    def use_scrubbed_frame(self, index: int | None = None) -> bool:
        """Choose the frame under the slider: now if it is decoded, else once it is."""
        index = self.scrubber.slider.value() if index is None else index
        frame = self.scrubber.current_frame()
        if frame is None or frame[0] != index:
            logger.debug("frame %s not decoded yet: choosing it when it is", index)
            self.scrubber.decode(index)
            return False
        frame_index, _bgr, image = frame
        self._on_scrubbed(frame_index, self.scrubber.time_of(frame_index), image)
        return True

    def _scroll_rejected_near(self, frame_index: int) -> None:
        """Bring the chosen frame's rejected neighbours into view."""
        if not self._rejections:
            return
        nearest = min(
            range(len(self._rejections)),
            key=lambda i: abs(self._rejections[i].frame_index - frame_index),
        )
        item = self.rejected_list.item(nearest)
        if item is not None:
            self.rejected_list.scrollToItem(item, QAbstractItemView.ScrollHint.PositionAtCenter)

    def _on_rejected(self, item: QListWidgetItem) -> None:
        self.scrubber.seek(int(item.data(Qt.ItemDataRole.UserRole)))

    def sizeHint(self) -> QSize:  # noqa: N802
        """Comfortable default."""
        return QSize(1200, 760)
