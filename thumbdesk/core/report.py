"""The JSON report of a run (``thumbdesk pick --json``), and its schema.

The report is plain data built from a ``PipelineResult``; its JSON schema ships as
``resources/report.schema.json`` so that other tools can validate what ThumbDesk writes.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

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
            "weights": list(breakdown.weights),
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
        "topics": [
            {"word": topic.word, "score": round(topic.score, 4)}
            for topic in candidate.topics.topics
        ],
        "faces": candidate.topics.faces,
        "flagged": candidate.flagged,
    }
    if candidate.flagged:
        entry["flag_reason"] = candidate.flag_reason
    return entry


def build_report(result: PipelineResult, top: int | None = None) -> dict[str, Any]:
    """Turn a pipeline result into the report dictionary (``top`` limits the candidates)."""
    video = result.video
    candidates = result.candidates[:top] if top else result.candidates
    return {
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
    }


def report_json(result: PipelineResult, top: int | None = None) -> str:
    """The report as indented JSON text."""
    return json.dumps(build_report(result, top), indent=2, ensure_ascii=False) + "\n"


def report_schema() -> dict[str, Any]:
    """The JSON schema that every report validates against."""
    text = resources.files("thumbdesk.resources").joinpath("report.schema.json").read_text()
    schema: dict[str, Any] = json.loads(text)
    return schema
