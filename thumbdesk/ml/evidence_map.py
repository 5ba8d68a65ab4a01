"""The curated evidence map (``resources/evidence.csv``): what counts for each topic word.

Each row names one piece of evidence for a topic and how much it counts: ImageNet classes of
the classifier (``imagenet``, or ``context`` when it counts only with a person in view),
classes of the object detector (``object``), people features (``people``), how the picture is
made (``style``: drawn or rendered, ``ml.style``), the place it shows (``scene``: a beach, snow,
a city, ``ml.scene``), what people do (``activity``, ``ml.activity``), or ``none`` for a word
nothing in the bundled models shows (such a word is never tagged). ``load_map`` parses and
checks the file (every bad row is named by its line); ``compile_map`` turns it into arrays for
one topic list. Words the map lacks are left to the zero-shot text matching of the scorer.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml.activity import ACTIVITIES
from thumbdesk.ml.scene import SCENES

log = logging.getLogger(__name__)

MAP_FILE = "evidence.csv"
SOURCES = (
    "imagenet", "context", "object", "people", "style", "scene", "activity", "none", "alias",
)  # fmt: skip
STYLES = ("cartoon",)
"""Keys of the ``style`` source: what ``ml.style`` says of a whole frame."""
N_CLASSES = 1000


@dataclass(frozen=True)
class EvidenceRow:
    """One line of the map: ``weight`` of evidence ``key`` from ``source`` counts for ``topic``."""

    topic: str
    source: str
    key: str
    weight: float
    line: int


@dataclass(frozen=True, eq=False)
class CompiledMap:
    """The map's rows for one topic list, as arrays the scorer multiplies with evidence."""

    words: tuple[str, ...]
    mapped: np.ndarray
    """(n,) bool: the word has rows in the map (else it is matched zero-shot)."""
    never: np.ndarray
    """(n,) bool: the map says nothing in the models shows this word."""
    imagenet: np.ndarray
    """(n, 1000) float32 class weights, counted always."""
    context: np.ndarray
    """(n, 1000) float32 class weights, counted only with a person in view."""
    objects: tuple[dict[str, float], ...]
    """Per word: detector class -> weight."""
    people: tuple[dict[str, float], ...]
    """Per word: people feature -> weight."""
    style: tuple[dict[str, float], ...]
    """Per word: style (``STYLES``) -> weight."""
    scene: tuple[dict[str, float], ...]
    """Per word: scene (``ml.scene.SCENES``) -> weight."""
    activity: tuple[dict[str, float], ...]
    """Per word: activity (``ml.activity.ACTIVITIES``) -> weight."""
    shared: np.ndarray = field(repr=False)
    """(n, n) bool: words i and j rest mostly on the same evidence: popularity counts once."""
    synonyms: np.ndarray = field(repr=False)
    """(n, n) bool: words i and j rest on the same evidence (dog and puppy): one tag."""


def parse_map(
    text: str,
    label_names: Sequence[str],
    object_names: Sequence[str],
    people_features: Sequence[str],
    origin: str = MAP_FILE,
) -> tuple[EvidenceRow, ...]:
    """Parse and check the map's text; raises ModelError naming every bad line."""
    rows: list[EvidenceRow] = []
    errors: list[str] = []
    objects, features = set(object_names), set(people_features)
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln and not ln.startswith("#")]
    reader = csv.reader(io.StringIO("\n".join(ln for _, ln in lines)))
    for (number, _), cells in zip(lines, reader, strict=True):
        if cells == ["topic", "source", "key", "weight", "names"]:
            continue
        problem = _check_row(cells, label_names, objects, features)
        if problem:
            errors.append(f"line {number}: {problem}")
            continue
        topic, source, key, weight = cells[0], cells[1], cells[2], cells[3]
        rows.append(EvidenceRow(topic, source, key, float(weight or 0.0), number))
    if errors:
        raise ModelError(f"The evidence map {origin} has bad rows: " + "; ".join(errors[:10]))
    return tuple(rows)


