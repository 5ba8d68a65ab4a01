"""The FrameScorer: the evidence of each frame, and its topics through ``ml.topic_scores``.

Evidence (``Scorer.evidence``, the expensive step) is what the bundled models see in a frame:
the classifier's ImageNet probabilities (and from them, ``ml.style``'s reading of a drawn or
rendered picture), the faces with what the people models read from them, the people and
objects the detector finds, and for the main person without a judged face, what their body says
(``ml.bodies``: the classifier again, on a crop around them). Topic scoring
(``Scorer.score_topics``, cheap, re-run when the creator edits the topic list) is
``ml.topic_scores.TopicReader``'s: each topic word's certainty, the tags shown and the frame's
popularity.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np

from thumbdesk.core.model_api import FaceView, PoseView
from thumbdesk.core.types import FrameTopics, TextFound, Topic, TopicScore
from thumbdesk.ml import assets
from thumbdesk.ml.animals import people_faces
from thumbdesk.ml.backends import Classifier, OpenCVClassifier, TorchClassifier, run_batches
from thumbdesk.ml.bodies import bodies_to_read, body_crop, body_probe, body_readings
from thumbdesk.ml.detector import Detection, ObjectDetector
from thumbdesk.ml.evidence import (
    OBJECT_LOW,
    Evidence,
    content_of,
    grass_of,
    reading_of,
)
from thumbdesk.ml.faces import FaceDetector, face_view
from thumbdesk.ml.people import (
    GENDER_MIN_PX,
    MAX_JUDGED_FACES,
    PeopleAttributes,
)
from thumbdesk.ml.pose import PoseDetector, pose_view
from thumbdesk.ml.probe import softmax
from thumbdesk.ml.readings import FaceReading
from thumbdesk.ml.style import style_probe
from thumbdesk.ml.text import TextDetector, judge_text
from thumbdesk.ml.topic_scores import TopicReader

log = logging.getLogger(__name__)

Box = tuple[float, float, float, float]

DETECT_MIN = 0.3
"""Detections kept in the evidence (the ramp above decides how much each counts)."""
DETAIL_MIN_PX = 12.0
DETAIL_MIN_SCORE = 0.7
"""Faces smaller or less sure than these in the analysed copy are not worth reading the frame
again for."""


class Scorer:
    """Implements thumbdesk.core.model_api.FrameScorer (see there)."""

    def __init__(self, classifier: Classifier) -> None:
        self._clf = classifier
        # Faces run in ONNX Runtime, or in OpenCV DNN beside an OpenCV classifier (the fallback).
        self._faces = FaceDetector("opencv" if isinstance(classifier, OpenCVClassifier) else "ort")
        # The people and text models run where the classifier runs: torch on CUDA, else ONNX
        # Runtime.
        # YuNet stays in ONNX Runtime on the CPU (about 5 ms a frame; its decoding is ours).
        place = classifier.torch_device if isinstance(classifier, TorchClassifier) else "cpu"
        place = place if place.startswith("cuda") else "cpu"
        self._people = PeopleAttributes(place)
        self._objects = ObjectDetector(place)
        self._text = TextDetector(place)
        self._style = style_probe()
        body_probe()  # load (and verify) it now, not on the first frame with a person
        self._lock = threading.Lock()
        self.topics = TopicReader(assets.text_embeddings())
        """Topic scoring of this scorer's evidence (``ml.topic_scores``)."""
        self.evidence_runs = 0
        """How many times the image models ran (tests check re-scoring does not)."""

    @cached_property
    def _poses(self) -> PoseDetector:
        """MoveNet, loaded the first time a candidate shows a person worth a pose look."""
        return PoseDetector()

    @property
    def device(self) -> str:
        """Where the classifier runs, in words."""
        return self._clf.device

    @property
    def evidence_devices(self) -> dict[str, str]:
        """Where each evidence model runs, in words."""
        return {
            "classifier": self._clf.device,
            "bodies": self._clf.device,
            "faces": "cpu (ONNX Runtime)",
            "face attributes": self._people.device,
            "objects": self._objects.device,
            "text": self._text.device,
            "poses": "cpu (ONNX Runtime; see ml/pose.py)",
        }

    @property
    def batch_size(self) -> int:
        """Frames per ``evidence`` call that run best (the pipeline scores this many at once)."""
        return self._clf.batch_size

    def evidence(self, images: Sequence[np.ndarray]) -> list[Any]:
        """Run the image models on upright BGR images; one Evidence per image."""
        images = list(images)
        with self._lock:
            self.evidence_runs += 1
            logits = run_batches(self._clf, images)
        probs = softmax(logits)
        drawn = self._style.cartoon(probs)
        found = []
        for img in images:
            objects = self._objects.detect(img, DETECT_MIN)
            faces = people_faces(self._faces.detect(img), objects)
            readings = tuple(reading_of(a) for a in self._people.judge(img, faces))
            found.append((faces, readings, objects))
        bodies = self._read_bodies(images, [(objects, readings) for _, readings, objects in found])
        out: list[Any] = []
        for img, p, cartoon, (faces, readings, objects), read in zip(
            images, probs, drawn, found, bodies, strict=True
        ):
            out.append(
                Evidence(
                    p.astype(np.float16),
                    faces,
                    readings,
                    objects,
                    content_of(img),
                    img.shape[1] / max(img.shape[0], 1),
                    cartoon=round(float(cartoon), 4),
                    grass=round(grass_of(img), 4),
                    bodies=read,
                )
            )
        return out

    def _read_bodies(
        self,
        images: Sequence[np.ndarray],
        found: Sequence[tuple[Sequence[Detection], Sequence[FaceReading]]],
    ) -> list[tuple[tuple[Box, float, float], ...]]:
        """Per image, (box, P(female), P(child)) of the people ``ml.bodies`` reads (one run)."""
        boxes = [bodies_to_read(objects, readings) for objects, readings in found]
        crops = [body_crop(img, b) for img, bs in zip(images, boxes, strict=True) for b in bs]
        if not crops:
            return [() for _ in images]
        with self._lock:
            logits = run_batches(self._clf, crops)
        read = iter(body_readings(softmax(logits).astype(np.float16)))
        out: list[tuple[tuple[Box, float, float], ...]] = []
        for bs in boxes:
            rows = [(b, next(read)) for b in bs]
            out.append(tuple((b, round(float(f), 4), round(float(c), 4)) for b, (f, c) in rows))
        return out

    def with_text(self, evidence: Sequence[Any], images: Sequence[np.ndarray]) -> list[Any]:
        """The evidence of these frames with their burnt-in text read (``model_api.TextLooker``).

        Text is read apart from the other models: the pipeline reads it only for the
        candidates that can reach the top of the ranking (``core.clean_text.read_top_text``).
        """
        readings = self._text.read_many(images)
        return [replace(ev, text=r) for ev, r in zip(evidence, readings, strict=True)]

    def faces_in(self, evidence: Any) -> tuple[FaceView, ...]:
        """The faces of a frame's evidence, largest first (``core.model_api.FaceLooker``)."""
        ev: Evidence = evidence
        return tuple(face_view(f, s) for f, s in zip(ev.faces, ev.smiles, strict=True))

    def find_faces(self, images: Sequence[np.ndarray]) -> list[tuple[FaceView, ...]]:
        """The faces of upright BGR images, found by the face detector alone.

        The expression model reads the large frontal ones (P(happy), as the evidence does).
        """
        out = []
        for img in images:
            faces = self._faces.detect(img)
            smiles = self._people.smiles(img, faces) if faces else ()
            out.append(tuple(face_view(f, s) for f, s in zip(faces, smiles, strict=True)))
        return out

    def people_in(self, evidence: Any) -> tuple[tuple[float, float, float, float], ...]:
        """The people the detector found, largest first (``core.model_api.PoseLooker``).

        From OBJECT_LOW, as for reframing: the pose model then looks for itself (a goalkeeper
        in green against green netting scored 0.47).
        """
        ev: Evidence = evidence
        sure = [p.box for p in ev.persons if p.score >= OBJECT_LOW]
        return tuple(sorted(sure, key=lambda b: -b[2] * b[3]))

    def find_poses(
        self,
        images: Sequence[np.ndarray],
        region: tuple[float, float, float, float] | None = None,
    ) -> list[tuple[PoseView, ...]]:
        """The people of upright BGR images with their body keypoints (MoveNet alone)."""
        poses = self._poses
        return [tuple(pose_view(p) for p in poses.detect(img, region=region)) for img in images]

    def find_text(self, images: Sequence[np.ndarray]) -> list[TextFound]:
        """The burnt-in text of upright BGR images, found by the text detector alone."""
        return [judge_text(r, has_subject=False) for r in self._text.read_many(images)]

    def wants_detail(self, evidence: Any, scale: float) -> bool:
        """A face the people models could not judge here, but could ``scale`` times larger.

        (Judged faces are not read again: a 48 px face judged again at 72 px moved P(female)
        by 0.02 on the frames tried.)
        """
        ev: Evidence = evidence
        judged = sorted(ev.readings, key=lambda r: -r.size_px)[:MAX_JUDGED_FACES]
        return not ev.detailed and any(
            r.female is None
            and r.size_px >= DETAIL_MIN_PX
            and r.size_px * scale >= GENDER_MIN_PX
            and r.score >= DETAIL_MIN_SCORE
            for r in judged
        )

    def with_detail(self, evidence: Any, image: np.ndarray) -> Evidence:
        """The faces judged again on the full-resolution frame (boxes are fractions)."""
        ev: Evidence = evidence
        height = image.shape[0]
        attributes = self._people.judge(image, ev.faces)
        # sizes in pixels of the full-resolution frame: the face is that clear
        return replace(
            ev,
            detailed=True,
            readings=tuple(
                replace(reading_of(a), size_px=a.face.box[3] * height) for a in attributes
            ),
        )

    def unknown_words(self, topics: Sequence[Topic]) -> list[str]:
        """Topic words nothing can match (not in the evidence map, no text match)."""
        return self.topics.unknown_words(topics)

    def certainties(self, evidence: Any, topics: Sequence[Topic]) -> dict[str, float]:
        """Every topic word's certainty in [0, 1], shown as a tag or not (for evaluation)."""
        return self.topics.certainties(evidence, topics)

    def shot_tags(
        self, evidences: Sequence[Any], topics: Sequence[Topic]
    ) -> list[tuple[TopicScore, ...]]:
        """Each frame's tags with the support of the other frames of its shot."""
        return self.topics.shot_tags(evidences, topics)

    def score_topics(self, evidence: Any, topics: Sequence[Topic]) -> FrameTopics:
        """Topic scores, tags and popularity for one frame's cached evidence (cheap)."""
        return self.topics.score_topics(evidence, topics)
