"""Light and dark palettes (Fusion style), chosen from the settings or the system scheme."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

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
