"""The open video and what the window knows about it, shared by the window and its actions.

The window opens and closes videos, loads the scorer and stores each run's result here; the
creator's actions (export, copy, topics) read it. Plain data, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.types import PipelineResult, Topic

UNLOADED: Any = object()
"""``Session.scorer`` before the model has been loaded (None means: no model, run without)."""


@dataclass
class Session:
    """State of the window's current video, scorer and topic list."""

    video_path: str | None = None
    """The open video (resolved path), or None on the start screen."""
    result: PipelineResult | None = None
    """The final result of the open video (after a run or a re-rank), or None."""
    scorer: FrameScorer | Any | None = field(default=UNLOADED)
    """The topic scorer, None when running without a model, UNLOADED until loaded."""
    topics: tuple[Topic, ...] | None = None
    """The topic list in use, None until first needed."""

    @property
    def scorer_loaded(self) -> bool:
        """Whether the scorer is known (loaded, or known to be unavailable)."""
        return self.scorer is not UNLOADED

    @property
    def frame_times_s(self) -> tuple[float, ...]:
        """Presentation times of every frame of the open video, when a run measured them."""
        return self.result.frame_times_s if self.result is not None else ()