def _check_row(
    cells: list[str], label_names: Sequence[str], objects: set[str], features: set[str]
) -> str:
    """Why a row is wrong, or "" when it is fine."""
    if len(cells) != 5:
        return f"{len(cells)} fields instead of 5"
    topic, source, key, weight, names = (c.strip() for c in cells)
    if not topic or topic != topic.lower():
        return f"topic {topic!r} is not a lower-case word"
    if source not in SOURCES:
        return f"unknown source {source!r}"
    if source == "none":
        return "" if not key and not weight else "a 'none' row takes no key or weight"
    if source == "alias":
        return "" if key and not weight else "an 'alias' row names a topic and takes no weight"
    try:
        value = float(weight)
    except ValueError:
        return f"weight {weight!r} is not a number"
    if not 0.0 < value <= 1.0:
        return f"weight {value} is not in (0, 1]"
    if source == "object" and key not in objects:
        return f"{key!r} is not a class of the object detector"
    if source == "people" and key not in features:
        return f"{key!r} is not a people feature"
    if source == "style" and key not in STYLES:
        return f"{key!r} is not a style (one of {', '.join(STYLES)})"
    if source == "scene" and key not in SCENES:
        return f"{key!r} is not a scene (one of {', '.join(SCENES)})"
    if source == "activity" and key not in ACTIVITIES:
        return f"{key!r} is not an activity (one of {', '.join(ACTIVITIES)})"
    if source in ("imagenet", "context"):
        return _check_classes(key, names, label_names)
    return ""


def _check_classes(key: str, names: str, label_names: Sequence[str]) -> str:
    """An ImageNet index or range, whose names column must match the class names."""
    try:
        first, last = (int(v) for v in key.split("-")) if "-" in key else (int(key), int(key))
    except ValueError:
        return f"{key!r} is not a class index or range"
    if not 0 <= first <= last < N_CLASSES:
        return f"{key!r} is outside 0..{N_CLASSES - 1}"
    expected = (
        label_names[first] if first == last else f"{label_names[first]} .. {label_names[last]}"
    )
    if names != expected.replace('"', ""):
        return f"class {key} is {expected!r}, the row says {names!r}"
    return ""


@cache
def load_map(
    label_names: tuple[str, ...], people_features: tuple[str, ...]
) -> tuple[EvidenceRow, ...]:
    """The bundled map, parsed and checked against the models' class names (once)."""
    from thumbdesk.ml.detector import COCO_LABELS

    return parse_map(map_text(), label_names, COCO_LABELS, people_features)


def resolve_word(word: str, rows: Sequence[EvidenceRow]) -> str:
    """The map topic that stands for ``word``: itself, its alias target, or its singular."""
    return resolve_words([word], rows)[0]


def resolve_words(words: Sequence[str], rows: Sequence[EvidenceRow]) -> list[str]:
    """``resolve_word`` of each word (the map's topics and aliases looked up once)."""
    table = tuple(rows)
    topics, aliases = _topics(table), _aliases(table)
    out = []
    for word in words:
        key = " ".join(word.lower().split())
        for candidate in (
            key,
            key[:-1] if key.endswith("s") else "",
            key[:-2] if key.endswith("es") else "",
        ):
            if candidate in aliases:
                key = aliases[candidate]
                break
            if candidate in topics:
                key = candidate
                break
        out.append(key)
    return out


@cache
def _topics(rows: tuple[EvidenceRow, ...]) -> frozenset[str]:
    return frozenset(r.topic for r in rows if r.source != "alias")


@cache
def _aliases(rows: tuple[EvidenceRow, ...]) -> dict[str, str]:
    return {r.topic: r.key for r in rows if r.source == "alias"}


