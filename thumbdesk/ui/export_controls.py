"""The export dialog's side panel: title text and quick adjustments.

Two group boxes that only gather values (a ``TitleStyle`` and an ``Adjustments``) and say
when they change; the dialog renders the preview and the export from them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QWidget,
)

from thumbdesk.core.types import Adjustments, TitleStyle

POSITIONS = (("top", "Top"), ("middle", "Middle"), ("bottom", "Bottom"))
MAX_TITLE_CHARS = 60


class ColourButton(QPushButton):
    """A button showing a colour swatch; click to choose another colour."""

    changed = Signal()

    def __init__(self, colour: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self.colour = colour
        self.setToolTip(f"{what} colour")
        self.setAccessibleName(f"{what} colour")
        self.setFixedWidth(64)
        self.clicked.connect(self._choose)
        self._show()

    def set_colour(self, colour: str) -> None:
        """Use ``colour`` (``#rrggbb``)."""
        self.colour = QColor(colour).name()
        self._show()
        self.changed.emit()

    def _show(self) -> None:
        self.setStyleSheet(
            f"QPushButton {{ background: {self.colour}; border: 1px solid palette(mid);"
            " border-radius: 4px; min-height: 20px; }"
        )

    def _choose(self) -> None:
        colour = QColorDialog.getColor(QColor(self.colour), self, f"{self._what} colour")
        if colour.isValid():
            self.set_colour(colour.name())


class TitleControls(QGroupBox):
    """Two lines of title text, position, fill and outline colours, shadow."""

    changed = Signal()

    def __init__(self, style: TitleStyle | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Title", parent)
        style = style or TitleStyle(())
        lines = [*style.lines, "", ""]
        self.line1 = QLineEdit(lines[0])
        self.line1.setPlaceholderText("Title text (optional)")
        self.line2 = QLineEdit(lines[1])
        self.line2.setPlaceholderText("Second line (optional)")
        for edit in (self.line1, self.line2):
            edit.setMaxLength(MAX_TITLE_CHARS)
            edit.setClearButtonEnabled(True)
            edit.textChanged.connect(self.changed)
        self.position = QComboBox()
        for value, label in POSITIONS:
            self.position.addItem(label, value)
        self.position.setCurrentIndex(max(0, self.position.findData(style.position)))
        self.position.currentIndexChanged.connect(self.changed)
        self.fill = ColourButton(style.fill, "Text")
        self.outline = ColourButton(style.outline, "Outline and shadow")
        self.shadow = QCheckBox("Shadow")
        self.shadow.setChecked(style.shadow)
        for widget in (self.fill, self.outline):
            widget.changed.connect(self.changed)
        self.shadow.toggled.connect(self.changed)
        colours = QHBoxLayout()
        colours.addWidget(self.fill)
        colours.addWidget(QLabel("outline"))
        colours.addWidget(self.outline)
        colours.addWidget(self.shadow)
        colours.addStretch(1)
        form = QFormLayout(self)
        form.addRow("Line 1", self.line1)
        form.addRow("Line 2", self.line2)
        form.addRow("Position", self.position)
        form.addRow("Colours", colours)

    def title_style(self) -> TitleStyle | None:
        """The title as set, or None when both lines are empty."""
        lines = tuple(text for text in (self.line1.text(), self.line2.text()) if text.strip())
        if not lines:
            return None
        return TitleStyle(
            lines,
            self.position.currentData(),
            self.fill.colour,
            self.outline.colour,
            self.shadow.isChecked(),
        )


class AdjustControls(QGroupBox):
    """Brightness, contrast and saturation sliders, a Pop toggle and Reset."""

    changed = Signal()

    def __init__(self, adjust: Adjustments | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Adjust", parent)
        adjust = adjust or Adjustments()
        self.sliders: dict[str, QSlider] = {}
        form = QFormLayout(self)
        for name in ("brightness", "contrast", "saturation"):
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(-100, 100)
            slider.setValue(round(getattr(adjust, name) * 100))
            slider.setAccessibleName(name.capitalize())
            slider.valueChanged.connect(self.changed)
            self.sliders[name] = slider
            form.addRow(name.capitalize(), slider)
        self.pop = QPushButton("Pop")
        self.pop.setCheckable(True)
        self.pop.setChecked(adjust.pop)
        self.pop.setStyleSheet(
            "QPushButton:checked { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        self.pop.setToolTip("Auto contrast: stretch the darkest and brightest tones to full range")
        self.pop.toggled.connect(self.changed)
        self.reset = QPushButton("Reset")
        self.reset.setToolTip("Back to the frame as it is")
        self.reset.clicked.connect(self.reset_all)
        buttons = QHBoxLayout()
        buttons.addWidget(self.pop)
        buttons.addWidget(self.reset)
        buttons.addStretch(1)
        form.addRow("", buttons)

    def adjustments(self) -> Adjustments:
        """The adjustments as set."""
        values = {name: slider.value() / 100 for name, slider in self.sliders.items()}
        return Adjustments(**values, pop=self.pop.isChecked())

    def reset_all(self) -> None:
        """Every slider to 0 and Pop off (one change signal)."""
        self.blockSignals(True)
        for slider in self.sliders.values():
            slider.setValue(0)
        self.pop.setChecked(False)
        self.blockSignals(False)
        self.changed.emit()
