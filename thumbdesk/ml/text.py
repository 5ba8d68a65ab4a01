"""Burnt-in text in a frame: captions, title cards, watermarks (PP-OCRv4 text detection).

The detection model (``models/text_det_ppocrv4.onnx``, PaddleOCR's DB mobile detector from
the rapidocr-onnxruntime wheel, Apache-2.0) turns the frame, scaled to INPUT_LONG_SIDE on its
long side (PORTRAIT_LONG_SIDE for portrait frames; both sides rounded to multiples of 32),
into a map of text probability. The DB
post-processing is done here: pixels above BIN_THRESHOLD, dilated 2x2, form regions
(connected components); a region whose mean probability reaches BOX_THRESHOLD and that is at
least MIN_ASPECT times as wide as high (burnt-in text runs in lines) is a text line, and its
bounding box is grown by ``area * UNCLIP_RATIO / perimeter`` on every side (DB is trained on
shrunk text regions); a line whose pixels have upright strokes (MIN_STROKES, not rows of
stripes) is text. No recognition runs: where the text is and how much of the picture it
covers is what the pick needs.

``text_found`` judges a reading: how much of the picture is text, how much of that is small
marks in a corner (watermarks, logos, date stamps), and whether the frame is a title card
(mostly text: TITLE_SHARE of the picture, or TITLE_SHARE_PLAIN on a plain background with no
face or object, or TITLE_SHARE_BARE on a bare one, as an app's end card; text only at the bottom
is a caption, never a title card). The ranking
(``core.rank``) turns that into a penalty, and flags title cards.

It runs in ONNX Runtime on the CPU, on the candidates only: ~11-13 ms a landscape frame at
320 px, ~17 ms a portrait one at 384 px, on 2 shared cores, one at a time; the pipeline reads
frames of one size BATCH at a time (``read_many``), about a fifth less a frame
(``benchmarks/bench_model.py``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.core.types import TextFound
from thumbdesk.ml import assets
from thumbdesk.ml.backends import GraphRunner

log = logging.getLogger(__name__)

INPUT_LONG_SIDE = 320
"""Long side of the copy the model reads. Measured on the candidates of ../shared (ms a frame,
2 shared cores): 256 px 9, 288 px 11, 320 px 13, 480 px 27; 256 px missed a title fading in
and a sign that 320 px found, 320 px found every caption, title and watermark 480 px found."""
PORTRAIT_LONG_SIDE = 384
"""The same for portrait frames, whose captions are small against the long side: on 270x480
frames of vertical_9x16_bbb.mp4 a one-line caption 12 px high (2.5% of the height) was missed
at 320 px and found at 384 px, as were 9 px ones (4 ms more a frame, CPU time)."""
BATCH = 2
"""Frames of one input size per model run; ONNX Runtime gives every frame of a batch the map
it gives it alone (compared bit for bit). Measured on 2 shared cores (12 frames of
katna_elephants_dream.mp4, 320x224): 11.5 ms a frame one at a time, 9.6 in 2s, 9.2 in 4s; the
batch's activations stay in ONNX Runtime's memory arena: the CLI's peak on that clip rose by
25 MB in 2s, by 78 MB in 4s."""
BIN_THRESHOLD = 0.3
BOX_THRESHOLD = 0.5
UNCLIP_RATIO = 1.6
"""DB's post-processing constants, as PaddleOCR and rapidocr use them."""
MIN_SIDE_PX = 3
"""Regions thinner than this (model pixels) are noise."""
MIN_ASPECT = 1.6
"""Regions (grown boxes) less than this many times as wide as high are not text: the vents
of a hand mixer (cake_batter_mixer.mp4) read as text blobs 0.9-1.4 times as wide as high,
with scores of 0.95; the text lines found on ../shared were 2.1-9.5 times as wide as high, and
a title of two lines run together 1.9 (a street sign, 1.4, is dropped too)."""
MAX_BOXES = 64

MIN_STROKES = 0.5
"""Regions whose horizontal gradient is under this fraction of their vertical one are stripes
(``_strokes``): the hand mixer's vents measured 0.30-0.33 where they passed MIN_ASPECT; the
text found on ../shared (captions, titles, watermarks, signs) 0.7-1.8."""

CORNER_ZONE = (1 / 3, 0.25)
"""A corner is the outer third of the width and the outer quarter of the height."""
CORNER_MARK_MAX = 0.05
"""A text region at most this share of the picture, its centre in a corner and not crossing
the middle of the width, is a mark (watermark, logo, date stamp): the clideo.com watermarks
and a camcorder date on ../shared/eval cover 1.7-4.1%."""
TITLE_SHARE = 0.15
"""Text over this share of the picture makes a title card whatever is behind it (the Big Buck
Bunny title covers 22%, a "1. BODY POSITION" card 18%; a two-line caption 5-10%)."""
TITLE_SHARE_PLAIN = 0.04
PLAIN_EDGES = 0.12
"""Text over TITLE_SHARE_PLAIN on a plain background (edge pixels outside the text under
PLAIN_EDGES, no face or object found) makes a title card: "the peach open movie project
presents" on a sky covers 6% with 0.08 edges; candidate frames of real scenes have 0.02-0.28."""
TITLE_SHARE_BARE = 0.01
BARE_EDGES = 0.02
"""Text over TITLE_SHARE_BARE on a bare background (edge pixels outside the text under
BARE_EDGES, no face or object found) makes a title card too: the end card a TikTok download
closes on, its logo and name covering 2% of a dark screen with 0.015 edges. Candidate frames of
real scenes on six labelled sets (143 items) read 0.024 and more (captioned phone frames blurred by
movement), and those were captions."""
CAPTION_BAND = 0.6
"""Text whose every region has its centre below this height (a fraction from the top) is a
caption line, however large, not a title card: captions sit at the bottom, titles in the
middle or at the top."""
_MEAN_STD = 127.5
"""BGR scaled to [-1, 1] ((x / 255 - 0.5) / 0.5), as PaddleOCR feeds the detector."""


