"""The FrameScorer: concept + people evidence per frame, and topic scores from cached evidence.

Concept evidence is Lite0's ImageNet probability vector. A topic word gets a score by
zero-shot transfer: the MiniLM similarity of the word to each ImageNet label is calibrated
per word into an affinity in [0, 1] (labels no closer than the word's 90th-percentile label
get 0, its best label, or 0.75 similarity if better, gets 1, then to AFFINITY_POWER), a few label
groups are fixed by hand (all 118 dog breeds are "dog"), and the score is the
probability-weighted affinity, scaled down for flat or dark frames. People topics (girl,
baby, family, ...) also take face evidence from YuNet, since ImageNet has no person class.

Popularity rewards confident evidence for popular topics, not the sum of many weak matches:
a per-frame noise floor (the 90th percentile of the frame's concept scores against the
default topic list, so it does not depend on the creator's list) is subtracted from every
concept score; topics that share their evidence (affinity rows with cosine >= 0.8: dog and
puppy, cat and kitten, football and soccer; the four gender words) count once; and only the
POP_TOP_K strongest of the remaining topics are combined, as a weighted noisy-OR.
Tags are the topic scores, strongest first, without near-synonyms of a tag already shown;
with no gender model, girl / boy / woman / man resting on a face alone are not shown.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from thumbdesk.core.topics import default_topics
from thumbdesk.core.types import FrameTopics, Topic, TopicScore
from thumbdesk.ml import assets
from thumbdesk.ml.backends import Classifier, OpenCVClassifier, run_batches
from thumbdesk.ml.faces import Face, FaceDetector, face_quality

log = logging.getLogger(__name__)

MAX_TAGS = 8
MIN_TAG_SCORE = 0.05
AFFINITY_CEIL = 0.75
AFFINITY_POWER = 1.0
POP_FLOOR_PERCENTILE = 90.0
POP_OVERLAP = 0.8
POP_TOP_K = 2
POP_POWER = 1.0
GENDER_WORDS = ("girl", "boy", "woman", "man")
GENDER_PRIOR = 0.25
"""Without a gender model a face is each of girl/boy/woman/man with probability 1/4."""

LABEL_GROUPS: dict[str, tuple[range, ...]] = {
    "dog": (range(151, 269),),
    "puppy": (range(151, 269),),
    "cat": (range(281, 286),),
    "kitten": (range(281, 286),),
    "bird": (range(7, 25), range(80, 101), range(127, 147)),
    "fish": (range(0, 7), range(389, 398)),
    "rabbit": (range(330, 333),),
    "horse": (range(339, 340),),
}
BABY_CONTEXT = ("bassinet", "cradle", "crib", "diaper", "baby bib", "baby pacifier")
PEOPLE_ALIASES = {
    "kid": "child",
    "kids": "child",
    "toddler": "child",
    "children": "child",
    "infant": "baby",
    "newborn": "baby",
    "babies": "baby",
    "girls": "girl",
    "boys": "boy",
    "women": "woman",
    "lady": "woman",
    "men": "man",
    "guy": "man",
    "faces": "face",
    "portrait": "face",
    "person": "face",
    "people": "friends",
    "families": "family",
}


@dataclass(frozen=True, eq=False)
class Evidence:
    """What the image models saw in one frame (small; kept on each Candidate)."""

    probs: np.ndarray
    """(1000,) float16 ImageNet probabilities."""
    faces: tuple[Face, ...] = ()
    content: float = 1.0
    """0 (flat, black) .. 1 (normal contrast), from the luma spread of the frame."""


def people_scores(words: Sequence[str], faces: Sequence[Face], baby_ctx: float) -> list[float]:
    """Face evidence for each topic word, in [0, 1] (0 for words that are not about people)."""
    if not faces:
        return [0.0] * len(words)
    n = len(faces)
    f = max(
        min(1.0, max(0.0, (fc.score - 0.7) / 0.2)) * min(1.0, max(0.3, fc.size_px / 40.0))
        for fc in faces
    )
    disparity = n >= 2 and faces[0].box[3] >= 1.5 * min(fc.box[3] for fc in faces[1:])
    selfie = _selfie_like(faces)
    return [_person_word_score(word, f, n, disparity, selfie, baby_ctx) for word in words]


def _person_word_score(
    word: str, f: float, n: int, disparity: bool, selfie: bool, baby_ctx: float
) -> float:
    """One word's score from the strongest face ``f`` and the face count and sizes."""
    word = PEOPLE_ALIASES.get(word, word)
    if word == "face":
        return f
    if word in GENDER_WORDS:
        return GENDER_PRIOR * f  # no gender model: a uniform guess, never shown as a tag
    if word == "selfie":
        return f if selfie else 0.0
    if word == "couple":
        return f if n == 2 else (0.3 * f if n > 2 else 0.0)
    if word == "friends":
        return f if n >= 3 else (0.6 * f if n == 2 else 0.0)
    if word == "family":
        return f if n >= 3 else (0.7 * f if disparity else (0.4 * f if n == 2 else 0.0))
    if word == "child":
        return 0.6 * f if disparity else 0.0  # a lone face says nothing about age
    if word == "baby":
        return 0.8 * f if baby_ctx >= 0.05 else 0.0
    return 0.0


