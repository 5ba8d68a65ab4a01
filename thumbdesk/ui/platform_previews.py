"""How the thumbnail looks where viewers meet it: a YouTube card, a phone, a profile grid.

Small painted mock-ups for the export dialog, fed with images the dialog renders through the
same ``core.export.render`` as the export: a YouTube home-grid card with its duration badge,
the same card at phone size, and a 9:16 cover both in the feed (with the platform's UI
overlay zones) and in a Shorts / Reels / TikTok profile grid, which shows its 3:4 middle.
Colours follow the palette (light or dark), as the platforms' own themes do.
``PlatformStrip`` sets the three side by side with their captions.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPainterPath, QPaintEvent
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from thumbdesk.core.presets import GRID_MIDDLE, PRESETS
from thumbdesk.core.types import TitleStyle
from thumbdesk.ui.export_preview import paint_zones

CARD_SIZE = (320, 180)
"""Size, in pixels, of the thumbnail rendered for the YouTube card and the phone."""
COVER_SIZE = (216, 384)
"""Size of the 9:16 cover rendered for the feed and the profile grid."""


def format_duration(seconds: float) -> str:
    """A duration badge's text: 0:05, 1:02:03."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Mockup(QWidget):
    """Common painting helpers: palette-aware colours, rounded images, text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image: QImage | None = None
        self.caption = ""
        self.duration_s = 0.0

    def set_image(self, image: QImage | None) -> None:
        """The rendered thumbnail (or cover) to show."""
        self.image = image
        self.update()

    def set_caption(self, caption: str, duration_s: float) -> None:
        """The video's title under the card and its length for the badge."""
        self.caption, self.duration_s = caption, duration_s
        self.update()

    def smooth_painter(self) -> QPainter:
        """A painter on this widget, antialiased, scaling images smoothly."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        return painter

    def dark(self) -> bool:
        """Whether the palette is dark (the mock-up uses the platform's dark theme then)."""
        return self.palette().window().color().lightness() < 128

    def colours(self) -> tuple[QColor, QColor, QColor]:
        """(background, text, secondary text) of the platform's light or dark theme."""
        if self.dark():
            return QColor("#0f0f0f"), QColor("#f1f1f1"), QColor("#aaaaaa")
        return QColor("#ffffff"), QColor("#0f0f0f"), QColor("#606060")

    @staticmethod
    def draw_rounded(painter: QPainter, rect: QRectF, image: QImage | None, radius: float) -> None:
        path = QPainterPath()
        path.addRoundedRect(rect, radius, radius)
        painter.save()
        painter.setClipPath(path)
        if image is not None and not image.isNull():
            painter.drawImage(rect, image)
        else:
            painter.fillRect(rect, QColor("#777777"))
        painter.restore()

    def draw_badge(self, painter: QPainter, thumb: QRectF, scale: float) -> None:
        text = format_duration(self.duration_s)
        font = QFont(self.font())
        font.setPixelSize(max(7, round(11 * scale)))
        font.setBold(True)
        painter.setFont(font)
        width = painter.fontMetrics().horizontalAdvance(text) + 8 * scale
        height = 16 * scale
        badge = QRectF(
            thumb.right() - width - 5 * scale, thumb.bottom() - height - 5 * scale, width, height
        )
        path = QPainterPath()
        path.addRoundedRect(badge, 3 * scale, 3 * scale)
        painter.fillPath(path, QColor(0, 0, 0, 205))
        painter.setPen(QColor("#ffffff"))
        painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)

    def draw_meta(
        self, painter: QPainter, left: float, top: float, width: float, scale: float
    ) -> None:
        """Avatar, two-line title, channel and views under a card."""
        _, text, secondary = self.colours()
        avatar = 30 * scale
        painter.setBrush(QColor("#c9532d"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QRectF(left, top, avatar, avatar))
        x = left + avatar + 10 * scale
        font = QFont(self.font())
        font.setPixelSize(max(7, round(13 * scale)))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(text)
        line = painter.fontMetrics().height()
        title_box = QRectF(x, top, left + width - x, line * 2 + 2)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap
        painter.drawText(title_box, int(flags), self.caption or "Your video")
        font.setBold(False)
        font.setPixelSize(max(6, round(11 * scale)))
        painter.setFont(font)
        painter.setPen(secondary)
        small = painter.fontMetrics().height()
        y = top + line * 2 + 4 * scale
        painter.drawText(QRectF(x, y, width, small), "Your channel")
        painter.drawText(QRectF(x, y + small, width, small), "12K views · 3 hours ago")


class YouTubeCard(_Mockup):
    """The thumbnail in a YouTube home-grid card (desktop size), with the duration badge."""

    def sizeHint(self) -> QSize:  # noqa: N802
        """A desktop card is about 320 px wide."""
        return QSize(300, 250)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Smallest useful card."""
        return QSize(220, 190)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Card background, thumbnail, badge, title and channel."""
        painter = self.smooth_painter()
        background, _, _ = self.colours()
        painter.fillRect(self.rect(), background)
        margin = 8.0
        width = min(self.width() - 2 * margin, (self.height() - 90) * 16 / 9)
        thumb = QRectF(margin, margin, width, width * 9 / 16)
        self.draw_rounded(painter, thumb, self.image, 10)
        self.draw_badge(painter, thumb, 1.0)
        self.draw_meta(painter, margin, thumb.bottom() + 10, width, 1.0)


class PhoneCard(_Mockup):
    """The same card on a phone: full-width thumbnail at a phone's size in a phone frame."""

    PHONE_WIDTH = 150.0
    """Screen width of the mock phone, in pixels: about a phone held at arm's length."""

    def sizeHint(self) -> QSize:  # noqa: N802
        """A phone standing up."""
        return QSize(170, 250)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Phone bezel, screen, full-width thumbnail with badge, title."""
        painter = self.smooth_painter()
        height = min(self.height() - 4.0, 2.05 * (self.PHONE_WIDTH + 12))
        body = QRectF((self.width() - self.PHONE_WIDTH - 12) / 2, 2, self.PHONE_WIDTH + 12, height)
        bezel = QPainterPath()
        bezel.addRoundedRect(body, 18, 18)
        painter.fillPath(bezel, QColor("#1a1a1a"))
        screen = body.adjusted(6, 6, -6, -6)
        background, _, _ = self.colours()
        path = QPainterPath()
        path.addRoundedRect(screen, 13, 13)
        painter.fillPath(path, background)
        thumb = QRectF(screen.left(), screen.top() + 22, screen.width(), screen.width() * 9 / 16)
        self.draw_rounded(painter, thumb, self.image, 0)
        self.draw_badge(painter, thumb, 0.7)
        scale = 0.62
        self.draw_meta(painter, screen.left() + 6, thumb.bottom() + 6, screen.width() - 12, scale)


class ProfileGrid(_Mockup):
    """A 9:16 cover in the feed with the platform's UI zones, and in a profile grid (3:4)."""

    def sizeHint(self) -> QSize:  # noqa: N802
        """Feed view beside a 3-column grid."""
        return QSize(330, 250)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Feed (cover with overlays) on the left, grid of 3:4 tiles on the right."""
        painter = self.smooth_painter()
        background, _, _ = self.colours()
        painter.fillRect(self.rect(), background)
        height = self.height() - 16.0
        feed = QRectF(8, 8, height * 9 / 16, height)
        self.draw_rounded(painter, feed, self.image, 6)
        paint_zones(painter, feed, PRESETS["reels"])
        left = feed.right() + 12
        columns, gap = 3, 2.0
        tile_w = (self.width() - left - 8 - gap * (columns - 1)) / columns
        tile_w = min(tile_w, (self.height() - 16) * 3 / 4)  # a row always fits the height
        tile_h = tile_w * 4 / 3
        middle = None
        if self.image is not None and not self.image.isNull():
            x, y, w, h = GRID_MIDDLE
            iw, ih = self.image.width(), self.image.height()
            middle = self.image.copy(round(x * iw), round(y * ih), round(w * iw), round(h * ih))
        font = QFont(self.font())
        font.setPixelSize(10)
        font.setBold(True)
        for index in range(columns * 2):
            row, col = divmod(index, columns)
            tile = QRectF(left + col * (tile_w + gap), 8 + row * (tile_h + gap), tile_w, tile_h)
            if tile.bottom() > self.height():
                break
            if index == 0 and middle is not None:
                painter.drawImage(tile, middle)
            else:
                # Other posts: mid greys, so the white view counts stay readable on them.
                shade = (60 if self.dark() else 120) + 16 * ((index * 7) % 5)
                painter.fillRect(tile, QColor(shade, shade, shade + 10))
            painter.setFont(font)
            views = f"▷ {1.2 + index * 0.7:.1f}K"
            where = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            painter.setPen(QColor(0, 0, 0, 160))
            painter.drawText(tile.adjusted(5, 0, 0, -2), where, views)
            painter.setPen(QColor("#ffffff"))
            painter.drawText(tile.adjusted(4, 0, 0, -3), where, views)


class PlatformStrip(QGroupBox):
    """The three mock-ups side by side under "On the platforms", each with its caption."""

    def __init__(self, caption: str, duration_s: float, parent: QWidget | None = None) -> None:
        super().__init__("On the platforms", parent)
        self.youtube_card = YouTubeCard()
        self.phone_card = PhoneCard()
        self.profile_grid = ProfileGrid()
        for mockup in (self.youtube_card, self.phone_card):
            mockup.set_caption(caption, duration_s)
        row = QHBoxLayout(self)
        mockups: tuple[tuple[str, QWidget], ...] = (
            ("YouTube home", self.youtube_card),
            ("Phone", self.phone_card),
            ("Shorts / Reels / TikTok: feed and profile grid", self.profile_grid),
        )
        for label, widget in mockups:
            column = QVBoxLayout()
            caption_label = QLabel(label)
            caption_label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            column.addWidget(widget, 1)
            column.addWidget(caption_label)
            row.addLayout(column, 2 if widget is self.profile_grid else 1)

    def show_thumbnail(self, card: QImage, cover: QImage, title: TitleStyle | None) -> None:
        """Show the rendered card (``CARD_SIZE``) and cover (``COVER_SIZE``).

        The title's text, when there is one, stands in for the video's caption.
        """
        self.youtube_card.set_image(card)
        self.phone_card.set_image(card)
        self.profile_grid.set_image(cover)
        caption = " ".join(title.lines) if title else ""
        for mockup in (self.youtube_card, self.phone_card):
            mockup.set_caption(caption or mockup.caption, mockup.duration_s)