@dataclass(frozen=True)
class TextReading:
    """What the text detector saw in one frame (kept in the scorer's evidence)."""

    boxes: tuple[tuple[float, float, float, float], ...] = ()
    """Text regions (x, y, w, h as fractions of the frame), largest first."""
    scores: tuple[float, ...] = ()
    """Mean text probability inside each region (same order)."""
    share: float = 0.0
    """Fraction of the frame the regions cover, overlaps counted once."""
    corner_share: float = 0.0
    """Fraction of the frame covered by small marks in a corner (see CORNER_MARK_MAX)."""
    background_edges: float = 0.0
    """Share of edge pixels (Canny) outside the text: 0 for a plain background."""


def preprocess(image: np.ndarray) -> np.ndarray:
    """BGR (or grey) frame -> (1, 3, H, W) float32 in [-1, 1], scaled for the model.

    The long side becomes INPUT_LONG_SIDE (PORTRAIT_LONG_SIDE for a portrait frame), both
    sides multiples of 32.
    """
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = image.shape[:2]
    scale = (PORTRAIT_LONG_SIDE if h > w else INPUT_LONG_SIDE) / max(h, w, 1)
    size = (max(32, round(w * scale / 32) * 32), max(32, round(h * scale / 32) * 32))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(image, size, interpolation=interp).astype(np.float32)
    small = small / _MEAN_STD - 1.0
    return np.ascontiguousarray(small.transpose(2, 0, 1)[None])


def regions(prob: np.ndarray) -> list[tuple[float, float, float, float, float]]:
    """DB post-processing of a (H, W) probability map -> (x0, y0, x1, y1, score) in map pixels.

    Boxes are axis-aligned (burnt-in text is horizontal) and grown by the unclip distance.
    """
    mask = cv2.dilate((prob > BIN_THRESHOLD).astype(np.uint8), np.ones((2, 2), np.uint8))
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        return []
    sums = np.bincount(labels.ravel(), weights=prob.ravel().astype(np.float64), minlength=count)
    height, width = prob.shape
    found = []
    for label in range(1, count):
        x, y, w, h, area = (int(v) for v in stats[label])
        if min(w, h) < MIN_SIDE_PX:
            continue
        score = float(sums[label] / area)
        if score < BOX_THRESHOLD:
            continue
        grow = area * UNCLIP_RATIO / (2.0 * (w + h))
        if w + 2 * grow < MIN_ASPECT * (h + 2 * grow):
            continue
        found.append(
            (
                max(0.0, x - grow),
                max(0.0, y - grow),
                min(float(width), x + w + grow),
                min(float(height), y + h + grow),
                score,
            )
        )
    found.sort(key=lambda b: -(b[2] - b[0]) * (b[3] - b[1]))
    return found[:MAX_BOXES]


