"""Frame quality: measure each frame, then decide which frames are dark, blurry, flat or broken.

Measurement looks only at the picture area: letterbox and pillarbox bars are found first and
left out, so a wide film in a tall frame is not called dark or uniform. Blur is judged against
the clip's own typical sharpness, so a soft-looking animation is not rejected wholesale.

"Flat" means nothing to look at, not a small subject on a plain sky, wall or backdrop: detail
is judged where it is. The picture is cut into cells; when most cells are plain and the cells
that stand out form one compact region (``subject_on_plain``), the frame keeps that subject,
and its sharpness is judged inside the subject's box.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import replace

import cv2
import numpy as np

from thumbdesk.core.types import PipelineConfig, QualityMetrics, RejectReason

logger = logging.getLogger(__name__)

_BAR_LUMA = 24.0
"""Rows or columns darker than this (and nearly flat) may be letterbox bars."""
_BAR_STD = 6.0
_MAX_BAR_FRACTION = 0.35
"""A bar never takes more than this fraction of the frame on one side."""


def _bar_extent(line_means: np.ndarray, line_stds: np.ndarray, limit: int) -> int:
    """Count leading lines that look like a black bar (dark and flat), at most ``limit``."""
    is_bar = (line_means < _BAR_LUMA) & (line_stds < _BAR_STD)
    count = 0
    for flag in is_bar[:limit]:
        if not flag:
            break
        count += 1
    return count


def content_box(grey: np.ndarray) -> tuple[int, int, int, int]:
    """Find the picture area (x, y, w, h) inside black letterbox / pillarbox bars."""
    height, width = grey.shape
    values = grey.astype(np.float32)
    squares = cv2.multiply(values, values)
    row_mean, row_std = _line_stats(values, squares, axis=1)
    col_mean, col_std = _line_stats(values, squares, axis=0)
    top = _bar_extent(row_mean, row_std, int(height * _MAX_BAR_FRACTION))
    bottom = _bar_extent(row_mean[::-1], row_std[::-1], int(height * _MAX_BAR_FRACTION))
    left = _bar_extent(col_mean, col_std, int(width * _MAX_BAR_FRACTION))
    right = _bar_extent(col_mean[::-1], col_std[::-1], int(width * _MAX_BAR_FRACTION))
    box_w, box_h = width - left - right, height - top - bottom
    inside = grey[top : top + box_h, left : left + box_w]
    if box_w < width * 0.25 or box_h < height * 0.25 or cv2.mean(inside)[0] < _BAR_LUMA:
        return (0, 0, width, height)  # a dark frame, not a picture between bars
    return (left, top, box_w, box_h)


def _line_stats(
    values: np.ndarray, squares: np.ndarray, axis: int
) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation of every row (axis=1) or column (axis=0), as numpy's."""
    mean = cv2.reduce(values, axis, cv2.REDUCE_AVG).ravel()
    mean_sq = cv2.reduce(squares, axis, cv2.REDUCE_AVG).ravel()
    return mean, np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))


def colourfulness_of(area_bgr: np.ndarray) -> float:
    """Hasler and Suesstrunk's colourfulness metric (0 for grey pictures).

    Works in 16-bit integers on OpenCV's side (rg = R - G, 2 yb = R + G - 2 B are exact),
    several times faster than the same arithmetic on float copies in numpy.
    """
    blue, green, red = cv2.split(area_bgr)
    rg = cv2.subtract(red, green, dtype=cv2.CV_16S)
    red_green = cv2.add(red, green, dtype=cv2.CV_16S)
    yb2 = cv2.subtract(red_green, cv2.add(blue, blue, dtype=cv2.CV_16S), dtype=cv2.CV_16S)
    rg_mean, rg_std = cv2.meanStdDev(rg)
    yb2_mean, yb2_std = cv2.meanStdDev(yb2)
    spread = math.hypot(float(rg_std[0, 0]), 0.5 * float(yb2_std[0, 0]))
    centre = math.hypot(float(rg_mean[0, 0]), 0.5 * float(yb2_mean[0, 0]))
    return spread + 0.3 * centre


def luma_entropy(grey: np.ndarray) -> float:
    """Shannon entropy, in bits, of the 256-level grey histogram."""
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    total = hist.sum()
    if total <= 0:
        return 0.0
    p = hist[hist > 0] / total
    return float(-(p * np.log2(p)).sum())


def uniformity_of(contrast: float, entropy: float) -> float:
    """Map contrast (luma std) and entropy to 0 (busy) .. 1 (one flat colour)."""
    busy = 0.5 * min(contrast / 40.0, 1.0) + 0.5 * min(entropy / 6.5, 1.0)
    return float(np.clip(1.0 - busy, 0.0, 1.0))


