"""The ranked candidates as a Qt list model (one row per Candidate, best first).

Working-resolution BGR frames are wrapped as QImages once, when candidates arrive (cached by
frame index, so partial updates do not convert again); the delegate and the preview only ever
draw those images. Role constants name everything a view may ask for.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np
from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QImage

from thumbdesk.core.types import Candidate
from thumbdesk.core.words import count_of

logger = logging.getLogger(__name__)

ModelIndex = QModelIndex | QPersistentModelIndex

THUMB_WIDTH = 232
"""Logical width of a grid thumbnail; images are kept at twice that for HiDPI screens."""
THUMB_HEIGHT = THUMB_WIDTH * 9 // 16


def flag_label(cand: Candidate) -> str:
    """Why a candidate is flagged, in two words ("" when it is not)."""
    if not cand.flagged:
        return ""
    text = cand.topics.text
    return "title card" if text is not None and text.title_card else "best effort"


def flag_text(cand: Candidate) -> str:
    """Why a candidate is flagged, in a line ("" when it is not)."""
    label = flag_label(cand)
    if label == "title card":
        return cand.flag_reason  # "title card: text covers 22% of the picture"
    return f"{label} ({cand.flag_reason})" if label else ""


class Roles:
    """Item data roles of :class:`CandidateModel`."""

    Candidate = Qt.ItemDataRole.UserRole + 1
    Rank = Qt.ItemDataRole.UserRole + 2
    Score = Qt.ItemDataRole.UserRole + 3
    Tags = Qt.ItemDataRole.UserRole + 4
    Thumbnail = Qt.ItemDataRole.UserRole + 5
    Image = Qt.ItemDataRole.UserRole + 6
    FrameIndex = Qt.ItemDataRole.UserRole + 7
    Time = Qt.ItemDataRole.UserRole + 8
    Flagged = Qt.ItemDataRole.UserRole + 9
    """Empty, or why the frame is flagged in two words ("title card", "best effort")."""


def bgr_to_qimage(image: np.ndarray) -> QImage:
    """Wrap an upright BGR uint8 array as an independent QImage (a copy; no colour maths)."""
    array = np.ascontiguousarray(image)
    if array.ndim == 2:
        height, width = array.shape
        fmt = QImage.Format.Format_Grayscale8
    else:
        height, width = array.shape[:2]
        fmt = QImage.Format.Format_BGR888
    qimage = QImage(array.data, width, height, array.strides[0], fmt)
    return qimage.copy()


def format_time(seconds: float) -> str:
    """0:03.25 style timestamp."""
    minutes, secs = divmod(max(0.0, seconds), 60.0)
    return f"{int(minutes)}:{secs:05.2f}"


class CandidateModel(QAbstractListModel):
    """Ranked candidates, best first; row + 1 is the rank shown."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._candidates: list[Candidate] = []
        self._images: dict[int, tuple[QImage, QImage]] = {}

    # --- Qt model API ------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        """Count candidates (a flat list: children of valid indexes have none)."""
        return 0 if parent.isValid() else len(self._candidates)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Item data for the roles in :class:`Roles` and the usual display roles."""
        if not index.isValid() or not 0 <= index.row() < len(self._candidates):
            return None
        cand = self._candidates[index.row()]
        rank = index.row() + 1
        if role == Qt.ItemDataRole.DisplayRole:
            return f"#{rank}  {cand.score:.2f}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(cand, rank)
        if role in (Qt.ItemDataRole.DecorationRole, Roles.Thumbnail):
            return self._qimages(cand)[1]
        if role == Roles.Image:
            return self._qimages(cand)[0]
        if role == Roles.Candidate:
            return cand
        if role == Roles.Rank:
            return rank
        if role == Roles.Score:
            return float(cand.score)
        if role == Roles.Tags:
            return [t.word for t in cand.topics.topics]
        if role == Roles.FrameIndex:
            return int(cand.frame.index)
        if role == Roles.Time:
            return float(cand.frame.time_s)
        if role == Roles.Flagged:
            return flag_label(cand)
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        """Candidates can be selected, nothing else."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def roleNames(self) -> dict[int, QByteArray]:  # noqa: N802
        """Role names (for QML and debugging)."""
        names = dict(super().roleNames())
        names.update(
            {
                Roles.Candidate: QByteArray(b"candidate"),
                Roles.Rank: QByteArray(b"rank"),
                Roles.Score: QByteArray(b"score"),
                Roles.Tags: QByteArray(b"tags"),
                Roles.Thumbnail: QByteArray(b"thumbnail"),
                Roles.Image: QByteArray(b"image"),
                Roles.FrameIndex: QByteArray(b"frameIndex"),
                Roles.Time: QByteArray(b"time"),
                Roles.Flagged: QByteArray(b"flagged"),
            }
        )
        return names

    # --- our API -----------------------------------------------------------------------
    def set_candidates(self, candidates: Sequence[Candidate]) -> None:
        """Replace the list (partial results grow it; a re-rank reorders it)."""
        self.beginResetModel()
        self._candidates = list(candidates)
        keep = {c.frame.index for c in self._candidates}
        self._images = {k: v for k, v in self._images.items() if k in keep}
        for cand in self._candidates:
            self._qimages(cand)
        self.endResetModel()

    def clear(self) -> None:
        """Forget every candidate and cached image."""
        self.beginResetModel()
        self._candidates = []
        self._images = {}
        self.endResetModel()

    def candidates(self) -> list[Candidate]:
        """Return the candidates, best first."""
        return list(self._candidates)

    def candidate(self, row: int) -> Candidate | None:
        """Return the candidate in a row, or None."""
        return self._candidates[row] if 0 <= row < len(self._candidates) else None

    def row_of_frame(self, frame_index: int) -> int:
        """Row of the candidate at a frame index, or -1."""
        for row, cand in enumerate(self._candidates):
            if cand.frame.index == frame_index:
                return row
        return -1

    def image(self, row: int) -> QImage | None:
        """Return the working-resolution image of a row."""
        cand = self.candidate(row)
        return self._qimages(cand)[0] if cand is not None else None

    def _qimages(self, cand: Candidate) -> tuple[QImage, QImage]:
        cached = self._images.get(cand.frame.index)
        if cached is None:
            full = bgr_to_qimage(cand.frame.image)
            # Working frames are already about twice the card's size: share the pixels
            # (a metadata-only copy) and let the delegate's smooth drawImage fit them.
            # Scaling ten images here stalled the event loop by ~100 ms per partial result.
            thumb = QImage(full)
            thumb.setDevicePixelRatio(max(1.0, full.width() / THUMB_WIDTH))
            cached = (full, thumb)
            self._images[cand.frame.index] = cached
        return cached

    @staticmethod
    def _tooltip(cand: Candidate, rank: int) -> str:
        b = cand.breakdown
        lines = [
            f"<b>#{rank}</b> at {format_time(cand.frame.time_s)} (frame {cand.frame.index})",
            f"score {cand.score:.2f}: quality {b.quality:.2f}, "
            f"representativeness {b.representativeness:.2f}, popularity {b.popularity:.2f}, "
            f"face {b.face:.2f}",
            f"shot of {count_of(cand.cluster_size, 'similar frame')}",
        ]
        if cand.topics.topics:
            tags = ", ".join(f"{t.word} {t.score:.2f}" for t in cand.topics.topics)
            lines.append(f"topics: {tags}")
        if cand.flagged:
            lines.append(f"<i>{flag_text(cand)}</i>")
        if cand.face_note:
            lines.append(f"a clearer face than the frame first chosen ({cand.face_note})")
        if cand.face_flaw:
            lines.append(f"<i>face less clear than another pick's: {cand.face_flaw}</i>")
        if cand.moment_flaw:
            lines.append(f"<i>an in-between moment of the action: {cand.moment_flaw}</i>")
        if cand.moment_note:
            lines.append(f"the peak of the action in its group ({cand.moment_note})")
        return "<br>".join(lines)
