"""People evidence: faces found by YuNet and how well each is shown.

YuNet (``models/face_detection_yunet_2026may.onnx``, MIT) runs on a copy of the frame whose
long side is at most 640 px. Faces under ~25 px score low: with ``upscale_small`` and a
small copy (long side under ``UPSCALE_BELOW``, as the pipeline's 480 px working frames
are), a second pass runs on a copy upscaled by ``UPSCALE_FACTOR`` (1.5) and adds the faces
the first pass missed if they clear the stricter ``UPSCALE_SCORE`` (the upscaled pass
brings more false faces). It runs
in ONNX Runtime, its output decoded exactly as OpenCV's ``cv2.FaceDetectorYN`` decodes it
(same boxes, landmarks and scores; measured 2x faster: 5 against 10 ms on a 480x320 frame
on 2 cores), or in ``cv2.FaceDetectorYN`` itself when ONNX Runtime is missing or the
classifier runs in OpenCV DNN too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.core.model_api import FaceView
from thumbdesk.ml import assets
from thumbdesk.ml.backends import onnxruntime_session

log = logging.getLogger(__name__)

DETECT_LONG_SIDE = 640
SCORE_THRESHOLD = 0.7
NMS_THRESHOLD = 0.3
TOP_K = 50
MIN_FACE_PX = 16
UPSCALE_BELOW = 720
"""A detection copy whose long side is under this gets a second, upscaled pass."""
UPSCALE_FACTOR = 1.5
"""Measured on ../shared/eval: 1.5x found two real faces (16 and 30 px) the 1x pass missed,
no false one, for ~7 ms more a frame; 2x found one of them for ~20 ms more."""
UPSCALE_SCORE = 0.8
"""Score a face found only in the upscaled pass needs (the 1x pass needs SCORE_THRESHOLD)."""
EYE_MIN_PX = 20.0
"""Eye distance (pixels of the detection copy) below which eyes are not judged."""
EYE_PATCH = (32, 20)
"""Size of the patch each eye is judged in (width, height)."""
_STRIDES = (8, 16, 32)

RawDetector = Callable[[np.ndarray], np.ndarray]
"""BGR image -> (N, 15) float32 rows as cv2.FaceDetectorYN.detect gives them: box x, y, w,
h, five landmarks (right eye, left eye, nose tip, mouth corners) as x, y, then the score."""


@dataclass(frozen=True)
class Face:
    """One detected face; box as fractions of the frame."""

    box: tuple[float, float, float, float]
    score: float
    size_px: float
    """Face height in pixels of the original frame."""
    sharpness: float
    """Variance of the Laplacian inside the face box, at 64 px face height."""
    symmetry: float
    """0..1: how frontal the face is (nose centred between the eyes)."""
    eyes: float | None = None
    """How open the eyes look (``eye_openness``); None when the eyes are too small to tell or
    out of the frame."""
    eyes_in_view: bool = True
    """An eye lies inside the frame (``eyes_in_view``). A face cut off by the frame's edge above
    its eyes (a mouth eating in close-up) is still a face, but shows no age or gender a model
    could read."""

    @property
    def area(self) -> float:
        """Fraction of the frame the face box covers."""
        return self.box[2] * self.box[3]


class OnnxRuntimeYuNet:
    """YuNet in ONNX Runtime, decoded and filtered as OpenCV's FaceDetectorYN does it."""

    def __init__(self, data: bytes) -> None:
        self._session = onnxruntime_session(data, assets.YUNET)
        self._input = self._session.get_inputs()[0].name
        self._outputs = [o.name for o in self._session.get_outputs()]

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Detect faces in a BGR image; rows as RawDetector describes."""
        height, width = image.shape[:2]
        pad_h, pad_w = -(-height // 32) * 32, -(-width // 32) * 32
        blob = np.zeros((1, 3, pad_h, pad_w), dtype=np.float32)  # padded bottom/right with 0
        blob[0, :, :height, :width] = image.transpose(2, 0, 1)
        named = dict(zip(self._outputs, self._session.run(None, {self._input: blob}), strict=True))
        found = [_decode(named, stride, pad_w // stride) for stride in _STRIDES]
        faces = np.concatenate(found, axis=0)
        if len(faces) > 1:
            boxes = [[int(v) for v in row[:4]] for row in faces]  # C++ int(): toward zero
            keep = cv2.dnn.NMSBoxes(
                boxes, faces[:, 14].tolist(), SCORE_THRESHOLD, NMS_THRESHOLD, 1.0, TOP_K
            )
            faces = faces[np.asarray(keep, dtype=np.int64).reshape(-1)]
        return faces


def _decode(named: dict[str, np.ndarray], stride: int, cols: int) -> np.ndarray:
    """Rows for the anchors of one stride whose score reaches SCORE_THRESHOLD."""
    cls = np.clip(named[f"cls_{stride}"].reshape(-1), 0.0, 1.0)
    obj = np.clip(named[f"obj_{stride}"].reshape(-1), 0.0, 1.0)
    score = np.sqrt(cls * obj)
    keep = np.flatnonzero(score >= SCORE_THRESHOLD)
    rows = np.empty((keep.size, 15), dtype=np.float32)
    if not keep.size:
        return rows
    row, col = np.divmod(keep, cols)
    bbox = named[f"bbox_{stride}"].reshape(-1, 4)[keep]
    kps = named[f"kps_{stride}"].reshape(-1, 10)[keep]
    box_w, box_h = np.exp(bbox[:, 2]) * stride, np.exp(bbox[:, 3]) * stride
    rows[:, 0] = (col + bbox[:, 0]) * stride - box_w / 2.0
    rows[:, 1] = (row + bbox[:, 1]) * stride - box_h / 2.0
    rows[:, 2], rows[:, 3] = box_w, box_h
    rows[:, 4:14:2] = (kps[:, 0::2] + col[:, None]) * stride
    rows[:, 5:14:2] = (kps[:, 1::2] + row[:, None]) * stride
    rows[:, 14] = score[keep]
    return rows


class OpenCVYuNet:
    """YuNet in cv2.FaceDetectorYN (OpenCV DNN)."""

    def __init__(self, data: bytes) -> None:
        try:
            self._det = cv2.FaceDetectorYN.create(
                "onnx",
                np.frombuffer(data, dtype=np.uint8),
                np.zeros(0, dtype=np.uint8),
                (320, 320),
                SCORE_THRESHOLD,
                NMS_THRESHOLD,
                TOP_K,
            )
        except cv2.error as exc:
            raise ModelError(f"Model file models/{assets.YUNET} cannot be loaded: {exc}") from None

    def __call__(self, image: np.ndarray) -> np.ndarray:
        """Detect faces in a BGR image; rows as RawDetector describes."""
        height, width = image.shape[:2]
        self._det.setInputSize((width, height))
        _, found = self._det.detect(image)
        return np.zeros((0, 15), dtype=np.float32) if found is None else found


def make_raw_detector(engine: str = "ort") -> RawDetector:
    """YuNet in ONNX Runtime ("ort") or OpenCV DNN ("opencv")."""
    data = assets.model_bytes(assets.YUNET)
    if engine == "ort":
        try:
            return OnnxRuntimeYuNet(data)
        except ImportError:
            log.info("onnxruntime is not installed; finding faces with OpenCV DNN")
    return OpenCVYuNet(data)


class FaceDetector:
    """YuNet wrapper, safe to share between threads (one detection at a time)."""

    def __init__(self, engine: str = "ort", upscale_small: bool = False) -> None:
        self._raw = make_raw_detector(engine)
        self._lock = threading.Lock()
        self.upscale_small = upscale_small
        """Run the upscaled pass on small frames (see UPSCALE_BELOW)."""

    def _find(self, image: np.ndarray) -> np.ndarray:
        """Raw rows for a detection copy, with the upscaled pass where the copy is small."""
        with self._lock:
            found = self._raw(image)
            if not self.upscale_small or max(image.shape[:2]) >= UPSCALE_BELOW:
                return found
            big = cv2.resize(
                image, None, fx=UPSCALE_FACTOR, fy=UPSCALE_FACTOR, interpolation=cv2.INTER_LINEAR
            )
            extra = self._raw(big)
        extra = extra[extra[:, 14] >= UPSCALE_SCORE].copy()
        extra[:, :14] /= UPSCALE_FACTOR
        new = [row for row in extra if not _overlaps(row, found)]
        return np.concatenate([found, np.asarray(new, dtype=np.float32).reshape(-1, 15)])

    def detect(self, image: np.ndarray) -> tuple[Face, ...]:
        """Faces in a BGR image, largest first."""
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        h, w = image.shape[:2]
        scale = min(1.0, DETECT_LONG_SIDE / max(h, w))
        small = (
            image
            if scale == 1.0
            else cv2.resize(
                image, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
            )
        )
        sh, sw = small.shape[:2]
        found = self._find(small)
        if not len(found):
            return ()
        gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        faces = []
        for row in found:
            x, y, fw, fh = (float(v) for v in row[:4])
            if fh / scale < MIN_FACE_PX:
                continue
            x0, y0 = max(0, int(x)), max(0, int(y))
            x1, y1 = min(sw, int(x + fw)), min(sh, int(y + fh))
            sharp = 0.0
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                crop = gray[y0:y1, x0:x1]
                crop = cv2.resize(crop, (max(4, round(64 * crop.shape[1] / crop.shape[0])), 64))
                sharp = float(cv2.Laplacian(crop, cv2.CV_32F).var())
            reye, leye, nose = row[4:6], row[6:8], row[8:10]
            in_view = eyes_in_view((sw, sh), reye, leye)
            eyes = eye_openness(gray, reye, leye) if in_view else None
            eye_span = abs(float(leye[0] - reye[0])) + 1e-6
            offset = abs(float(nose[0] - (leye[0] + reye[0]) / 2)) / eye_span
            faces.append(
                Face(
                    box=(x / sw, y / sh, fw / sw, fh / sh),
                    score=float(row[14]),
                    size_px=fh / scale,
                    sharpness=sharp,
                    symmetry=float(np.clip(1.0 - 2.0 * offset, 0.0, 1.0)),
                    eyes=eyes,
                    eyes_in_view=in_view,
                )
            )
        faces.sort(key=lambda f: -f.area)
        return tuple(faces)


EYE_EDGE = 0.15
"""Share of the distance between the eyes by which an eye landmark must lie inside the frame
to be in view: YuNet places the eyes of a face cut off above them on the frame's edge (1-3 px
in, a mouth eating in close-up)."""


def eyes_in_view(size: tuple[int, int], right: np.ndarray, left: np.ndarray) -> bool:
    """Whether at least one eye of a face lies inside a frame of ``size`` (width, height).

    A face turned at the frame's side with one eye on the edge is still read; a face cut off
    above its eyes has none in view (EYE_EDGE).
    """
    margin = EYE_EDGE * float(np.hypot(*(np.asarray(left, float) - np.asarray(right, float))))
    w, h = size
    return any(margin <= e[0] < w - margin and margin <= e[1] < h - margin for e in (right, left))


def eye_openness(gray: np.ndarray, right: np.ndarray, left: np.ndarray) -> float | None:
    """How open the eyes at YuNet's two eye landmarks look; None when they are too small.

    A patch around each eye (half the eye distance wide, 0.3 of it tall, turned with the eye
    line) is compared in horizontal and vertical gradient energy: an open eye has the round
    edges of its iris and the corners of its white, a closed one is a horizontal line (lid and
    lashes), all vertical gradient. The less open eye counts (a wink is not an open-eyed face).
    The ratio's level depends on the person and the scale (a laughing man's narrow eyes at 24 px
    read 0.3-0.4, a woman's made-up eyes at 110 px 0.5-1.0, closed 0.25-0.45), so it is only
    compared between frames of the same face (``core.clear_faces``).
    """
    span = np.asarray(left, np.float64) - np.asarray(right, np.float64)
    distance = float(np.hypot(span[0], span[1]))
    if distance < EYE_MIN_PX:
        return None
    cos, sin = span / distance
    sx, sy = EYE_PATCH[0] / (0.5 * distance), EYE_PATCH[1] / (0.3 * distance)
    rotate = np.array([[cos * sx, sin * sx], [-sin * sy, cos * sy]])
    ratios = []
    for centre in (right, left):
        shift = np.array(EYE_PATCH, np.float64) / 2 - rotate @ np.asarray(centre, np.float64)
        patch = cv2.warpAffine(
            gray,
            np.hstack([rotate, shift[:, None]]),
            EYE_PATCH,
            flags=cv2.INTER_AREA,
            borderMode=cv2.BORDER_REPLICATE,
        ).astype(np.float32)
        gx = float(np.abs(cv2.Sobel(patch, cv2.CV_32F, 1, 0)).mean())
        gy = float(np.abs(cv2.Sobel(patch, cv2.CV_32F, 0, 1)).mean())
        ratios.append(gx / (gy + 1e-6))
    return round(min(ratios), 4)  # a wink is not an open-eyed face either


def _overlaps(row: np.ndarray, rows: np.ndarray) -> bool:
    """Whether face ``row`` overlaps any of ``rows`` (IoU over 0.3 or one centre in the other)."""
    if not len(rows):
        return False
    x0, y0, w, h = row[:4]
    ax0, ay0, aw, ah = rows[:, 0], rows[:, 1], rows[:, 2], rows[:, 3]
    ix = np.maximum(0.0, np.minimum(x0 + w, ax0 + aw) - np.maximum(x0, ax0))
    iy = np.maximum(0.0, np.minimum(y0 + h, ay0 + ah) - np.maximum(y0, ay0))
    inter = ix * iy
    iou = inter / np.maximum(w * h + aw * ah - inter, 1e-6)
    cx, cy = x0 + w / 2, y0 + h / 2
    inside = (ax0 <= cx) & (cx <= ax0 + aw) & (ay0 <= cy) & (cy <= ay0 + ah)
    return bool(np.any((iou > 0.3) | inside))


def face_view(face: Face, smile: float | None = None) -> FaceView:
    """The face as the pipeline compares it between frames (``core.clear_faces``).

    ``smile``: P(happy), where the expression model read it.
    """
    return FaceView(face.box, face.score, face.sharpness, face.symmetry, face.eyes, smile)


SMILE_SHARE = 0.15
"""Share of a face's quality that its smile makes where the expression model read it (a large
frontal face): a smiling face is the better thumbnail. On the fresh results of eighteen
labelled sets (201 clips with marked moments) it moved four picks: a couple kissing to the
marked best moment, a man at his birthday cake to his smile, two within their good moments."""


def face_quality(face: Face, smile: float | None = None) -> float:
    """0..1 for how well a face is shown: size, sharpness, frontal pose, confidence, centred.

    ``smile``: P(happy) where the expression model read the face; it makes SMILE_SHARE.
    """
    size = float(np.clip(face.box[3] / 0.25, 0.0, 1.0)) ** 0.5  # a quarter of the height is ideal
    pixels = float(np.clip((face.size_px - 20) / 60, 0.0, 1.0))
    sharp = float(np.clip(face.sharpness / 150.0, 0.0, 1.0))
    cx = face.box[0] + face.box[2] / 2
    cy = face.box[1] + face.box[3] / 2
    centred = 1.0 - float(np.clip(max(abs(cx - 0.5), abs(cy - 0.45)) * 1.5, 0.0, 0.6))
    conf = float(np.clip((face.score - SCORE_THRESHOLD) / (0.9 - SCORE_THRESHOLD), 0.0, 1.0))
    edge = (
        0.5
        if (
            face.box[0] < 0
            or face.box[1] < 0
            or face.box[0] + face.box[2] > 1
            or face.box[1] + face.box[3] > 1
        )
        else 1.0
    )  # a half face at the border
    q = 0.3 * size + 0.15 * pixels + 0.25 * sharp + 0.15 * face.symmetry + 0.15 * conf
    shown = float(np.clip(q * centred * edge, 0.0, 1.0))
    return shown if smile is None else (1.0 - SMILE_SHARE) * shown + SMILE_SHARE * smile


APPEAL_HEIGHT = 0.25
"""Face height, as a share of the frame's, at which a face is as large as a thumbnail needs."""
APPEAL_SHARES = (0.6, 0.15, 0.25)
"""Shares of ``face_appeal`` made by the face's size, by its being turned to the camera (the
expression model read it: eyes in view, large and frontal) and by its smile."""


def face_appeal(face: Face | None, smile: float | None = None) -> float:
    """0..1 for how much a frame's main face draws a viewer: large, turned to the camera, smiling.

    ``smile``: P(happy) where the expression model read the face (None: turned away, small or
    eyes out of view). A frame without a face has none (0). Where ``face_quality`` asks
    whether a face is shown well (sharp, whole, centred), this asks whether it is the face a
    creator puts on a thumbnail; see ``core.rank`` for what it weighs in the pick.
    """
    if face is None:
        return 0.0
    size_share, turned_share, smile_share = APPEAL_SHARES
    appeal = size_share * float(np.clip(face.box[3] / APPEAL_HEIGHT, 0.0, 1.0))
    if smile is not None:
        appeal += turned_share + smile_share * float(np.clip(smile, 0.0, 1.0))
    return round(appeal, 4)