def _strokes(grey: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """Horizontal against vertical gradient inside a box (fractions) of a grey frame.

    Letters have upright strokes as well as flat ones (about 1 or more); rows of slots or
    stripes have flat edges only.
    """
    height, width = grey.shape[:2]
    x, y, w, h = box
    x0, y0 = int(x * width), int(y * height)
    x1, y1 = int(np.ceil((x + w) * width)), int(np.ceil((y + h) * height))
    crop = grey[y0:y1, x0:x1]
    if min(crop.shape[:2]) < 3:
        return 1.0
    crop = crop.astype(np.float32)
    across = float(np.abs(np.diff(crop, axis=1)).mean())
    down = float(np.abs(np.diff(crop, axis=0)).mean())
    return across / max(down, 1e-6)


def _is_corner_mark(box: tuple[float, float, float, float]) -> bool:
    """A small region in a corner of the frame, on one side of its middle (fractions)."""
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2
    zone_x, zone_y = CORNER_ZONE
    in_x = (cx < zone_x and x + w <= 0.5) or (cx > 1 - zone_x and x >= 0.5)
    in_y = cy < zone_y or cy > 1 - zone_y
    return w * h <= CORNER_MARK_MAX and in_x and in_y


def _covered(boxes: list[tuple[float, float, float, float]], shape: tuple[int, int]) -> np.ndarray:
    """Mask of a (H, W) grid covered by fractional boxes."""
    height, width = shape
    mask = np.zeros(shape, bool)
    for x, y, w, h in boxes:
        x0, y0 = int(x * width), int(y * height)
        x1, y1 = int(np.ceil((x + w) * width)), int(np.ceil((y + h) * height))
        mask[y0:y1, x0:x1] = True
    return mask


def _background_edges(image: np.ndarray, boxes: list[tuple[float, float, float, float]]) -> float:
    """Share of Canny edge pixels of a grey half-size copy, outside the text boxes."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    edges = cv2.Canny(small, 50, 150) > 0
    outside = ~_covered(boxes, edges.shape)
    return float(edges[outside].mean()) if outside.any() else 0.0


def text_found(reading: TextReading | None, has_subject: bool) -> TextFound | None:
    """``judge_text(reading, has_subject)``, or None when no text detection ran."""
    return None if reading is None else judge_text(reading, has_subject)


def judge_text(reading: TextReading, has_subject: bool) -> TextFound:
    """Judge a reading: share, corner share and whether the frame is a title card.

    ``has_subject``: a face or a confident object was found (a caption over a person is a
    caption, not a title card).
    """
    main = reading.share - reading.corner_share  # corner marks never make a title
    caption = all(
        y + h / 2 >= CAPTION_BAND
        for x, y, w, h in reading.boxes
        if not _is_corner_mark((x, y, w, h))
    )
    title = not caption and (
        main >= TITLE_SHARE
        or (
            not has_subject
            and (
                (main >= TITLE_SHARE_PLAIN and reading.background_edges < PLAIN_EDGES)
                or (main >= TITLE_SHARE_BARE and reading.background_edges < BARE_EDGES)
            )
        )
    )
    return TextFound(
        boxes=reading.boxes,
        share=round(reading.share, 4),
        corner_share=round(reading.corner_share, 4),
        title_card=title,
    )


class TextDetector:
    """PP-OCRv4 text detection; safe to share between threads.

    It runs in ONNX Runtime on the CPU, or in torch on CUDA (``thumbdesk.ml.onnx_torch``, the
    same text map to ~1e-5).
    """

    def __init__(self, device: str = "cpu") -> None:
        """``device``: "cpu" (ONNX Runtime), "cpu-torch", "cuda[:N]" (torch) or "auto"."""
        self._model = GraphRunner(assets.TEXT_DET, device)
        self.device = self._model.device
        self._lock = threading.Lock()

    def probability(self, image: np.ndarray) -> np.ndarray:
        """(H, W) text probability of a BGR frame, at the model's input size."""
        with self._lock:
            (out,) = self._model(["sigmoid_0.tmp_0"], {"x": preprocess(image)})
        return out[0, 0]

    def probabilities(self, images: Sequence[np.ndarray]) -> list[np.ndarray]:
        """``probability`` of each frame, frames of one input size run BATCH at a time.

        Same maps as one at a time (bit for bit in ONNX Runtime on the CPU; see BATCH).
        """
        blobs = [preprocess(image) for image in images]
        groups: dict[tuple[int, ...], list[int]] = {}
        for k, blob in enumerate(blobs):
            groups.setdefault(blob.shape, []).append(k)
        out: list[np.ndarray] = [np.empty(0, np.float32)] * len(blobs)
        for rows in groups.values():
            for first in range(0, len(rows), BATCH):
                chunk = rows[first : first + BATCH]
                feed = (
                    np.concatenate([blobs[k] for k in chunk]) if len(chunk) > 1 else blobs[chunk[0]]
                )
                with self._lock:
                    (maps,) = self._model(["sigmoid_0.tmp_0"], {"x": feed})
                for k, prob in zip(chunk, maps, strict=True):
                    out[k] = prob[0]
        return out

    def read(self, image: np.ndarray) -> TextReading:
        """The text regions of a BGR frame and how much of it they cover."""
        return self.reading(image, self.probability(image))

    def read_many(self, images: Sequence[np.ndarray]) -> list[TextReading]:
        """``read`` for each frame, the model run in batches (``probabilities``)."""
        images = list(images)
        return [
            self.reading(img, prob)
            for img, prob in zip(images, self.probabilities(images), strict=True)
        ]

    @staticmethod
    def reading(image: np.ndarray, prob: np.ndarray) -> TextReading:
        """The reading of a BGR frame from its text probability map (DB post-processing)."""
        height, width = prob.shape
        grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        found = []
        boxes: list[tuple[float, float, float, float]] = []
        for x0, y0, x1, y1, score in regions(prob):
            box = (
                round(x0 / width, 4),
                round(y0 / height, 4),
                round((x1 - x0) / width, 4),
                round((y1 - y0) / height, 4),
            )
            if _strokes(grey, box) >= MIN_STROKES:
                found.append(score)
                boxes.append(box)
        covered = _covered(boxes, prob.shape)
        corner = _covered([b for b in boxes if _is_corner_mark(b)], prob.shape)
        return TextReading(
            boxes=tuple(boxes),
            scores=tuple(round(s, 3) for s in found),
            share=float(covered.mean()),
            corner_share=float(corner.mean()),
            background_edges=_background_edges(image, boxes),
        )
