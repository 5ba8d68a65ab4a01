"""Near-duplicate removal: describe frames, cluster them, keep the best frame of each cluster.

Each frame is described by a colour histogram (HSV, Hellinger-normalised, taken after the
frame's brightness is brought up to a common level, so a fade copy has the same histogram) and a
tiny structural thumbnail (16x9 grey, zero-mean, unit-norm). Frames whose 64x36
brightness-normalised thumbnails correlate at ``SAME_PICTURE`` or more are the same picture
whatever the histogram says (``same_picture``): their distance is set to 0. Frames are
clustered by average-linkage agglomerative clustering on the combined distance, merging until
no two clusters are closer than the duplicate threshold and no more than the wanted number of
clusters remain; frames of different shots count further apart (``across_shots``), so the
merges the cap forces join frames of one shot first. A last pass guarantees that no two kept
frames are closer than the threshold.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

logger = logging.getLogger(__name__)

_HIST_BINS = (12, 4, 4)
_THUMB_SIZE = (16, 9)
_COLOUR_WEIGHT = 0.5
_LEVEL = 128.0
"""Mean luma darker frames are scaled up to before their colour histogram is taken."""
_PICTURE_SIZE = (64, 36)
SAME_PICTURE = 0.97
"""Correlation of brightness-normalised 64x36 grey thumbnails at which two frames are the
same picture (a fade or exposure change of one frame); 0.98 is where people agree, this keeps a
margin."""
SHOT_APART = 0.3
"""Added, while grouping, to the distance of two frames of different shots that are not
near-duplicates (``across_shots``). When the cap on candidates forces groups to merge, the
frames of one shot merge first and every shot keeps a group of its own: a compilation of nine
shots had three folded into look-alike shots of others at distances of 0.18-0.32 (a baby
laughing in the sea into another beach shot, before any of the shots' own near-alike frames)."""
_DESCRIBE_LONG_SIDE = 240
"""Frames are halved (2x2 area average) until their long side is at most this before being
described: the histogram and the 16x9 thumbnail barely change, the cost drops ~3x."""


def describe(image_bgr: np.ndarray, box: tuple[int, int, int, int] | None = None) -> np.ndarray:
    """Appearance descriptor of one frame: Hellinger colour histogram + structural thumbnail."""
    if box is not None and box[2] > 0 and box[3] > 0:
        x, y, w, h = box
        image_bgr = image_bgr[y : y + h, x : x + w]
    while max(image_bgr.shape[:2]) > _DESCRIBE_LONG_SIDE and min(image_bgr.shape[:2]) >= 32:
        height, width = image_bgr.shape[:2]
        size = (width // 2, height // 2)
        image_bgr = cv2.resize(image_bgr, size, interpolation=cv2.INTER_AREA)
    level = float(cv2.mean(cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY))[0])
    if 4.0 < level < _LEVEL:  # a darkened copy (a fade to black) is brought back up
        image_bgr = cv2.convertScaleAbs(image_bgr, alpha=min(_LEVEL / level, 16.0))
    hsv = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2HSV)
    hist = cv2.calcHist([hsv], [0, 1, 2], None, list(_HIST_BINS), [0, 180, 0, 256, 0, 256])
    hist = hist.ravel().astype(np.float32)
    hist = np.sqrt(hist / max(float(hist.sum()), 1.0))
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY)
    thumb = cv2.resize(grey, _THUMB_SIZE, interpolation=cv2.INTER_AREA).astype(np.float32)
    thumb = thumb.ravel() - thumb.mean()
    norm = float(np.linalg.norm(thumb))
    thumb = thumb / norm if norm > 1e-6 else np.zeros_like(thumb)
    return np.concatenate([hist, thumb]).astype(np.float32)


