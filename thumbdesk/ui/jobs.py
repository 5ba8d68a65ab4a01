"""What the window runs in the background: plain, synchronous functions (no widgets, no threads).

``ui/workers.py`` is how they are run (superqt workers, cancellation, shutdown); this module is
what is run. Each function can be called and tested directly; the window runs them with
``workers.run_task``. Heavy modules (cv2 via core.decode, the model layer) are imported
inside the functions, never when the window starts.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.types import ExportRequest, PipelineConfig, PipelineResult, Topic, VideoInfo
from thumbdesk.ui.candidate_model import bgr_to_qimage

logger = logging.getLogger(__name__)


def probe_video(path: str) -> VideoInfo:
    """Probe a video (raises VideoError with a clear message)."""
    from thumbdesk.core.probe import probe

    return probe(path)


def full_frame(path: str, frame_index: int, frame_times_s: Sequence[float] = ()) -> np.ndarray:
    """Decode one full-resolution, upright BGR frame (exact seeking when times are known)."""
    from thumbdesk.core.decode import read_frame

    return read_frame(path, frame_index, tuple(frame_times_s) or None)


def export_frame(
    path: str,
    frame_index: int,
    full_res: np.ndarray | None,
    request: ExportRequest,
    frame_times_s: Sequence[float] = (),
) -> list[Path]:
    """Decode the chosen frame at full resolution (unless given) and write the thumbnail(s).

    The same ``core.export.export_request`` as the command line: the same bytes.
    """
    from thumbdesk.core.export import check_format, export_request

    if request.preset != "all":
        check_format(request.preset, request.dest)  # before the decode: fail at once
    image = full_res if full_res is not None else full_frame(path, frame_index, frame_times_s)
    written = export_request(image, request)
    logger.info("exported frame %d of %s to %s", frame_index, path, written)
    return written


def frame_for_clipboard(
    path: str, frame_index: int, full_res: np.ndarray | None, frame_times_s: Sequence[float] = ()
) -> QImage:
    """Decode the chosen frame at full resolution, as a QImage for the clipboard."""
    image = full_res if full_res is not None else full_frame(path, frame_index, frame_times_s)
    return bgr_to_qimage(image)


def rerank(
    result: PipelineResult,
    scorer: FrameScorer | None,
    topics: Sequence[Topic],
    config: PipelineConfig,
) -> PipelineResult:
    """Re-rank with a new topic list from cached evidence (no decoding)."""
    from thumbdesk.core.pipeline import rerank as core_rerank

    return core_rerank(result, scorer, tuple(topics), config)


def load_scorer(device: str = "auto") -> FrameScorer | None:
    """Import the model layer and load the scorer (run this in a worker: it takes a while).

    Returns None when the model layer is not available, so the pipeline runs with neutral
    popularity; a real model error (corrupt weights, absent device) is raised.
    """
    try:
        from thumbdesk.ml import load_scorer as load_model_scorer
    except ImportError as exc:
        logger.warning("model layer not importable: %s", exc)
        return None
    scorer: FrameScorer = load_model_scorer(device)
    return scorer


def filmstrip(path: str, count: int) -> list[tuple[int, QImage]]:
    """Small frames across the video, as QImages for the timeline's filmstrip."""
    from thumbdesk.core.filmstrip import filmstrip_frames

    return [(index, bgr_to_qimage(image)) for index, image in filmstrip_frames(path, count)]