def _selfie_like(faces: Sequence[Face]) -> bool:
    """One or two faces, the main one large (a third of the height), central and confident."""
    main = faces[0]
    cx = main.box[0] + main.box[2] / 2
    return len(faces) <= 2 and main.box[3] >= 0.3 and abs(cx - 0.5) <= 0.2 and main.score >= 0.88


class _TopicTable:
    """Affinity matrix of one topic list against the ImageNet labels (cached per list)."""

    def __init__(self, words: tuple[str, ...], emb: assets.TextEmbeddings) -> None:
        self.words = words
        vecs, known = [], []
        for w in words:
            v = emb.lookup(w)
            known.append(v is not None)
            vecs.append(v if v is not None else np.zeros(emb.labels.shape[1], np.float32))
        self.known = np.array(known, dtype=bool)
        sims = np.stack(vecs) @ emb.labels.T if words else np.zeros((0, 1000), np.float32)
        lo = np.percentile(sims, 90, axis=1, keepdims=True) if words else 0.0
        hi = np.maximum(sims.max(axis=1, keepdims=True), AFFINITY_CEIL) if words else 1.0
        aff = np.clip((sims - lo) / np.maximum(hi - lo, 1e-6), 0.0, 1.0) ** AFFINITY_POWER
        for i, w in enumerate(words):
            for group in LABEL_GROUPS.get(w, ()):
                aff[i, group.start : group.stop] = 1.0
        aff[~self.known] = 0.0
        self.affinity = aff.astype(np.float32)
        unit = aff / np.maximum(np.linalg.norm(aff, axis=1, keepdims=True), 1e-6)
        overlap = unit @ unit.T if words else np.zeros((0, 0))
        gender = np.array([w in GENDER_WORDS for w in words], dtype=bool)
        overlap[np.ix_(gender, gender)] = 1.0
        self.shared = overlap >= POP_OVERLAP
        """(n, n) bool: topics i and j rest on the same evidence (counted once)."""
        self.gender = gender


