"""Per-face people evidence: gender, age and expression of the faces YuNet found.

- gender and age: HSE faceres-deep (``models/people_faceres_deep.onnx``, Apache-2.0) on a
  224x224 square crop around the face, BGR minus the Caffe / VGG means; all judged faces of
  a frame go through in one batch. Only faces at least ``GENDER_MIN_PX`` tall are judged
  (below that the answers were unreliable on real frames).
- age group: faceres-deep reads most children as 30-year-olds (its mean age), yet its 256
  features tell a child's face from a grown-up's: the age probe (``models/age_probe.npz``,
  ``ml.probe``, built by ``scripts/models_age.py`` from public photos) reads them as baby,
  child, teen or grown-up.
- expression: oarriaga's mini-Xception (``models/people_emotion.onnx``, MIT) on a 64x64 grey
  crop, only for large frontal faces (``EMOTION_MIN_PX``, ``EMOTION_MIN_SYMMETRY``): on small
  or turned faces it gives confident nonsense.

Both run in ONNX Runtime on the CPU (no torch import), or in torch on CUDA
(``thumbdesk.ml.onnx_torch``, same outputs to ~1e-7). A face that is not judged gets
``None`` in the field concerned, never a guess.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.backends import GraphRunner
from thumbdesk.ml.faces import Face
from thumbdesk.ml.probe import LinearProbe, load_probe

log = logging.getLogger(__name__)

GENDER_MIN_PX = 32.0
"""Faces shorter than this (pixels of the frame given) get no gender or age. On the faces of
single-gender items of ../shared/eval (``scripts/eval_people.py``) the gender was right on 21
of 25 faces of 40 px or more, and on 3 of 3 between 32 and 40 px; an unsure reading says
nothing anyway (``people_features.GENDER_CLEAR``)."""
MAX_JUDGED_FACES = 4
"""Only the largest faces of a frame are judged: each costs ~15 ms on 2 CPU cores."""
EMOTION_MIN_PX = 64.0
EMOTION_MIN_SYMMETRY = 0.6
"""Face.symmetry (1 = frontal) needed for an expression."""
FACE_MARGIN = 0.25
"""The square attribute crop is the face box's longer side times 1 + FACE_MARGIN."""
EMOTION_MARGIN = 0.1
FACERES_SIZE = 224
EMOTION_SIZE = 64
_CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], dtype=np.float32)
_AGES = np.arange(100, dtype=np.float32)

AGE_GROUPS = ("baby", "child", "teen")
"""The age probe's heads, in FaceAttributes.groups order (the rest: grown up): about 0-3,
4-12 and 13-17 years."""
FACE_FEATURES = 256
"""Width of faceres-deep's feature layer, which the age probe reads."""

EMOTIONS: tuple[str, ...] = ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")
"""Order of FaceAttributes.emotions (FER-2013 classes)."""
HAPPY = EMOTIONS.index("happy")
"""Where P(happy), a smile, sits among the EMOTIONS."""


@dataclass(frozen=True)
class FaceAttributes:
    """What the people models say about one face; ``None`` where the face was not judged."""

    face: Face
    female: float | None
    """P(female) 0..1; None for faces under GENDER_MIN_PX."""
    age: float | None
    """Expected age in years (the mean of the model's age distribution)."""
    age_spread: float | None
    """Standard deviation of the age distribution in years: the smaller, the surer."""
    groups: tuple[float, ...] | None
    """P of each of AGE_GROUPS (the age probe); None when the age was not judged."""
    emotions: tuple[float, ...] | None
    """Probabilities in EMOTIONS order; None unless the face is large and frontal."""

    @property
    def happy(self) -> float | None:
        """P(happy): a smile; None when the expression was not judged."""
        return None if self.emotions is None else self.emotions[HAPPY]


@cache
def age_probe() -> LinearProbe:
    """Load ``models/age_probe.npz`` (verified against the manifest)."""
    return load_probe(assets.AGE, AGE_GROUPS, LinearProbe, width=FACE_FEATURES)


def square_crop(image: np.ndarray, face: Face, margin: float, size: int) -> np.ndarray:
    """A size x size crop centred on the face, its side the longer face side x (1 + margin).

    Parts outside the frame are filled by repeating the border.
    """
    h, w = image.shape[:2]
    fx, fy, fw, fh = face.box
    cx, cy = (fx + fw / 2) * w, (fy + fh / 2) * h
    side = max(fw * w, fh * h) * (1.0 + margin)
    scale = size / max(side, 1.0)
    matrix = np.array(
        [[scale, 0.0, size / 2 - cx * scale], [0.0, scale, size / 2 - cy * scale]],
        dtype=np.float64,
    )
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    return cv2.warpAffine(
        image, matrix, (size, size), flags=interp, borderMode=cv2.BORDER_REPLICATE
    )


