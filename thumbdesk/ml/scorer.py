"""The FrameScorer: evidence per frame, and topic scores, tags and popularity from it.

Evidence (``Scorer.evidence``, the expensive step) is what the bundled models see in a frame:
the classifier's ImageNet probabilities (and from them, ``ml.style``'s reading of a drawn or
rendered picture), the faces with what the people models read from them, and the people and
objects the detector finds. Topic scoring (``Scorer.score_topics``, cheap,
re-run when the creator edits the topic list) reads it through the curated evidence map
(``resources/evidence.csv``, see ``evidence_map``): each topic word's certainty is the
noisy-OR of its ImageNet mass (ramped from MASS_LOW to MASS_HIGH), its best detection, its
people features, the frame's style and what the people in view do (``ml.activity``: dance,
yoga, running ...; counted only with someone in view and no head-and-shoulders shot, and
the classifier's gymnastics classes count for gym only where the probe reads exercise); in a
people scene or beside a plush toy, an animal the
detector does not find counts little from the classifier alone (UNCONFIRMED). Words the map
lacks are matched zero-shot: the MiniLM similarity of the word to every ImageNet label
(``zero_shot``) weights the class probabilities instead.

A tag is shown only from TAG_MIN certainty: no tag is better than a wrong tag. A specific
people tag (woman, boy) stands for the generic one (face, person), save "face" on a close-up
(CLOSEUP_FACE), where the face is a subject of its own; and a near-synonym of a tag
already shown (puppy after dog) is left out. Popularity counts the evidence once: the words
that rest on the same evidence (all people words; dog and puppy) count as one, each word as
far as its certainty goes (words under TAG_MIN fade out), and the POP_TOP_K strongest are
combined as a weighted noisy-OR.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np

from thumbdesk.core.types import FaceView, FrameTopics, PoseView, TextFound, Topic, TopicScore
from thumbdesk.ml import assets, evidence_map
from thumbdesk.ml.activity import ACTIVITIES, activity_probe, doers, exercise_seen
from thumbdesk.ml.backends import Classifier, OpenCVClassifier, TorchClassifier, run_batches
from thumbdesk.ml.detector import SCORE_THRESHOLD, Detection, ObjectDetector
from thumbdesk.ml.evidence import (
    OBJECT_LOW,
    Evidence,
    box_iou,
    content_of,
    grass_of,
    person_box,
    reading_of,
    subject_box,
    subject_boxes,
)
from thumbdesk.ml.faces import FaceDetector, face_quality, face_view
from thumbdesk.ml.people import (
    GENDER_MIN_PX,
    MAX_JUDGED_FACES,
    PeopleAttributes,
)
from thumbdesk.ml.people_features import (
    FEATURES,
    SPECIFIC,
    features,
)
from thumbdesk.ml.pose import PoseDetector, pose_view
from thumbdesk.ml.style import style_probe
from thumbdesk.ml.text import TextDetector, judge_text, text_found
from thumbdesk.ml.zero_shot import ZeroShotTable

log = logging.getLogger(__name__)

MAX_TAGS = 8
TAG_MIN = 0.4
"""Certainty from which a tag is shown (calibrated on ../shared/eval: scripts/eval_topics.py)."""
MASS_LOW, MASS_HIGH = 0.08, 0.55
"""ImageNet mass of a word's classes that means nothing / certainty."""
OBJECT_HIGH = 0.65
"""Detector certainty that means certainty (from ``evidence.OBJECT_LOW``, nothing)."""
DETECT_MIN = 0.3
"""Detections kept in the evidence (the ramp above decides how much each counts)."""
ANIMALS = ("bird", "cat", "dog", "horse", "sheep", "cow", "elephant", "bear", "zebra", "giraffe")
"""Detector classes of animals: fur and feathers that the classifier also sees in hair and
clothes."""
ANIMAL_SET = frozenset(ANIMALS)
UNCONFIRMED = 0.4
"""In a frame where the detector clearly sees people, the classifier's mass of an animal it
does not detect counts this much (a ballroom's gowns read as spaniels)."""
TORN = 0.1
"""Two animal classes of the detector on one box within this much of each other: the detector
cannot tell which animal it is (``_torn_animals``)."""
PEOPLE_SCENE = 0.5
"""Detector confidence of a person that makes the frame a people scene."""
STAND_INS = frozenset({"teddy bear"})
"""Detector classes of things with fur and no animal in them: where the detector sees one from
OBJECT_LOW, an animal it does not detect counts UNCONFIRMED too (a plush bear read as a dog
0.76 by the classifier)."""
DETAIL_MIN_PX = 12.0
DETAIL_MIN_SCORE = 0.7
"""Faces smaller or less sure than these in the analysed copy are not worth reading the frame
again for."""
POP_TOP_K = 2
GENERIC_PEOPLE = ("face", "person")
ACTIVITY_COUNTS = 0.5
"""The most an activity reading (``ml.activity``) counts in popularity; it is shown as a tag as
any other. Out of fold the probe keeps 80% precision, but about half of its calls on footage it
never saw were wrong (a performer on a stage read as dancing, which lifted that frame over his
thumbs-up to the audience): a surer tag of another frame should win."""
CLOSEUP_FACE = 0.45
"""A face at least this share of the frame's height makes a close-up (a head-and-shoulders
portrait or closer): "face" is shown beside who it is, "woman, face". At 0.3 it also came on
a singer at the microphone and a baby reading, where ../shared/eval's labels do not see one."""


