"""People evidence: faces found by YuNet (cv2.FaceDetectorYN) and how well each is shown.

YuNet (``models/face_detection_yunet_2026may.onnx``, MIT) runs on a copy of the frame whose
long side is at most 640 px. Faces under ~25 px score low, so no upscaling is done.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets

log = logging.getLogger(__name__)

DETECT_LONG_SIDE = 640
SCORE_THRESHOLD = 0.7
MIN_FACE_PX = 16


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

    @property
    def area(self) -> float:
        """Fraction of the frame the face box covers."""
        return self.box[2] * self.box[3]


class FaceDetector:
    """YuNet wrapper; one instance per thread size setting, guarded by a lock."""

    def __init__(self) -> None:
        data = assets.model_bytes(assets.YUNET)
        try:
            self._det = cv2.FaceDetectorYN.create(
                "onnx",
                np.frombuffer(data, dtype=np.uint8),
                np.zeros(0, dtype=np.uint8),
                (320, 320),
                SCORE_THRESHOLD,
                0.3,
                50,
            )
        except cv2.error as exc:
            raise ModelError(f"Model file models/{assets.YUNET} cannot be loaded: {exc}") from None
        self._lock = threading.Lock()

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
        with self._lock:
            self._det.setInputSize((sw, sh))
            _, found = self._det.detect(small)
        if found is None:
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
            eye_span = abs(float(leye[0] - reye[0])) + 1e-6
            offset = abs(float(nose[0] - (leye[0] + reye[0]) / 2)) / eye_span
            faces.append(
                Face(
                    box=(x / sw, y / sh, fw / sw, fh / sh),
                    score=float(row[14]),
                    size_px=fh / scale,
                    sharpness=sharp,
                    symmetry=float(np.clip(1.0 - 2.0 * offset, 0.0, 1.0)),
                )
            )
        faces.sort(key=lambda f: -f.area)
        return tuple(faces)


def face_quality(face: Face) -> float:
    """0..1 for how well a face is shown: size, sharpness, frontal pose, confidence, centred."""
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
    return float(np.clip(q * centred * edge, 0.0, 1.0))
