"""What the pick-quality scripts share: the pipeline on a clip, frames read back, FFmpeg's pick.

The pipeline runs with the bundled model and the general preset.

Used by ``contact_sheet.py``, ``pick_targets.py``, ``eval_reframe.py``, ``eval_moments.py`` and
``side_by_side.py``.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from thumbdesk.core.decode import FrameReader, to_working_size
from thumbdesk.core.formats import VIDEO_SUFFIXES
from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.pipeline import pick
from thumbdesk.core.topics import load_topics
from thumbdesk.core.types import PipelineResult

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT / ".." / "shared" / "videos"


def clips(arguments: Iterable[str]) -> list[Path]:
    """The clips named (files or folders); every clip in ../shared/videos when none is."""
    named = [Path(a) for a in arguments] or [VIDEOS]
    found: list[Path] = []
    for path in named:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES))
        else:
            found.append(path)
    return found


def load_model(device: str = "cpu") -> FrameScorer | None:
    """The bundled scorer, or None (neutral popularity) when it cannot load."""
    try:
        from thumbdesk.ml import load_scorer

        return load_scorer(device)
    except Exception as exc:
        logging.warning("no model (%s): ranking with neutral popularity", exc)
        return None


def in_spans(time_s: float, spans: Iterable[tuple[float, float]], slack_s: float) -> bool:
    """Whether ``time_s`` lies in one of the marked ``spans`` (seconds), within ``slack_s``."""
    return any(start - slack_s <= time_s <= end + slack_s for start, end in spans)


@dataclass(frozen=True)
class PeerFrame:
    """The frame FFmpeg's thumbnail filter picks: its presentation time and the picture."""

    time_s: float
    image: np.ndarray


def ffmpeg_thumbnail(clip: Path) -> PeerFrame | None:
    """The peer's pick (``ffmpeg -vf thumbnail``: upright, full size).

    None without FFmpeg, or when it picks nothing.
    """
    if shutil.which("ffmpeg") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "peer.png"
        command = ["ffmpeg", "-v", "info", "-i", str(clip), "-vf", "thumbnail,showinfo"]
        done = subprocess.run(
            [*command, "-frames:v", "1", str(out)], capture_output=True, text=True, check=False
        )
        times = re.findall(r"pts_time:([0-9.]+)", done.stderr)
        image = cv2.imread(str(out)) if out.is_file() else None
    if not times or image is None:
        return None
    return PeerFrame(float(times[0]), image)


def run(clip: Path, scorer: FrameScorer | None) -> PipelineResult:
    """The pipeline's result on ``clip`` with the general preset."""
    return pick(clip, scorer=scorer, topics=load_topics(None, preset="general"))


def frames_at(
    clip: Path, result: PipelineResult, indices: Iterable[int], long_side: int = 320
) -> dict[int, np.ndarray]:
    """Frames of ``clip`` by index (read in order), scaled to ``long_side``."""
    out: dict[int, np.ndarray] = {}
    with FrameReader(clip, result.frame_times_s or None) as reader:
        for index in sorted(set(indices)):
            out[index] = to_working_size(reader.read(index), long_side)
    return out
