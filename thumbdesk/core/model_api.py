"""The model layer as the pipeline sees it: the protocols ``thumbdesk.ml`` implements.

``FrameScorer`` is what every pipeline needs (evidence, then topic scores); the other
protocols are optional abilities the pipeline asks for with ``isinstance`` (read a frame again
at full resolution, show faces, poses or burnt-in text), with the views of faces and poses they
return. Nothing here imports more than numpy; the shared dataclasses live in ``core.types``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from thumbdesk.core.types import FrameTopics, TextFound, Topic, TopicScore

if TYPE_CHECKING:  # numpy is only named in annotations: the window starts without it
    import numpy as np


class FrameScorer(Protocol):
    """The model layer as the pipeline sees it (implemented in ``thumbdesk.ml``).

    Scoring is split in two so that editing the topic list re-ranks without running the
    image model again: ``evidence`` is the expensive per-frame step, ``score_topics`` the
    cheap step that turns cached evidence into topic scores.
    """

    @property
    def device(self) -> str:
        """Where the model runs, in words ("cpu", "cuda:0 (NVIDIA H100)")."""
        ...

    def evidence(self, images: Sequence[np.ndarray]) -> list[Any]:
        """Run the image models on upright BGR images; one opaque evidence per image."""
        ...

    def score_topics(self, evidence: Any, topics: Sequence[Topic]) -> FrameTopics:
        """Turn one frame's evidence into topic scores for the given topic list."""
        ...


@runtime_checkable
class DetailScorer(Protocol):
    """A FrameScorer that can read more from a frame at full resolution (optional).

    The image models run on the working-size copy; people far from the camera have faces too
    small there for their gender and age to be read. The pipeline asks ``wants_detail`` of each
    candidate's evidence, reads the frames that want it at full resolution, and hands them to
    ``with_detail``.
    """

    def wants_detail(self, evidence: Any, scale: float) -> bool:
        """Whether the frame ``scale`` times larger than the analysed copy would tell more."""
        ...

    def with_detail(self, evidence: Any, image: np.ndarray) -> Any:
        """The evidence completed from the same frame at full resolution (upright BGR)."""
        ...


@dataclass(frozen=True)
class FaceView:
    """One face as the face detector measured it, for comparing frames of the same shot."""

    box: tuple[float, float, float, float]
    """x, y, w, h as fractions of the frame (may reach past its edges when the face is cut)."""
    score: float
    """Detector confidence: lower when part of the face is hidden."""
    sharpness: float
    """Variance of the Laplacian inside the face box at a fixed face height."""
    symmetry: float
    """0..1: how squarely the face is turned to the camera."""
    eyes: float | None = None
    """How open the eyes look; comparable only between frames of the same face (None when the
    eyes are too small to tell)."""
    smile: float | None = None
    """P(happy) from the expression model; None unless the face is large and frontal."""


@runtime_checkable
class FaceLooker(Protocol):
    """A FrameScorer that can show the faces of frames cheaply (optional).

    The pipeline compares a candidate's main face with the same face in other frames of its
    group, and swaps in a frame where it is shown more clearly (``core.clear_faces``).
    """

    def faces_in(self, evidence: Any) -> tuple[FaceView, ...]:
        """The faces of a frame's evidence, largest first."""
        ...

    def find_faces(self, images: Sequence[np.ndarray]) -> list[tuple[FaceView, ...]]:
        """The faces of upright BGR images (the face detector alone), largest first."""
        ...


@dataclass(frozen=True)
class PoseView:
    """One person's body as the pose model saw it, for comparing frames of the same group."""

    box: tuple[float, float, float, float]
    """x, y, w, h as fractions of the frame."""
    score: float
    """The pose model's confidence that this is a person."""
    keypoints: tuple[tuple[float, float, float], ...]
    """17 (x, y, confidence) in COCO order (nose, eyes, ears, shoulders, elbows, wrists, hips,
    knees, ankles; left before right), x and y as fractions of the frame."""


@runtime_checkable
class PoseLooker(Protocol):
    """A FrameScorer that can show people's body keypoints (optional).

    The pipeline looks at a few frames of the group of a candidate showing a person, and swaps
    in the peak of the action: a pose at its extreme, a body turned to the camera
    (``core.moments``).
    """

    def people_in(self, evidence: Any) -> tuple[tuple[float, float, float, float], ...]:
        """The boxes (x, y, w, h fractions) of the people the detector found, largest first."""
        ...

    def find_poses(
        self,
        images: Sequence[np.ndarray],
        region: tuple[float, float, float, float] | None = None,
    ) -> list[tuple[PoseView, ...]]:
        """The people of upright BGR images with their keypoints (the pose model alone).

        Looked for in ``region`` (x, y, w, h fractions) only, when given; keypoints and boxes
        are fractions of the whole image.
        """
        ...


@runtime_checkable
class TextLooker(Protocol):
    """A FrameScorer that can look for burnt-in text apart from its other models (optional).

    ``evidence`` leaves text unread; the pipeline reads it for the candidates that can reach
    the top of the ranking, then looks at other frames of a captioned candidate's group and
    swaps in one with less text (``core.clean_text``).
    """

    def find_text(self, images: Sequence[np.ndarray]) -> list[TextFound]:
        """The burnt-in text of upright BGR images (the text detector alone)."""
        ...

    def with_text(self, evidence: Sequence[Any], images: Sequence[np.ndarray]) -> list[Any]:
        """The evidence of these frames (from ``evidence``) with their burnt-in text read."""
        ...


@runtime_checkable
class ShotTagger(Protocol):
    """A FrameScorer that can tag the frames of one shot together (optional).

    One frame's evidence is noisy; the pipeline hands over every candidate of a shot, and each
    frame's tags may lean on what most of them show (``core.shot_tags``). Popularity and the
    ranking stay each frame's own.
    """

    def shot_tags(
        self, evidences: Sequence[Any], topics: Sequence[Topic]
    ) -> list[tuple[TopicScore, ...]]:
        """The tags of each frame of one shot (same order), strongest first."""
        ...