def picture_thumb(
    image_bgr: np.ndarray, box: tuple[int, int, int, int] | None = None
) -> np.ndarray:
    """64x36 grey thumbnail, zero mean and unit norm: brightness and contrast taken out."""
    if box is not None and box[2] > 0 and box[3] > 0:
        x, y, w, h = box
        image_bgr = image_bgr[y : y + h, x : x + w]
    grey = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2GRAY) if image_bgr.ndim == 3 else image_bgr
    height, width = grey.shape
    step = min(width // _PICTURE_SIZE[0], height // _PICTURE_SIZE[1])
    if step >= 2:  # whole-number area average first: OpenCV's fast path, nearly the same box
        grey = cv2.resize(grey, (width // step, height // step), interpolation=cv2.INTER_AREA)
    thumb = cv2.resize(grey, _PICTURE_SIZE, interpolation=cv2.INTER_AREA).astype(np.float32)
    thumb = thumb.ravel() - thumb.mean()
    norm = float(np.linalg.norm(thumb))
    return thumb / norm if norm > 1e-6 else thumb


def same_picture(thumbs: np.ndarray) -> np.ndarray:
    """Boolean matrix: which pairs of ``picture_thumb`` rows are the same picture."""
    if len(thumbs) == 0:
        return np.zeros((0, 0), dtype=bool)
    same: np.ndarray = (thumbs @ thumbs.T) >= SAME_PICTURE
    return same


def distances(features: np.ndarray) -> np.ndarray:
    """Pairwise distances in [0, 1]: mixed colour (Hellinger) and structure (cosine) distance."""
    n_hist = int(np.prod(_HIST_BINS))
    hist, thumb = features[:, :n_hist], features[:, n_hist:]
    # Hellinger distance between L1-normalised histograms; rows of ``hist`` have unit L2 norm.
    colour = np.sqrt(np.clip(1.0 - hist @ hist.T, 0.0, 1.0))
    structure = np.clip((1.0 - thumb @ thumb.T) / 2.0, 0.0, 1.0)
    mixed = _COLOUR_WEIGHT * colour + (1.0 - _COLOUR_WEIGHT) * structure
    np.fill_diagonal(mixed, 0.0)
    return mixed.astype(np.float64)


def across_shots(distance: np.ndarray, shot: np.ndarray, duplicate: float) -> np.ndarray:
    """Distances to group by: SHOT_APART more between frames of different shots.

    ``shot`` holds each frame's shot; pairs closer than ``duplicate`` (the same picture seen in
    two shots, a fade copy) keep their distance and still merge.
    """
    apart = (shot[:, None] != shot[None, :]) & (distance >= duplicate)
    linking: np.ndarray = np.where(apart, distance + SHOT_APART, distance)
    return linking


@dataclass(frozen=True)
class Clustering:
    """Cluster label of every frame, and the distance matrix it was computed from."""

    labels: np.ndarray
    distance: np.ndarray

    def members(self) -> list[np.ndarray]:
        """Indices of each cluster's frames, clusters in order of their first frame."""
        order: list[int] = []
        for label in self.labels:
            if int(label) not in order:
                order.append(int(label))
        return [np.flatnonzero(self.labels == label) for label in order]


def cluster(distance: np.ndarray, threshold: float, max_clusters: int) -> Clustering:
    """Average-linkage agglomerative clustering.

    Merges the two closest clusters while they are closer than ``threshold`` or while more
    than ``max_clusters`` clusters remain. Deterministic: ties go to the lowest indices.
    """
    n = distance.shape[0]
    if n == 0:
        return Clustering(np.zeros(0, dtype=np.int64), distance)
    sizes = np.ones(n)
    linkage = distance.copy()
    np.fill_diagonal(linkage, np.inf)
    active = np.ones(n, dtype=bool)
    labels = np.arange(n)
    clusters = n
    while clusters > 1:
        flat = int(np.argmin(linkage))
        i, j = divmod(flat, n)
        if i > j:
            i, j = j, i
        closest = linkage[i, j]
        if closest >= threshold and clusters <= max_clusters:
            break
        # Merge j into i (Lance-Williams update for average linkage).
        merged = (sizes[i] * linkage[i] + sizes[j] * linkage[j]) / (sizes[i] + sizes[j])
        linkage[i, :] = merged
        linkage[:, i] = merged
        linkage[i, i] = np.inf
        linkage[j, :] = np.inf
        linkage[:, j] = np.inf
        sizes[i] += sizes[j]
        active[j] = False
        labels[labels == j] = i
        clusters -= 1
    return Clustering(labels, distance)


def suppress_close(
    order: Sequence[int], distance: np.ndarray, threshold: float | np.ndarray
) -> list[int]:
    """Walk frames best first; keep each one unless it is closer than ``threshold`` to a kept one.

    ``threshold`` is one number or a matrix of one per pair of frames (a stricter bar for two
    frames of the same shot). Returns, for every frame in ``order``, the position in ``order``
    of the kept frame it was merged into (its own position when it is kept).
    """
    limit = np.broadcast_to(np.asarray(threshold, dtype=np.float64), distance.shape)
    kept: list[int] = []
    owner: list[int] = []
    for position, frame in enumerate(order):
        closest = next(
            (k for k in kept if distance[frame, order[k]] < limit[frame, order[k]]), None
        )
        if closest is None:
            kept.append(position)
            owner.append(position)
        else:
            owner.append(closest)
    return owner