class PeopleAttributes:
    """Gender, age and expression of faces; safe to share between threads."""

    def __init__(self, device: str = "cpu") -> None:
        """``device``: "cpu" (ONNX Runtime), "cpu-torch", "cuda[:N]" (torch) or "auto"."""
        self._faceres = GraphRunner(assets.FACERES, device)
        self._emotion = GraphRunner(assets.EMOTION, device)
        self._ages = age_probe()
        self.device = self._faceres.device
        self._lock = threading.Lock()

    def judge(
        self, image: np.ndarray, faces: Sequence[Face], max_faces: int = MAX_JUDGED_FACES
    ) -> tuple[FaceAttributes, ...]:
        """Attributes of ``faces`` (found by YuNet in this same BGR frame), in their order.

        Only the ``max_faces`` largest faces of at least GENDER_MIN_PX with their eyes in the
        frame (``Face.eyes_in_view``) are judged.
        """
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        h = image.shape[0]
        judged = judged_faces(faces, max_faces)
        gendered = [i for i, f in enumerate(faces) if i in judged and f.box[3] * h >= GENDER_MIN_PX]
        expressive = expressive_faces(faces, judged, h)
        female: dict[int, float] = {}
        age: dict[int, tuple[float, float]] = {}
        groups: dict[int, tuple[float, ...]] = {}
        emotions: dict[int, tuple[float, ...]] = {}
        if gendered:
            batch = np.stack(
                [square_crop(image, faces[i], FACE_MARGIN, FACERES_SIZE) for i in gendered]
            ).astype(np.float32)
            batch -= _CAFFE_MEAN_BGR
            with self._lock:
                male, ages, features = self._faceres(["male", "age", "features"], {"input": batch})
            in_groups = self._ages.probabilities(features)
            for k, i in enumerate(gendered):
                dist = np.asarray(ages[k], dtype=np.float64)
                dist = dist / max(float(dist.sum()), 1e-9)
                mean = float(dist @ _AGES)
                spread = float(np.sqrt(max(float(dist @ (_AGES - mean) ** 2), 0.0)))
                female[i] = 1.0 - float(male[k, 0])
                age[i] = (mean, spread)
                groups[i] = tuple(float(p) for p in in_groups[k])
        if expressive:
            read = self._expressions(image, [faces[i] for i in expressive])
            emotions = dict(zip(expressive, read, strict=True))
        return tuple(
            FaceAttributes(
                face=f,
                female=female.get(i),
                age=age[i][0] if i in age else None,
                age_spread=age[i][1] if i in age else None,
                groups=groups.get(i),
                emotions=emotions.get(i),
            )
            for i, f in enumerate(faces)
        )

    def smiles(self, image: np.ndarray, faces: Sequence[Face]) -> tuple[float | None, ...]:
        """P(happy) of each of ``faces`` (found in this BGR frame), in their order.

        Only the expression model runs, on the ``MAX_JUDGED_FACES`` largest faces that are
        large and frontal enough (``expressive_faces``); the others get None.
        """
        if image.ndim == 2:
            image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
        judged = judged_faces(faces, MAX_JUDGED_FACES)
        expressive = expressive_faces(faces, judged, image.shape[0])
        read = self._expressions(image, [faces[i] for i in expressive]) if expressive else []
        found = {i: e[HAPPY] for i, e in zip(expressive, read, strict=True)}
        return tuple(found.get(i) for i in range(len(faces)))

    def _expressions(self, image: np.ndarray, faces: Sequence[Face]) -> list[tuple[float, ...]]:
        """The expression model's probabilities (EMOTIONS order) for each face, in one batch."""
        crops = []
        for face in faces:
            crop = square_crop(image, face, EMOTION_MARGIN, EMOTION_SIZE)
            grey = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY).astype(np.float32)
            crops.append((grey / 255.0 - 0.5) * 2.0)
        with self._lock:
            (probs,) = self._emotion(["emotion"], {"input": np.stack(crops)[..., None]})
        return [tuple(float(p) for p in row) for row in probs]


def judged_faces(faces: Sequence[Face], max_faces: int) -> set[int]:
    """Indices of the ``max_faces`` largest faces with their eyes in the frame."""
    seen = [i for i, f in enumerate(faces) if f.eyes_in_view]
    return set(sorted(seen, key=lambda i: -faces[i].box[3])[:max_faces])


def expressive_faces(faces: Sequence[Face], judged: set[int], frame_height: int) -> list[int]:
    """Indices of the ``judged`` faces large and frontal enough for the expression model."""
    return [
        i
        for i, f in enumerate(faces)
        if i in judged
        and f.box[3] * frame_height >= EMOTION_MIN_PX
        and f.symmetry >= EMOTION_MIN_SYMMETRY
    ]
