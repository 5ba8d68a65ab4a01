"""Colours: light and dark palettes (Fusion style) and the colours painted by hand.

The palettes are chosen from the settings or the system scheme. Widgets that paint
(candidate cards, timeline, preview, score bars) take their fixed colours from here, and
everything else from the palette, so both schemes look right.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

GOLD = QColor("#f5b82e")
"""The top pick: its rank badge, its timeline marker."""
ON_GOLD = QColor(20, 20, 24)
"""Text on GOLD."""
ACCENT = QColor("#3d7eff")
"""Topic words in the preview's detail line (lightened on dark schemes, see ``accent``)."""
OVERLAY = QColor(20, 20, 24, 200)
"""Badges drawn over a thumbnail (rank, score)."""
ON_OVERLAY = QColor(255, 255, 255)
"""Text on OVERLAY."""
LETTERBOX = QColor(0, 0, 0)
"""Behind a card's thumbnail where the image does not fill it."""
BACKDROP = QColor(16, 16, 20)
"""Behind the large preview image."""
ON_BACKDROP = QColor(170, 170, 170)
"""Placeholder text on BACKDROP."""
WARNING = QColor("#b45309")
"""Warning text in dialogs (topic words that cannot be matched; see ``warning``)."""
SCORE_COLOURS = (QColor("#3fb68b"), QColor("#3d7eff"), QColor("#f08a24"), QColor("#d9488f"))
"""Quality, representativeness, popularity and face bars."""


def is_dark(palette: QPalette) -> bool:
    """Whether the palette is a dark scheme."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def accent(palette: QPalette) -> QColor:
    """ACCENT, lightened so it reads on a dark scheme."""
    return ACCENT.lighter(140) if is_dark(palette) else ACCENT


def warning(palette: QPalette) -> QColor:
    """WARNING, lightened so it reads on a dark scheme."""
    return WARNING.lighter(160) if is_dark(palette) else WARNING


def chip_colour(word: str, dark: bool) -> QColor:
    """A stable, soft colour per tag word (same word, same colour in every card)."""
    hue = sum(ord(c) * 31 for c in word) % 360
    return QColor.fromHsl(hue, 120, 70 if dark else 225)


def chip_text(dark: bool) -> QColor:
    """Text on a ``chip_colour`` chip."""
    return QColor(240, 240, 240) if dark else QColor(30, 30, 30)


_LIGHT = {
    QPalette.ColorRole.Window: "#f3f4f7",
    QPalette.ColorRole.WindowText: "#1d1f24",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#eceef3",
    QPalette.ColorRole.Text: "#1d1f24",
    QPalette.ColorRole.Button: "#e9ebf0",
    QPalette.ColorRole.ButtonText: "#1d1f24",
    QPalette.ColorRole.Highlight: "#3d7eff",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#ffffff",
    QPalette.ColorRole.ToolTipText: "#1d1f24",
    QPalette.ColorRole.PlaceholderText: "#6b7080",
    QPalette.ColorRole.Link: "#2457c5",
    QPalette.ColorRole.Mid: "#c4c8d2",
    QPalette.ColorRole.Dark: "#a0a5b1",
    QPalette.ColorRole.Light: "#ffffff",
    QPalette.ColorRole.Midlight: "#dfe2e8",
    QPalette.ColorRole.Shadow: "#6b7080",
}

_DARK = {
    QPalette.ColorRole.Window: "#1f2126",
    QPalette.ColorRole.WindowText: "#e6e8ee",
    QPalette.ColorRole.Base: "#2a2d34",
    QPalette.ColorRole.AlternateBase: "#30333b",
    QPalette.ColorRole.Text: "#e6e8ee",
    QPalette.ColorRole.Button: "#33363e",
    QPalette.ColorRole.ButtonText: "#e6e8ee",
    QPalette.ColorRole.Highlight: "#4f8dff",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.ToolTipBase: "#2a2d34",
    QPalette.ColorRole.ToolTipText: "#e6e8ee",
    QPalette.ColorRole.PlaceholderText: "#9aa0ad",
    QPalette.ColorRole.Link: "#8fb4ff",
    QPalette.ColorRole.Mid: "#4a4e58",
    QPalette.ColorRole.Dark: "#17181c",
    QPalette.ColorRole.Light: "#454954",
    QPalette.ColorRole.Midlight: "#3a3d46",
    QPalette.ColorRole.Shadow: "#0d0e10",
}


def make_palette(dark: bool) -> QPalette:
    """Build a complete palette for one scheme, with dimmed disabled colours."""
    palette = QPalette()
    for role, colour in (_DARK if dark else _LIGHT).items():
        palette.setColor(role, QColor(colour))
    disabled = QColor("#6c707a") if dark else QColor("#a3a7b1")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def system_is_dark() -> bool:
    """Whether the desktop asks for a dark scheme (False when unknown)."""
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def apply_theme(app: QApplication, theme: str) -> bool:
    """Apply "light", "dark" or "system" to the app; return whether it is dark."""
    dark = system_is_dark() if theme == "system" else theme == "dark"
    app.setStyle("Fusion")
    app.setPalette(make_palette(dark))
    return dark
