"""The JSON report of a run (``thumbdesk pick --json``), and its schema.

The report is plain data built from a ``PipelineResult``; its JSON schema ships as
``resources/report.schema.json`` so that other tools can validate what ThumbDesk writes.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from thumbdesk.core import bars
from thumbdesk.core.reframe import Reframe
from thumbdesk.core.types import Candidate, PipelineResult

REPORT_VERSION = 1


def _candidate(candidate: Candidate) -> dict[str, Any]:
    metrics = candidate.quality
    breakdown = candidate.breakdown
    entry: dict[str, Any] = {
        "rank": candidate.rank,
        "frame_index": candidate.frame.index,
        "time_s": round(candidate.frame.time_s, 3),
        "score": round(candidate.score, 4),
        "score_terms": {
            "quality": breakdown.quality,
            "representativeness": breakdown.representativeness,
            "popularity": breakdown.popularity,
            "face": breakdown.face,
            "weights": list(breakdown.weights),
            "text_penalty": breakdown.text_penalty,
            "face_penalty": breakdown.face_penalty,
            "moment_penalty": breakdown.moment_penalty,
        },
        "quality": {
            "luma": metrics.luma,
            "sharpness": metrics.sharpness,
            "sharpness_rel": metrics.sharpness_rel,
            "uniformity": metrics.uniformity,
            "contrast": metrics.contrast,
            "entropy": metrics.entropy,
            "colourfulness": metrics.colourfulness,
        },
        "cluster_size": candidate.cluster_size,
        "shot": candidate.shot,
        "topics": [
            {"word": topic.word, "score": round(topic.score, 4)}
            for topic in candidate.topics.topics
        ],
        "faces": candidate.topics.faces,
        "flagged": candidate.flagged,
    }
    if candidate.flagged:
        entry["flag_reason"] = candidate.flag_reason
    text = candidate.topics.text
    if text is not None:
        entry["text"] = {
            "share": text.share,
            "corner_share": text.corner_share,
            "title_card": text.title_card,
            "boxes": [{"x": x, "y": y, "w": w, "h": h} for x, y, w, h in text.boxes],
        }
    if candidate.face_note:
        entry["face_note"] = candidate.face_note
    if candidate.face_flaw:
        entry["face_flaw"] = candidate.face_flaw
    if candidate.moment_flaw:
        entry["moment_flaw"] = candidate.moment_flaw
    if candidate.moment_note:
        entry["moment_note"] = candidate.moment_note
    return entry


def build_report(
    result: PipelineResult,
    top: int | None = None,
    export: Reframe | None = None,
    preset: str = "original",
) -> dict[str, Any]:
    """Turn a pipeline result into the report dictionary (``top`` limits the candidates).

    ``export``, when the pick was exported, is how (crop box in pixels of the full frame, and
    the mode: crop, fit over a blurred fill, or none) for ``preset``.
    """
    video = result.video
    candidates = result.candidates[:top] if top else result.candidates
    size = (video.width, video.height)
    x, y, w, h = bars.pixel_box(result.picture_box, size)
    report: dict[str, Any] = {
        "report_version": REPORT_VERSION,
        "video": video.path,
        "container": video.container,
        "codec": video.codec,
        "duration_s": video.duration_s,
        "fps": video.fps,
        "frame_count": video.frame_count,
        "variable_frame_rate": video.variable_frame_rate,
        "width": video.width,
        "height": video.height,
        "rotation": video.rotation,
        "device": result.device,
        "sampled": result.sampled,
        "timings_s": dict(result.timings_s),
        "candidates": [_candidate(c) for c in candidates],
        "rejected": [
            {
                "frame_index": r.frame_index,
                "time_s": r.time_s,
                "reason": r.reason,
                "detail": r.detail,
            }
            for r in result.rejected
        ],
        "warnings": list(result.warnings),
        "picture_box": {"x": x, "y": y, "w": w, "h": h},
        "bars": bars.bars_px(result.picture_box, size),
        "shot_starts_s": list(result.shot_starts_s),
    }
    if export is not None:
        bx, by, bw, bh = export.box
        report["export"] = {
            "preset": preset,
            "mode": export.mode,
            "box": {"x": bx, "y": by, "w": bw, "h": bh},
            "reason": export.reason,
        }
    return report


def report_json(
    result: PipelineResult,
    top: int | None = None,
    export: Reframe | None = None,
    preset: str = "original",
) -> str:
    """The report as indented JSON text."""
    report = build_report(result, top, export, preset)
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON schema that every report validates against."""
    text = resources.files("thumbdesk.resources").joinpath("report.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
