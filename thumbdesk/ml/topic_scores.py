"""Topic scoring: each topic word's certainty, the tags shown and the popularity of a frame.

``TopicReader`` reads a frame's evidence (``ml.evidence.Evidence``, made by ``ml.scorer``)
through the curated evidence map (``resources/evidence.csv``, see ``evidence_map``): each topic
word's certainty is the noisy-OR of its ImageNet mass (ramped from MASS_LOW to MASS_HIGH), its
best detection, its people features, the frame's style, the place it shows (``ml.scene``:
counted as far as the frame has contrast, as the classes are) and what the people in view do
(``ml.activity``: dance, yoga, running ...; counted only with someone in view and no
head-and-shoulders shot, and the classifier's gymnastics and gym-equipment classes count for gym
only where the probe reads exercise first); the detector and the classifier must agree on which
animal is in view (``ml.animals``). Words the map lacks are matched zero-shot: the MiniLM
similarity of the word to every ImageNet label (``zero_shot``) weights the class probabilities
instead. It is cheap, and re-run when the creator edits the topic list.

A tag is shown only from TAG_MIN certainty, and past the third only from MORE_TAG_MIN: no tag
is better than a wrong tag. A specific people tag (woman, boy) stands for the generic one
(face, person), save "face" on a close-up (CLOSEUP_FACE), where the face is a subject of its
own; and a near-synonym of a tag already shown (puppy after dog) is left out. Popularity
counts the evidence once: the words that rest on the same evidence (all people words; dog and
puppy) count as one, each word as far as its certainty goes (words under TAG_MIN fade out),
and the POP_TOP_K strongest are combined as a weighted noisy-OR. Once a video's candidates are
known, ``shot_tags`` tags those of one shot together: a tag may lean on what most of the shot's
frames show (SHOT_SUPPORT).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import cached_property
from typing import Any

import numpy as np

from thumbdesk.core.types import FrameTopics, Topic, TopicScore
from thumbdesk.ml import evidence_map
from thumbdesk.ml.activity import ACTIVITIES, activity_probe, doers, exercise_seen
from thumbdesk.ml.animals import (
    ANIMAL_CLASSES,
    ANIMAL_SET,
    UNCONFIRMED,
    doubt_classifier_animals,
    torn_animals,
    with_kinds_named,
)
from thumbdesk.ml.assets import TextEmbeddings
from thumbdesk.ml.detector import SCORE_THRESHOLD
from thumbdesk.ml.evidence import (
    Evidence,
    person_box,
    subject_box,
    subject_boxes,
)
from thumbdesk.ml.faces import face_appeal, face_quality
from thumbdesk.ml.located import located_objects
from thumbdesk.ml.people_features import FEATURES, SPECIFIC, features
from thumbdesk.ml.ramps import ramps
from thumbdesk.ml.scene import SCENES, scene_probe
from thumbdesk.ml.shot_ages import steady_ages
from thumbdesk.ml.style import style_probe
from thumbdesk.ml.text import text_found
from thumbdesk.ml.zero_shot import ZeroShotTable

MAX_TAGS = 8
TAG_MIN = 0.4
"""Certainty from which a tag is shown (calibrated on ../shared/eval: scripts/eval_topics.py)."""
FIRST_TAGS = 3
MORE_TAG_MIN = 0.6
"""Past the FIRST_TAGS surest tags, a tag is shown only from this certainty. On the top five
candidates of eight labelled sets (299 items), a fourth or later tag under 0.6 named something
a person sees 7 times in 37 ("fire" on a driveway, "airplane" over a sunset, "workout" on a
couple), where the first three tags between 0.4 and 0.6 did 108 times in 227."""
MASS_LOW, MASS_HIGH = 0.08, 0.55
"""ImageNet mass of a word's classes that means nothing / certainty."""
SHOT_SUPPORT = 50.0
"""A frame's tags may lean on the other candidates of its shot (``TopicReader.shot_tags``):
each word counts at least this percentile of its certainties over the shot's candidates (the
median; of two frames, their mean). One frame's evidence is noisy (a dancer caught mid-turn
reads as no one dancing, a man beside the woman in white goes unread); a shot is one scene, and
what most of its frames show is there. On the top picks of ten labelled sets (350 items) the
median changed the first three tags of 9 items and named what the labels say on 2 more; of
the tags it added, 6 of 9 were label words. The 75th percentile named 4 more, but 17 of the 28
tags it added were not label words (running on a juggler, boxing on a hockey rink): a wrong
tag is worse than none. Popularity stays the frame's own."""
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