_CELLS = 16
"""Cells along the long side of the picture (9 along the short side of a 16:9 picture)."""
_PLAIN_CELL_STD = 3.0
"""A cell whose luma spread is below this is plain (empty sky, a bare wall)."""
_SUBJECT_CELL_STD = 12.0
"""A cell whose luma spread is at least this shows something (an edge, a shape)."""
_MIN_PLAIN_SHARE = 0.6
_MAX_SUBJECT_SHARE = 0.3
_MAX_SUBJECT_SPAN = 0.6
"""A subject on a plain background: at least this share of cells plain, and the cells that
stand out inside a box of at most this share of the picture."""


def subject_on_plain(area: np.ndarray) -> tuple[int, int, int, int] | None:
    """Box (x, y, w, h, in ``area`` pixels) of a compact subject on a plain background.

    None when the picture is not mostly plain, when nothing in it stands out, or when what
    stands out is spread over the picture (a horizon line, a whole landscape).
    """
    height, width = area.shape[:2]
    if height < 16 or width < 16:
        return None
    long_cells = _CELLS
    short_cells = max(4, round(_CELLS * min(height, width) / max(height, width)))
    cols, rows = (long_cells, short_cells) if width >= height else (short_cells, long_cells)
    if height >= 16 * rows and width >= 16 * cols:
        # Cell statistics of a half-size copy: the same plain cells and the same subject
        # cells (a shape 8 px wide is still there), at a quarter of the cost.
        area = cv2.resize(area, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    values = area.astype(np.float32)
    mean = cv2.resize(values, (cols, rows), interpolation=cv2.INTER_AREA)
    mean_sq = cv2.resize(values * values, (cols, rows), interpolation=cv2.INTER_AREA)
    spread = np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))
    if float((spread < _PLAIN_CELL_STD).mean()) < _MIN_PLAIN_SHARE:
        return None
    strong = spread >= max(_SUBJECT_CELL_STD, 0.5 * float(spread.max()))
    if not strong.any():
        return None
    ys, xs = np.nonzero(strong)
    r0, r1, c0, c1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
    if (r1 - r0) * (c1 - c0) > _MAX_SUBJECT_SHARE * rows * cols:
        return None
    if r1 - r0 > _MAX_SUBJECT_SPAN * rows or c1 - c0 > _MAX_SUBJECT_SPAN * cols:
        return None  # a line across the picture (a horizon, a wall's edge), not a subject
    # One cell of margin around the cells that stand out, clipped to the picture.
    r0, c0 = max(0, r0 - 1), max(0, c0 - 1)
    r1, c1 = min(rows, r1 + 1), min(cols, c1 + 1)
    x0, x1 = c0 * width // cols, c1 * width // cols
    y0, y1 = r0 * height // rows, r1 * height // rows
    return (x0, y0, x1 - x0, y1 - y0)


def measure(image_bgr: np.ndarray) -> QualityMetrics:
    """Measure luma, sharpness, contrast, entropy and uniformity of one working-size frame."""
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    x, y, w, h = content_box(grey)
    area = grey[y : y + h, x : x + w]
    mean, std = cv2.meanStdDev(area)
    luma, contrast = float(mean[0, 0]), float(std[0, 0])
    # 16-bit Laplacian is exact for 8-bit input; meanStdDev beats numpy's var() on it.
    _, lap_std = cv2.meanStdDev(cv2.Laplacian(area, cv2.CV_16S))
    sharpness = float(lap_std[0, 0]) ** 2
    entropy = luma_entropy(area)
    colour = colourfulness_of(image_bgr[y : y + h, x : x + w])
    subject = subject_on_plain(area)
    subject_sharpness = 0.0
    if subject is not None:
        sx, sy, sw, sh = subject
        _, local = cv2.meanStdDev(cv2.Laplacian(area[sy : sy + sh, sx : sx + sw], cv2.CV_16S))
        subject_sharpness = float(local[0, 0]) ** 2
        subject = (x + sx, y + sy, sw, sh)
    return QualityMetrics(
        luma=round(luma, 3),
        sharpness=round(sharpness, 3),
        sharpness_rel=1.0,
        uniformity=round(uniformity_of(contrast, entropy), 4),
        contrast=round(contrast, 3),
        entropy=round(entropy, 4),
        colourfulness=round(colour, 3),
        content_box=(x, y, w, h),
        subject_box=subject,
        subject_sharpness=round(subject_sharpness, 3),
    )