def _ramp(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((values - low) / (high - low), 0.0, 1.0)


class _TopicTable:
    """One topic list compiled against the evidence map and the zero-shot table (cached)."""

    def __init__(self, words: tuple[str, ...], scorer: Scorer) -> None:
        self.words = words
        rows = scorer.map_rows
        resolved = [evidence_map.resolve_word(w, rows) for w in words]
        self.map = evidence_map.compile_map(resolved, rows)
        # only words the map lacks are matched zero-shot (and may load the text encoder)
        zero = np.zeros((len(words), evidence_map.N_CLASSES), np.float32)
        unmapped = np.flatnonzero(~self.map.mapped)
        if unmapped.size:
            zero[unmapped] = scorer.zero_shot.affinities([words[i] for i in unmapped])
        self.known = self.map.mapped | zero.any(axis=1)
        self.zero_shot = zero
        self.people_only = np.array(
            [
                bool(p)
                and not o
                and not self.map.style[i]
                and not self.map.imagenet[i].any()
                and not self.map.context[i].any()
                for i, (p, o) in enumerate(zip(self.map.people, self.map.objects, strict=True))
            ]
        )
        shared = self.map.shared.copy()
        shared[np.ix_(self.people_only, self.people_only)] = True
        self.shared = shared
        self.generic = np.array([r in GENERIC_PEOPLE for r in resolved])
        self.face_word = np.array([r == "face" for r in resolved])
        self.object_classes = tuple(frozenset(wanted) for wanted in self.map.objects)
        self.animal_words = np.array([bool(c & ANIMAL_SET) for c in self.object_classes])
        """Words with a detector animal among their evidence (see UNCONFIRMED)."""
        self.specific = np.array(
            [any(k in SPECIFIC for k in p) for p in self.map.people], dtype=bool
        )


class Scorer:
    """Implements thumbdesk.core.types.FrameScorer (see there)."""

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
        self._emb = assets.text_embeddings()
        self._style = style_probe()
        self._activity = activity_probe()
        self._tables: dict[tuple[str, ...], _TopicTable] = {}
        self._lock = threading.Lock()
        self.map_rows = evidence_map.load_map(self._emb.label_names, FEATURES)
        self._context = evidence_map.compile_map(
            ["baby things", "ball games", "bat games"], self.map_rows
        ).imagenet
        """(3, 1000) class weights of the scene context the people features read."""
        self._stretched = (
            evidence_map.compile_map(["stretched bodies"], self.map_rows).imagenet[0] > 0
        )
        """(1000,) the gymnastics classes, which the classifier gives any stretched body."""
        self.evidence_runs = 0
        """How many times the image models ran (tests check re-scoring does not)."""

    @cached_property
    def zero_shot(self) -> ZeroShotTable:
        """Zero-shot matching of words the evidence map lacks."""
        return ZeroShotTable(self._emb)

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
        z = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        drawn = self._style.cartoon(probs)
        out: list[Any] = []
        for img, p, cartoon in zip(images, probs, drawn, strict=True):
            faces = self._faces.detect(img)
            readings = tuple(reading_of(a) for a in self._people.judge(img, faces))
            objects = self._objects.detect(img, DETECT_MIN)
            aspect = img.shape[1] / max(img.shape[0], 1)
            out.append(
                Evidence(
                    p.astype(np.float16),
                    faces,
                    readings,
                    objects,
                    content_of(img),
                    aspect,
                    cartoon=round(float(cartoon), 4),
                    grass=round(grass_of(img), 4),
                )
            )
        return out

    def with_text(self, evidence: Sequence[Any], images: Sequence[np.ndarray]) -> list[Any]:
        """The evidence of these frames with their burnt-in text read (``core.types.TextLooker``).

        Text is read apart from the other models: the pipeline reads it only for the
        candidates that can reach the top of the ranking (``core.clean_text.read_top_text``).
        """
        readings = self._text.read_many(images)
        return [replace(ev, text=r) for ev, r in zip(evidence, readings, strict=True)]

    def faces_in(self, evidence: Any) -> tuple[FaceView, ...]:
        """The faces of a frame's evidence, largest first (``core.types.FaceLooker``)."""
        ev: Evidence = evidence
        return tuple(face_view(f) for f in ev.faces)

    def find_faces(self, images: Sequence[np.ndarray]) -> list[tuple[FaceView, ...]]:
        """The faces of upright BGR images, found by the face detector alone."""
        return [tuple(face_view(f) for f in self._faces.detect(img)) for img in images]

    def people_in(self, evidence: Any) -> tuple[tuple[float, float, float, float], ...]:
        """The people the detector found, largest first (``core.types.PoseLooker``).

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

    def _table(self, words: tuple[str, ...]) -> _TopicTable:
        table = self._tables.get(words)
        if table is None:
            table = _TopicTable(words, self)
            if len(self._tables) > 16:
                self._tables.clear()
            self._tables[words] = table
        return table

    def unknown_words(self, topics: Sequence[Topic]) -> list[str]:
        """Topic words nothing can match (not in the evidence map, no text match)."""
        table = self._table(tuple(t.word for t in topics))
        return [w for w, k in zip(table.words, table.known, strict=True) if not k]

    def certainties(self, evidence: Any, topics: Sequence[Topic]) -> dict[str, float]:
        """Every topic word's certainty in [0, 1], shown as a tag or not (for evaluation)."""
        words = tuple(t.word for t in topics)
        scores, _ = self._certainties(evidence, self._table(words))
        return {w: float(v) for w, v in zip(words, scores, strict=True)}

    def _certainties(self, ev: Evidence, table: _TopicTable) -> tuple[np.ndarray, np.ndarray]:
        """Each word's certainty and how far it counts in popularity, both (n,) in [0, 1].

        The certainty that the frame shows each word of the table; it counts in popularity as
        far, save that an activity reading counts at most ACTIVITY_COUNTS.
        """
        probs = ev.probs.astype(np.float32)
        doing = self._activity.probabilities(probs)[0]
        probs = np.where(self._stretched, probs * exercise_seen(doing), probs)
        baby, ball_games, bat_games = (float(m) for m in self._context @ probs)
        people = features(ev.readings, ev.persons, baby, ev.grass, ball_games, bat_games)
        someone = people["person"]
        mass = table.map.imagenet @ probs + someone * (table.map.context @ probs)
        torn = _torn_animals(ev.objects)
        sure = [d for d in ev.objects if d not in torn]
        objects = np.zeros(len(table.words))
        for i, wanted in enumerate(table.map.objects):
            for det in sure:
                w = wanted.get(det.label)
                if w:
                    certainty = (det.score - OBJECT_LOW) / (OBJECT_HIGH - OBJECT_LOW)
                    objects[i] = max(objects[i], w * min(1.0, max(0.0, certainty)))
        # The classifier names something in every frame, flat and black ones too: its word
        # counts as far as the frame has contrast. Detections and faces are located evidence
        # (a small plane on a plain sky is a plane) and count in full.
        if (
            torn
            or any(p.score >= PEOPLE_SCENE for p in ev.persons)
            or any(d.label in STAND_INS and d.score >= OBJECT_LOW for d in ev.objects)
        ):
            seen = {d.label for d in sure if d.score >= OBJECT_LOW}
            found = np.array([bool(c & seen) for c in table.object_classes])
            unconfirmed = table.animal_words & ~found
            mass = np.where(unconfirmed, mass * UNCONFIRMED, mass)
        classes = _ramp(mass, MASS_LOW, MASS_HIGH) * ev.content
        zero_shot = _ramp(table.zero_shot @ probs, MASS_LOW, MASS_HIGH) * ev.content
        styles = {"cartoon": self._style.certainty(ev.cartoon, 0, TAG_MIN)}
        doer = doers(someone, ev.persons, ev.faces, ev.objects)
        activities = {
            name: float(doer[k]) * self._activity.certainty(float(p), k, TAG_MIN)
            for k, (name, p) in enumerate(zip(ACTIVITIES, doing, strict=True))
        }
        parts = [
            classes,
            zero_shot,
            objects,
            _keyed_part(table.map.people, people),
            _keyed_part(table.map.style, styles),
        ]
        activity = _keyed_part(table.map.activity, activities)
        # how far none of the other evidence shows each word (its noisy-OR's complement)
        unseen = np.prod([1.0 - p for p in parts], axis=0)
        shown = _certain(unseen * (1.0 - activity), table.map.never)
        counted = _certain(unseen * (1.0 - np.minimum(activity, ACTIVITY_COUNTS)), table.map.never)
        return shown, counted

    def score_topics(self, evidence: Any, topics: Sequence[Topic]) -> FrameTopics:
        """Topic scores, tags and popularity for one frame's cached evidence (cheap)."""
        ev: Evidence = evidence
        words = tuple(t.word for t in topics)
        main = ev.faces[0] if ev.faces else None
        subject = subject_box(main) if main else person_box(ev)
        text = text_found(ev.text, _has_subject(ev))
        if not words:
            return FrameTopics(popularity=0.0, faces=len(ev.faces), subject_box=subject, text=text)
        table = self._table(words)
        scores, counted = self._certainties(ev, table)
        weights = np.array([t.weight for t in topics], dtype=np.float64)
        rel = np.sqrt(weights / max(weights.max(), 1e-12))
        closeup = max((f.box[3] for f in ev.faces), default=0.0) >= CLOSEUP_FACE
        tags = pick_tags(scores, table, closeup)
        popularity = combine_popularity(
            counted * _ramp(scores, TAG_MIN - 0.15, TAG_MIN), rel, table.shared
        )
        return FrameTopics(
            popularity=round(popularity, 6),
            topics=tuple(TopicScore(words[i], round(float(scores[i]), 4)) for i in tags),
            faces=len(ev.faces),
            face_quality=face_quality(main) if main else None,
            subject_box=subject or _object_box(ev, table, tags),
            subject_boxes=subject_boxes(ev) + _tagged_objects(ev, table, tags),
            text=text,
        )


def _certain(unseen: np.ndarray, never: np.ndarray) -> np.ndarray:
    """(n,) certainty from how far no evidence shows each word; 0 where the map says ``never``."""
    combined = 1.0 - unseen
    combined[never] = 0.0
    return np.clip(combined, 0.0, 1.0)


def _keyed_part(per_word: Sequence[dict[str, float]], values: dict[str, float]) -> np.ndarray:
    """(n,) each word's strongest weighted value of a keyed source (people features, styles)."""
    return np.array([max([w * values[k] for k, w in d.items()] + [0.0]) for d in per_word])


def _torn_animals(objects: Sequence[Detection]) -> list[Detection]:
    """Animal detections the detector cannot decide on (TORN).

    The same box is read as another animal about as surely (a rendered rabbit as a bird 0.39
    and a horse 0.35). Such a detection names no animal, and the classifier's animals count
    UNCONFIRMED beside it.
    """
    animals = [d for d in objects if d.label in ANIMAL_SET]
    return [
        d
        for d in animals
        if any(
            o.label != d.label and abs(o.score - d.score) <= TORN and box_iou(o.box, d.box) >= 0.5
            for o in animals
        )
    ]


def _has_subject(ev: Evidence) -> bool:
    """A face or an object the detector is sure of (a caption over it is not a title card)."""
    return bool(ev.faces) or any(d.score >= SCORE_THRESHOLD for d in ev.objects)


def pick_tags(scores: np.ndarray, table: _TopicTable, closeup: bool = False) -> list[int]:
    """Indices of the tags to show, strongest first (see the module docstring)."""
    shown = scores >= TAG_MIN
    if (shown & table.specific).any():
        shown &= ~(table.generic & ~(table.face_word & closeup))
    picked: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        if len(picked) >= MAX_TAGS or scores[i] < TAG_MIN:
            break
        if shown[i] and not any(table.map.synonyms[i, j] for j in picked):
            picked.append(int(i))
    return picked


def combine_popularity(scores: np.ndarray, rel: np.ndarray, shared: np.ndarray) -> float:
    """Weighted noisy-OR of the POP_TOP_K strongest topics, shared evidence counted once."""
    value = rel * scores
    chosen: list[int] = []
    for i in np.argsort(-value, kind="stable"):
        if value[i] <= 0.0 or len(chosen) >= POP_TOP_K:
            break
        if not any(shared[i, j] for j in chosen):
            chosen.append(int(i))
    return float(1.0 - np.prod(1.0 - value[chosen])) if chosen else 0.0


def _tagged_objects(
    ev: Evidence, table: _TopicTable, tags: Sequence[int]
) -> tuple[tuple[float, float, float, float], ...]:
    """Boxes of the objects a shown tag rests on (the dog of "dog"), surest first.

    Only detections at the detector's own confidence (SCORE_THRESHOLD) count: an unsure box
    on a cartoon would make the reframing keep half the frame.
    """
    wanted = {label for i in tags for label in table.map.objects[i]} - {"person"}
    return tuple(d.box for d in ev.objects if d.label in wanted and d.score >= SCORE_THRESHOLD)


def _object_box(
    ev: Evidence, table: _TopicTable, tags: Sequence[int]
) -> tuple[float, float, float, float] | None:
    """The largest tagged object, the crop's default subject when no person is seen."""
    boxes = _tagged_objects(ev, table, tags)
    return max(boxes, key=lambda b: b[2] * b[3]) if boxes else None