class _TopicTable:
    """One topic list compiled against the evidence map and the zero-shot table (cached)."""

    def __init__(self, words: tuple[str, ...], reader: TopicReader) -> None:
        self.words = words
        rows = reader.map_rows
        resolved = evidence_map.resolve_words(words, rows)
        self.map = evidence_map.compile_map(resolved, rows)
        # only words the map lacks are matched zero-shot (and may load the text encoder)
        zero = np.zeros((len(words), evidence_map.N_CLASSES), np.float32)
        unmapped = np.flatnonzero(~self.map.mapped)
        if unmapped.size:
            zero[unmapped] = reader.zero_shot.affinities([words[i] for i in unmapped])
        self.known = self.map.mapped | zero.any(axis=1)
        self.zero_shot = zero
        self.people_only = np.array(
            [
                bool(p)
                and not o
                and not self.map.style[i]
                and not self.map.scene[i]
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
        classes = self.map.imagenet
        animal_mass = classes[:, ANIMAL_CLASSES].sum(axis=1)
        self.animal_words = np.array([bool(c & ANIMAL_SET) for c in self.object_classes]) | (
            (animal_mass > 0) & (animal_mass >= 0.5 * classes.sum(axis=1))
        )
        """Words with a detector animal among their evidence, or the classifier's animals as
        most of it (snake, fish, rabbit: no detector class confirms them), see UNCONFIRMED."""
        self.specific = np.array(
            [any(k in SPECIFIC for k in p) for p in self.map.people], dtype=bool
        )
        self.pair = np.array(["couple" in p for p in self.map.people], dtype=bool)
        """Words that name the two people in view together (see ``pick_tags``)."""
        self.people = _KeyedWeights(self.map.people)
        self.styles = _KeyedWeights(self.map.style)
        self.scenes = _KeyedWeights(self.map.scene)
        self.activity = _KeyedWeights(self.map.activity)


class _KeyedWeights:
    """Each word's weights on a keyed source (people features, styles, ...) as a matrix.

    ``part(values)`` is each word's strongest weighted value (0 where it has none).
    """

    def __init__(self, per_word: Sequence[dict[str, float]]) -> None:
        self.keys = tuple(sorted({k for d in per_word for k in d}))
        self.weights = np.zeros((len(per_word), len(self.keys)))
        column = {k: j for j, k in enumerate(self.keys)}
        for i, d in enumerate(per_word):
            for k, w in d.items():
                self.weights[i, column[k]] = w

    def part(self, values: dict[str, float]) -> np.ndarray:
        """(n,) each word's strongest weighted value of ``values`` (keyed as the weights)."""
        read = np.array([values[k] for k in self.keys], dtype=float)
        return np.max(self.weights * read, axis=1, initial=0.0)


class TopicReader:
    """Topic certainties, tags and popularity from cached evidence; safe to share between threads.

    Each topic list is compiled once (``_TopicTable``, up to 16 lists kept).
    """

    def __init__(self, embeddings: TextEmbeddings) -> None:
        self._emb = embeddings
        self._style = style_probe()
        self._scene = scene_probe()
        self._activity = activity_probe()
        self._tables: dict[tuple[str, ...], _TopicTable] = {}
        self._lock = threading.Lock()
        self.map_rows = evidence_map.load_map(embeddings.label_names, FEATURES)
        self._context = evidence_map.compile_map(
            ["baby things", "ball games", "bat games"], self.map_rows
        ).imagenet
        """(3, 1000) class weights of the scene context the people features read."""
        self._exercise = (
            evidence_map.compile_map(["exercise classes"], self.map_rows).imagenet[0] > 0
        )
        """(1000,) the gymnastics and gym-equipment classes (``activity.exercise_seen``)."""

    @cached_property
    def zero_shot(self) -> ZeroShotTable:
        """Zero-shot matching of words the evidence map lacks."""
        return ZeroShotTable(self._emb)

    def _table(self, words: tuple[str, ...]) -> _TopicTable:
        with self._lock:
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
        scores, _ = self._certainties(with_kinds_named(evidence), self._table(words))
        return {w: float(v) for w, v in zip(words, scores, strict=True)}

    def _certainties(self, ev: Evidence, table: _TopicTable) -> tuple[np.ndarray, np.ndarray]:
        """Each word's certainty and how far it counts in popularity, both (n,) in [0, 1].

        The certainty that the frame shows each word of the table; it counts in popularity as
        far, save that an activity reading counts at most ACTIVITY_COUNTS, and a face's gender
        as its reading is clear by GENDER_CLEAR where it is shown from GENDER_SHOWN. ``ev`` has
        its animals named already (``animals.with_kinds_named``, once per frame by the caller).
        """
        probs = ev.probs.astype(np.float32)
        doing = self._activity.probabilities(probs)[0]
        places = self._scene.scenes(probs)[0]
        probs = np.where(self._exercise, probs * exercise_seen(doing), probs)
        baby, ball_games, bat_games = (float(m) for m in self._context @ probs)
        read = (ev.readings, ev.persons, baby, ev.grass, ball_games, bat_games, ev.frame_aspect)
        people = features(*read, phones=ev.phones)
        said = features(*read, shown=True, phones=ev.phones)  # a looser gender ramp
        someone = people["person"]
        mass = table.map.imagenet @ probs + someone * (table.map.context @ probs)
        torn = torn_animals(ev.objects)
        located, trusted = located_objects(ev, probs, torn)
        objects = np.zeros(len(table.words))
        for i, wanted in enumerate(table.map.objects):
            for label, certainty in located:
                w = wanted.get(label)
                if w:
                    objects[i] = max(objects[i], w * certainty)
        # The classifier names something in every frame, flat and black ones too: its word
        # counts as far as the frame has contrast. Detections and faces are located evidence
        # (a small plane on a plain sky is a plane) and count in full.
        seen = doubt_classifier_animals(ev, torn, trusted)
        if seen is not None:
            found = np.array([bool(c & seen) for c in table.object_classes])
            unconfirmed = table.animal_words & ~found
            mass = np.where(unconfirmed, mass * UNCONFIRMED, mass)
        classes = ramps(mass, MASS_LOW, MASS_HIGH) * ev.content
        zero_shot = ramps(table.zero_shot @ probs, MASS_LOW, MASS_HIGH) * ev.content
        styles = {"cartoon": self._style.certainty(ev.cartoon, 0, TAG_MIN)}
        scenes = {
            name: self._scene.certainty(float(p), k, TAG_MIN) * ev.content
            for k, (name, p) in enumerate(zip(SCENES, places, strict=True))
        }
        doer = doers(someone, ev.persons, ev.faces, ev.objects, people["pitch"])
        activities = {
            name: float(doer[k]) * self._activity.certainty(float(p), k, TAG_MIN)
            for k, (name, p) in enumerate(zip(ACTIVITIES, doing, strict=True))
        }
        parts = [classes, zero_shot, objects, table.styles.part(styles), table.scenes.part(scenes)]
        activity = table.activity.part(activities)
        # how far none of the other evidence shows each word (its noisy-OR's complement)
        unseen = np.prod([1.0 - p for p in parts], axis=0)
        unshown = unseen * (1.0 - table.people.part(said))
        unseen *= 1.0 - table.people.part(people)
        shown = _certain(unshown * (1.0 - activity), table.map.never)
        counted = _certain(unseen * (1.0 - np.minimum(activity, ACTIVITY_COUNTS)), table.map.never)
        return shown, counted

    def score_topics(self, evidence: Any, topics: Sequence[Topic]) -> FrameTopics:
        """Topic scores, tags and popularity for one frame's cached evidence (cheap)."""
        ev: Evidence = with_kinds_named(evidence)  # the tagged cat's box is the renamed dog's
        words = tuple(t.word for t in topics)
        main = ev.faces[0] if ev.faces else None
        subject = subject_box(main) if main else person_box(ev)
        text = text_found(ev.text, _has_subject(ev))
        smile = ev.smiles[0] if main else None
        appeal = face_appeal(main, smile)
        if not words:
            return FrameTopics(
                popularity=0.0,
                faces=len(ev.faces),
                face_appeal=appeal,
                subject_box=subject,
                text=text,
            )
        table = self._table(words)
        scores, counted = self._certainties(ev, table)
        weights = np.array([t.weight for t in topics], dtype=np.float64)
        rel = np.sqrt(weights / max(weights.max(), 1e-12))
        tags, shown = _frame_tags(ev, scores, table)
        popularity = combine_popularity(
            counted * ramps(scores, TAG_MIN - 0.15, TAG_MIN), rel, table.shared
        )
        return FrameTopics(
            popularity=round(popularity, 6),
            topics=shown,
            faces=len(ev.faces),
            face_quality=face_quality(main, smile) if main else None,
            face_appeal=appeal,
            subject_box=subject or _object_box(ev, table, tags),
            subject_boxes=subject_boxes(ev) + _tagged_objects(ev, table, tags),
            text=text,
        )

    def shot_tags(
        self, evidences: Sequence[Any], topics: Sequence[Topic]
    ) -> list[tuple[TopicScore, ...]]:
        """The tags of each frame of one shot, with the support of the others (SHOT_SUPPORT).

        Each face's age (and a gender left unclear) is read across the shot (``shot_ages``).

        ``evidences``: the cached evidence of every candidate of the shot. A frame alone in its
        shot keeps the tags ``score_topics`` gives it.
        """
        words = tuple(t.word for t in topics)
        if not words or not evidences:
            return [() for _ in evidences]
        table = self._table(words)
        steady = steady_ages(evidences)  # each face read across the shot
        own = np.array([self._certainties(with_kinds_named(ev), table)[0] for ev in steady])
        support = np.percentile(own, SHOT_SUPPORT, axis=0)  # a lone frame's own certainties
        return [
            _frame_tags(ev, np.maximum(alone, support), table)[1]
            for ev, alone in zip(steady, own, strict=True)
        ]


def _frame_tags(
    ev: Evidence, scores: np.ndarray, table: _TopicTable
) -> tuple[list[int], tuple[TopicScore, ...]]:
    """The tags a frame shows for its word certainties: indices and scores (``pick_tags``)."""
    closeup = max((f.box[3] for f in ev.faces), default=0.0) >= CLOSEUP_FACE
    tags = pick_tags(scores, table, closeup)
    return tags, tuple(TopicScore(table.words[i], round(float(scores[i]), 4)) for i in tags)


def _certain(unseen: np.ndarray, never: np.ndarray) -> np.ndarray:
    """(n,) certainty from how far no evidence shows each word; 0 where the map says ``never``."""
    combined = 1.0 - unseen
    combined[never] = 0.0
    return np.clip(combined, 0.0, 1.0)


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
        if len(picked) >= FIRST_TAGS and scores[i] < MORE_TAG_MIN:
            break
        if shown[i] and not any(table.map.synonyms[i, j] for j in picked):
            picked.append(int(i))
    # "couple" says more than the woman and the man it is made of: it goes first. Shown on 11
    # top picks of ten labelled sets, the labels named a couple on all 11.
    return sorted(picked, key=lambda i: not table.pair[i])


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