class Scorer:
    """Implements thumbdesk.core.types.FrameScorer (see there)."""

    def __init__(self, classifier: Classifier) -> None:
        self._clf = classifier
        # Faces run in ONNX Runtime, or in OpenCV DNN beside an OpenCV classifier (the fallback).
        self._faces = FaceDetector("opencv" if isinstance(classifier, OpenCVClassifier) else "ort")
        self._emb = assets.text_embeddings()
        self._tables: dict[tuple[str, ...], _TopicTable] = {}
        self._lock = threading.Lock()
        self._baby_idx = [i for i, n in enumerate(self._emb.label_names) if n in BABY_CONTEXT]
        self._reference = tuple(t.word for t in default_topics())
        self.evidence_runs = 0
        """How many times the image models ran (tests check re-scoring does not)."""

    @property
    def device(self) -> str:
        """Where the classifier runs, in words."""
        return self._clf.device

    @property
    def batch_size(self) -> int:
        """Frames per ``evidence`` call that run best (the pipeline scores this many at once)."""
        return self._clf.batch_size

    def evidence(self, images: Sequence[np.ndarray]) -> list[Any]:
        """Run the classifier (batched) and the face detector; one Evidence per image."""
        images = list(images)
        with self._lock:
            self.evidence_runs += 1
            logits = run_batches(self._clf, images)
        z = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(z)
        probs /= probs.sum(axis=1, keepdims=True)
        out: list[Any] = []
        for img, p in zip(images, probs, strict=True):
            gray = img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            small = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA)
            spread = float(small.std())
            luma = float(small.mean())
            content = float(np.clip((spread - 4.0) / 16.0, 0.0, 1.0))
            content *= float(np.clip((luma - 8.0) / 24.0, 0.0, 1.0))
            out.append(Evidence(p.astype(np.float16), self._faces.detect(img), content))
        return out

    def _table(self, words: tuple[str, ...]) -> _TopicTable:
        table = self._tables.get(words)
        if table is None:
            table = _TopicTable(words, self._emb)
            if len(self._tables) > 16:
                self._tables.clear()
            self._tables[words] = table
        return table

    def noise_floor(self, probs: np.ndarray, content: float = 1.0) -> float:
        """The frame's concept-score noise floor, against the default topic list (0..0.9)."""
        ref = self._table(self._reference)
        scores = (ref.affinity @ probs) * content
        return float(min(0.9, np.percentile(scores, POP_FLOOR_PERCENTILE)))

    def unknown_words(self, topics: Sequence[Topic]) -> list[str]:
        """Topic words that cannot be matched (``assets.TextEmbeddings.unmatched_reason``)."""
        table = self._table(tuple(t.word for t in topics))
        return [w for w, k in zip(table.words, table.known, strict=True) if not k]

    def score_topics(self, evidence: Any, topics: Sequence[Topic]) -> FrameTopics:
        """Topic scores, tags and popularity for one frame's cached evidence (cheap)."""
        ev: Evidence = evidence
        words = tuple(t.word for t in topics)
        if not words:
            return FrameTopics(popularity=0.0, faces=len(ev.faces))
        table = self._table(words)
        probs = ev.probs.astype(np.float32)
        concept = (table.affinity @ probs) * ev.content
        baby_ctx = float(probs[self._baby_idx].sum()) if self._baby_idx else 0.0
        people = np.array(people_scores(words, ev.faces, baby_ctx), dtype=np.float64)
        people *= min(1.0, 2 * ev.content)
        scores = np.clip(np.maximum(concept, people), 0.0, 1.0)
        weights = np.array([t.weight for t in topics], dtype=np.float64)
        rel = np.sqrt(weights / max(weights.max(), 1e-12))
        floor = self.noise_floor(probs, ev.content)
        confident = np.maximum(np.clip(concept - floor, 0.0, 1.0) / (1.0 - floor), people)
        popularity = combine_popularity(np.clip(confident, 0.0, 1.0), rel, table.shared)
        # A gender word resting on face evidence alone is a guess: "face" stands for it.
        shown = ~(table.gender & (people >= concept))
        picked: list[int] = []
        for i in np.argsort(-scores, kind="stable"):
            if len(picked) >= MAX_TAGS or scores[i] < MIN_TAG_SCORE:
                break
            # a near-synonym of a tag already shown (puppy after dog) adds nothing
            if shown[i] and not any(table.shared[i, j] for j in picked):
                picked.append(int(i))
        tags = tuple(TopicScore(words[i], round(float(scores[i]), 4)) for i in picked)
        main = ev.faces[0] if ev.faces else None
        return FrameTopics(
            popularity=round(popularity, 6),
            topics=tags,
            faces=len(ev.faces),
            face_quality=face_quality(main) if main else None,
            subject_box=_subject_box(main) if main else None,
            subject_boxes=tuple(face.box for face in ev.faces),
        )


def combine_popularity(scores: np.ndarray, rel: np.ndarray, shared: np.ndarray) -> float:
    """Weighted noisy-OR of the POP_TOP_K strongest topics, shared evidence counted once."""
    value = rel * scores**POP_POWER
    chosen: list[int] = []
    for i in np.argsort(-value, kind="stable"):
        if value[i] <= 0.0 or len(chosen) >= POP_TOP_K:
            break
        if not any(shared[i, j] for j in chosen):
            chosen.append(int(i))
    return float(1.0 - np.prod(1.0 - value[chosen])) if chosen else 0.0


def _subject_box(face: Face) -> tuple[float, float, float, float]:
    """Head and shoulders around a face, clipped to the frame (fractions)."""
    x, y, w, h = face.box
    x0, y0 = max(0.0, x - w), max(0.0, y - 0.6 * h)
    x1, y1 = min(1.0, x + 2 * w), min(1.0, y + 2.2 * h)
    return (x0, y0, x1 - x0, y1 - y0)
