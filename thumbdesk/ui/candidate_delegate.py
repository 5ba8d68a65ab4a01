"""Paints one candidate card in the grid: thumbnail, rank badge, score pill and tag chips.

Only draws images the model already holds (no decoding, no scaling maths beyond fitting a
rectangle); colours come from the palette and ``ui/theme.py``, so light and dark schemes both
look right.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter, QPainterPath, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from thumbdesk.ui.candidate_model import THUMB_HEIGHT, THUMB_WIDTH, Roles, format_time
from thumbdesk.ui.theme import (
    GOLD,
    LETTERBOX,
    ON_GOLD,
    ON_OVERLAY,
    OVERLAY,
    chip_colour,
    chip_text,
    is_dark,
)

PAD = 8
CHIP_H = 20


class CandidateDelegate(QStyledItemDelegate):
    """Card painter for :class:`~thumbdesk.ui.candidate_model.CandidateModel` rows."""

    def sizeHint(  # noqa: N802
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Return a fixed card size, so the grid lays out evenly."""
        fm = QFontMetrics(option.font)
        return QSize(THUMB_WIDTH + 2 * PAD, THUMB_HEIGHT + 3 * PAD + CHIP_H + fm.height() + 4)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Draw the card for one candidate."""
        palette = option.palette
        dark = is_dark(palette)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        rect = QRect(option.rect).adjusted(3, 3, -3, -3)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)

        card = QPainterPath()
        card.addRoundedRect(QRectF(rect), 10, 10)
        base = palette.color(QPalette.ColorRole.Base)
        painter.fillPath(card, base.lighter(115) if dark and hovered else base)
        border = (
            palette.color(QPalette.ColorRole.Highlight)
            if selected
            else palette.color(QPalette.ColorRole.Mid)
        )
        painter.setPen(border)
        painter.drawPath(card)
        if selected:
            pen = painter.pen()
            pen.setWidthF(2.5)
            painter.setPen(pen)
            painter.drawPath(card)

        thumb_box = QRect(rect.left() + PAD - 3, rect.top() + PAD - 3, THUMB_WIDTH, THUMB_HEIGHT)
        self._draw_thumbnail(painter, thumb_box, index.data(Roles.Thumbnail))
        self._draw_badges(painter, thumb_box, index, option.font)

        chips_top = thumb_box.bottom() + PAD
        self._draw_chips(
            painter,
            QRect(thumb_box.left(), chips_top, THUMB_WIDTH, CHIP_H),
            index.data(Roles.Tags) or [],
            option.font,
            dark,
        )
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        time_rect = QRect(
            thumb_box.left(),
            chips_top + CHIP_H + 4,
            THUMB_WIDTH,
            QFontMetrics(option.font).height(),
        )
        flagged = index.data(Roles.Flagged)
        caption = (
            f"{format_time(index.data(Roles.Time) or 0.0)}  ·  frame {index.data(Roles.FrameIndex)}"
        )
        if flagged:
            caption += f"  ·  {flagged}"
        painter.drawText(
            time_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, caption
        )
        painter.restore()

    @staticmethod
    def _draw_thumbnail(painter: QPainter, box: QRect, image: QImage | None) -> None:
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(box), 6, 6)
        painter.save()
        painter.setClipPath(clip)
        painter.fillRect(box, LETTERBOX)
        if isinstance(image, QImage) and not image.isNull():
            size = image.deviceIndependentSize().toSize()
            size.scale(box.size(), Qt.AspectRatioMode.KeepAspectRatio)
            target = QRect(0, 0, size.width(), size.height())
            target.moveCenter(box.center())
            painter.drawImage(target, image)
        painter.restore()

    @staticmethod
    def _draw_badges(
        painter: QPainter, box: QRect, index: QModelIndex | QPersistentModelIndex, font: QFont
    ) -> None:
        rank = index.data(Roles.Rank) or 0
        score = index.data(Roles.Score) or 0.0
        bold = QFont(font)
        bold.setBold(True)
        painter.setFont(bold)
        fm = QFontMetrics(bold)

        text = f"#{rank}"
        badge = QRectF(
            box.left() + 6, box.top() + 6, fm.horizontalAdvance(text) + 14, fm.height() + 6
        )
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(GOLD if rank == 1 else OVERLAY)
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(ON_GOLD if rank == 1 else ON_OVERLAY)
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

        text = f"{score * 100:.0f}"
        pill = QRectF(0, 0, fm.horizontalAdvance(text) + 16, fm.height() + 6)
        pill.moveBottomRight(QRectF(box).bottomRight() - QRectF(0, 0, 6, 6).bottomRight())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(OVERLAY)
        painter.drawRoundedRect(pill, pill.height() / 2, pill.height() / 2)
        painter.setPen(ON_OVERLAY)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, text)
        painter.setFont(font)

    @staticmethod
    def _draw_chips(
        painter: QPainter, box: QRect, tags: list[str], font: QFont, dark: bool
    ) -> None:
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
        painter.setFont(small)
        fm = QFontMetrics(small)
        x = box.left()
        for tag in tags:
            word = tag
            width = fm.horizontalAdvance(word) + 14
            if x + width > box.right():
                if x == box.left():  # one long word: elide it
                    word = fm.elidedText(tag, Qt.TextElideMode.ElideRight, box.width() - 14)
                    width = box.width()
                else:
                    break
            chip = QRectF(x, box.top(), width, box.height())
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(chip_colour(tag, dark))
            painter.drawRoundedRect(chip, box.height() / 2, box.height() / 2)
            painter.setPen(chip_text(dark))
            painter.drawText(chip, Qt.AlignmentFlag.AlignCenter, word)
            x += width + 5
        painter.setFont(font)
