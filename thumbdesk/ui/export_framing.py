"""The export dialog's frame view: the crop on the frame, where it starts, and the renders.

``FramingView`` shows the frame with its crop outline (``export_preview.CropView``), a hint
under it and the safe-zone switch. It keeps the automatic framing (``core.reframe`` through
``core.export.plan_export``: a crop around the subjects, or the whole frame over a blurred
fill) until the creator drags the crop, and renders any preset through the same
``core.export.render`` as the export, so the previews show what is written.
"""

from __future__ import annotations

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from thumbdesk.core.presets import PRESETS
from thumbdesk.core.types import Adjustments, TitleStyle
from thumbdesk.ui.candidate_model import bgr_to_qimage
from thumbdesk.ui.export_preview import CropView, qimage_to_bgr

PREVIEW_LONG_SIDE = 640
"""Long side, in pixels, of the live preview render (the export renders the full size)."""


def preview_size(size: tuple[int, int] | None) -> tuple[int, int] | None:
    """A preset's size scaled to the live preview's long side (None: the frame's own size)."""
    if size is None:
        return None
    scale = PREVIEW_LONG_SIDE / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


class FramingView(QWidget):
    """The frame with its crop outline, the hint under it and the "Show safe zones" switch.

    ``choice`` below is the dialog's Reframe choice: "auto", "crop" or "fit".
    """

    def __init__(
        self,
        image: QImage,
        crop_center: tuple[float, float] | None,
        subjects: tuple[tuple[float, float, float, float], ...],
        picture_size: tuple[int, int] | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.frame = qimage_to_bgr(image)
        """The frame on screen as BGR pixels: the previews are rendered from it."""
        self.default_centre = crop_center
        self.subjects = subjects
        self.picture_size = picture_size or (image.width(), image.height())
        """Full-resolution size of the picture ``image`` shows: the reframe is planned on it."""
        self.user_crop = False
        """Whether the creator placed the crop (it then wins over the automatic one)."""
        self._image_aspect = image.width() / max(1, image.height())

        self.crop = CropView(image)
        if crop_center is not None:
            self.crop.center = crop_center
        self.hint = QLabel("Drag on the frame to move the crop.")
        self.zones_box = QCheckBox("Show safe zones")
        self.zones_box.setToolTip(
            "Where title text stays clear of the platform's buttons, badges and captions"
        )
        self.zones_box.toggled.connect(self.crop.set_show_zones)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.crop, 1)
        hints = QHBoxLayout()
        hints.addWidget(self.hint, 1)
        hints.addWidget(self.zones_box)
        layout.addLayout(hints)

    def crop_applies(self, preset: str) -> bool:
        """Whether ``preset`` has another shape than the frame (so something must give)."""
        size = PRESETS[preset].size
        return size is not None and abs(size[0] / size[1] - self._image_aspect) > 0.01

    def framing(self, choice: str) -> tuple[tuple[float, float] | None, str]:
        """(crop centre, reframe mode): the creator's crop or choice, else the automatic one."""
        if choice == "fit":
            return None, "fit"
        if self.user_crop:
            return self.crop.center, "crop"
        return self.default_centre, choice

    def show_outline(self, preset: str, choice: str) -> None:
        """Show the crop outline unless the whole frame is kept (same shape, or a fit)."""
        from thumbdesk.core.export import plan_export

        size = PRESETS[preset].size
        applies = self.crop_applies(preset)
        _, mode = self.framing(choice)
        if applies and mode == "auto":
            planned = plan_export(
                self.picture_size, preset, self.default_centre, subjects=self.subjects
            )
            mode = planned.mode
        cropping = applies and size is not None and mode != "fit"
        self.crop.set_aspect(size[0] / size[1] if cropping and size else None)
        self.hint.setText(
            "Drag on the frame to move the crop."
            if cropping
            else "The whole frame is kept over a blurred fill (drag to crop instead)."
            if applies
            else "The whole frame is kept (same shape as the preset)."
        )

    def show_automatic_crop(self, preset: str, choice: str) -> None:
        """Put the crop outline where the automatic reframe crops (until the creator drags)."""
        from thumbdesk.core.export import plan_export

        if self.user_crop or PRESETS[preset].size is None:
            return
        planned = plan_export(
            self.picture_size,
            preset,
            self.default_centre,
            subjects=self.subjects,
            mode="crop" if choice == "crop" else "auto",
        )
        x, y, w, h = planned.box
        width, height = self.picture_size
        self.crop.center = ((x + w / 2) / width, (y + h / 2) / height)

    def render_preset(
        self,
        preset: str,
        size: tuple[int, int] | None,
        choice: str,
        adjustments: Adjustments,
        title: TitleStyle | None,
    ) -> QImage:
        """``preset`` as exported from this frame and framing, at ``size`` (ExportError)."""
        from thumbdesk.core.export import render

        centre, mode = self.framing(choice)
        pixels = render(
            self.frame,
            preset,
            centre,
            adjustments,
            title,
            subjects=self.subjects,
            mode=mode,  # type: ignore[arg-type]
            size=size,
            plan_size=self.picture_size,
        )
        return bgr_to_qimage(pixels)