@cache
def never_topics(rows: tuple[EvidenceRow, ...]) -> frozenset[str]:
    """The map topics nothing the bundled models see shows (source ``none``): never tagged."""
    return frozenset(r.topic for r in rows if r.source == "none")


def class_range(key: str) -> range:
    """The class indices of an ``imagenet``/``context`` key ("207" or "151-268")."""
    first, last = (int(v) for v in key.split("-")) if "-" in key else (int(key), int(key))
    return range(first, last + 1)


@cache
def map_text() -> str:
    """The bundled ``resources/evidence.csv``."""
    try:
        return resources.files("thumbdesk.resources").joinpath(MAP_FILE).read_text("utf-8")
    except OSError as exc:
        raise ModelError(f"The evidence map resources/{MAP_FILE} cannot be read: {exc}") from None


def compile_map(words: Sequence[str], rows: Sequence[EvidenceRow]) -> CompiledMap:
    """Arrays of the map's rows for ``words`` (a topic list), in its order."""
    n = len(words)
    positions: dict[str, list[int]] = {}
    for i, word in enumerate(words):
        positions.setdefault(word, []).append(i)
    imagenet = np.zeros((n, N_CLASSES), np.float32)
    context = np.zeros((n, N_CLASSES), np.float32)
    objects: list[dict[str, float]] = [{} for _ in words]
    people: list[dict[str, float]] = [{} for _ in words]
    style: list[dict[str, float]] = [{} for _ in words]
    scene: list[dict[str, float]] = [{} for _ in words]
    activity: list[dict[str, float]] = [{} for _ in words]
    keyed = {
        "object": objects, "people": people, "style": style, "scene": scene, "activity": activity,
    }  # fmt: skip
    mapped = np.zeros(n, bool)
    nothing_shows = never_topics(tuple(rows))
    never = np.array([w in nothing_shows for w in words], bool)
    for row in rows:
        if row.source == "alias":
            continue
        for i in positions.get(row.topic, ()):
            mapped[i] = True
            if row.source in ("imagenet", "context"):
                target = imagenet if row.source == "imagenet" else context
                span = class_range(row.key)
                np.maximum(
                    target[i, span.start : span.stop],
                    row.weight,
                    out=target[i, span.start : span.stop],
                )
            elif row.source != "none":
                into = keyed[row.source][i]
                into[row.key] = max(into.get(row.key, 0.0), row.weight)
    overlap = _evidence_overlap(imagenet + context, objects, people, style, scene, activity)
    return CompiledMap(
        words=tuple(words),
        mapped=mapped,
        never=never,
        imagenet=imagenet,
        context=context,
        objects=tuple(objects),
        people=tuple(people),
        style=tuple(style),
        scene=tuple(scene),
        activity=tuple(activity),
        shared=overlap >= SHARED_OVERLAP,
        synonyms=overlap >= SYNONYM_OVERLAP,
    )


SHARED_OVERLAP = 0.8
"""Two words whose evidence vectors have at least this cosine count once in popularity."""
SYNONYM_OVERLAP = 0.99
"""... and from this cosine they are one tag (puppy adds nothing after dog; workout does after
gym, whose evidence differs a little)."""


def _evidence_overlap(classes: np.ndarray, *keyed: Sequence[dict[str, float]]) -> np.ndarray:
    """(n, n) cosine of the words' evidence vectors.

    Classes, then one column per source and key of the keyed sources (objects, people
    features, styles, scenes, activities).
    """
    keys = sorted({(s, k) for s, per_word in enumerate(keyed) for d in per_word for k in d})
    column = {k: j for j, k in enumerate(keys)}
    extra = np.zeros((classes.shape[0], len(keys)), np.float32)
    for s, per_word in enumerate(keyed):
        for i, d in enumerate(per_word):
            for k, w in d.items():
                extra[i, column[(s, k)]] = w
    vectors = np.concatenate([classes, extra], axis=1)
    unit = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    overlap: np.ndarray = unit @ unit.T
    return overlap