def looks_broken(image_bgr: np.ndarray) -> str:
    """Say why a decoded picture looks like decoder garbage ("" if it looks like a picture).

    A decoder that runs out of data leaves the rest of the picture one flat colour (often grey
    or green): a band of identical rows at the bottom, under a textured top.
    """
    if image_bgr is None or image_bgr.ndim != 3 or image_bgr.size == 0:
        return "no picture data"
    height = image_bgr.shape[0]
    band = image_bgr[height - max(2, height // 6) :]
    top = image_bgr[: height // 2]
    if band.min() == band.max() and top.std() > 8.0:
        value = band[0, 0]
        top_value = top.reshape(-1, 3).mean(axis=0)
        if np.abs(top_value - value).max() > 12 and int(value.max()) > 0:
            return "bottom of the picture is missing (decode error)"
    return ""


SUBJECT_DETAIL = 0.6
"""Detail term of a subject on a plain background: as much to look at as a fairly busy frame."""


def quality_score(metrics: QualityMetrics) -> float:
    """Combine the measurements into one 0..1 quality term used in the final score."""
    sharp = min(1.0, math.log1p(max(metrics.sharpness_rel, 0.0)) / math.log1p(1.5))
    luma = metrics.luma
    if luma < 90:
        exposure = max(0.0, (luma - 20.0) / 70.0)
    elif luma > 190:
        exposure = max(0.0, (250.0 - luma) / 60.0)
    else:
        exposure = 1.0
    detail = 1.0 - metrics.uniformity
    if metrics.subject_box is not None:
        detail = max(detail, SUBJECT_DETAIL)
    return float(np.clip(0.45 * sharp + 0.30 * exposure + 0.25 * detail, 0.0, 1.0))


def relative_sharpness(
    metrics: Sequence[QualityMetrics], config: PipelineConfig
) -> list[QualityMetrics]:
    """Fill in ``sharpness_rel`` against the clip's median over frames with real content.

    A subject on a plain background is judged by its own sharpness (``detail_sharpness``).
    """
    typical = typical_sharpness(metrics, config)
    return [replace(m, sharpness_rel=round(m.detail_sharpness / typical, 4)) for m in metrics]


def typical_sharpness(metrics: Sequence[QualityMetrics], config: PipelineConfig) -> float:
    """The clip's median sharpness over frames with real content (``sharpness_rel``'s 1)."""
    usable = [m.detail_sharpness for m in metrics if content_verdict(m, config)[0] is None]
    pool = usable or [m.detail_sharpness for m in metrics]
    typical = float(np.median(pool)) if pool else 1.0
    return max(typical, 1e-6)


def content_verdict(
    metrics: QualityMetrics, config: PipelineConfig
) -> tuple[RejectReason | None, str]:
    """Judge exposure and content only (dark, flat, washed out); blur is judged separately.

    A frame with a subject on a plain background is not flat, however plain the rest is.
    """
    if metrics.luma < config.dark_luma:
        return "dark", f"mean luma {metrics.luma:.1f} < {config.dark_luma:g}"
    if metrics.subject_box is not None:
        return None, ""
    if metrics.uniformity > config.uniform_max:
        return (
            "uniform",
            f"uniformity {metrics.uniformity:.2f} > {config.uniform_max:g} "
            f"(contrast {metrics.contrast:.1f}, entropy {metrics.entropy:.2f} bits)",
        )
    if (
        metrics.contrast < config.washed_contrast
        and metrics.colourfulness < config.washed_colourfulness
    ):
        return (
            "uniform",
            f"washed out: contrast {metrics.contrast:.1f} < {config.washed_contrast:g} and "
            f"colourfulness {metrics.colourfulness:.1f} < {config.washed_colourfulness:g}",
        )
    return None, ""


def verdict(metrics: QualityMetrics, config: PipelineConfig) -> tuple[RejectReason | None, str]:
    """Decide whether a measured frame passes; return (reason, detail) or (None, "")."""
    reason, detail = content_verdict(metrics, config)
    if reason is not None:
        return reason, detail
    if metrics.detail_sharpness < config.blur_abs:
        where = " (of the subject)" if metrics.subject_box is not None else ""
        return (
            "blurry",
            f"sharpness{where} {metrics.detail_sharpness:.1f} < {config.blur_abs:g}",
        )
    if metrics.sharpness_rel < config.blur_rel:
        return (
            "blurry",
            f"sharpness {metrics.sharpness_rel:.2f}x the clip's median < {config.blur_rel:g}x",
        )
    return None, ""
