"""Bundled model files: where they are, the manifest check, and the text embeddings.

Files are found with ``importlib.resources`` in the ``thumbdesk.models`` package (the
repository's ``models/`` folder), so source trees, wheels and frozen builds behave alike.
Every file is checked against ``MANIFEST.json`` (size and sha256) before it is used; a
missing or corrupt file raises ModelError naming it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import numpy as np

from thumbdesk.core.errors import ModelError

log = logging.getLogger(__name__)

LITE0 = "lite0_imagenet.onnx"
YUNET = "face_detection_yunet_2026may.onnx"
TEXT = "text_embeddings.npz"
FACERES = "people_faceres_deep.onnx"
NANODET = "people_nanodet_coco.onnx"
EMOTION = "people_emotion.onnx"
TEXT_DET = "text_det_ppocrv4.onnx"
MOVENET = "people_movenet_multipose.onnx"
TEXT_ENCODER = "minilm_l6_int8.onnx"
TEXT_VOCAB = "minilm_vocab.txt"
STYLE = "style_probe.npz"
SCENE = "scene_probe.npz"
ACTIVITY = "activity_probe.npz"
AGE = "age_probe.npz"
BODY = "body_probe.npz"

MATCH_FLOOR = 0.3
"""A typed word whose best cosine to any ImageNet label is below this cannot be matched
(measured: 1.8% of the vocabulary, abstract words such as "agree" or "annually"; none of
400 random letter strings, which MiniLM maps near some label at 0.32-0.65)."""


@cache
def manifest() -> dict[str, Any]:
    """The parsed ``models/MANIFEST.json`` (file name -> entry)."""
    ref = resources.files("thumbdesk.models").joinpath("MANIFEST.json")
    try:
        data = json.loads(ref.read_text(encoding="utf-8"))
        files = data["files"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"Model manifest models/MANIFEST.json is missing or corrupt: {exc}"
        ) from None
    if not isinstance(files, dict):
        raise ModelError("Model manifest models/MANIFEST.json is corrupt: no file table")
    return files


@cache
def model_bytes(name: str) -> bytes:
    """The verified content of bundled model file ``name`` (size and sha256 as in the manifest)."""
    entry = manifest().get(name)
    if entry is None:
        raise ModelError(f"Model file {name} has no entry in models/MANIFEST.json")
    ref = resources.files("thumbdesk.models").joinpath(name)
    try:
        data = ref.read_bytes()
    except OSError:
        raise ModelError(
            f"Model file models/{name} is missing; reinstall ThumbDesk or run "
            "scripts/build_models.py"
        ) from None
    if len(data) != entry.get("size") or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
        raise ModelError(
            f"Model file models/{name} is corrupt (size or sha256 differs from the manifest); "
            "reinstall ThumbDesk or run scripts/build_models.py"
        )
    return data


@dataclass(frozen=True, eq=False)
class TextEmbeddings:
    """MiniLM embeddings of the ImageNet labels and of the topic vocabulary (unit vectors).

    ``lookup`` gives any typed word or phrase a vector: from the vocabulary or the label names
    when it is there, else from the bundled text encoder (loaded on first such word). A word
    that still cannot be matched gets None and ``unmatched_reason`` says why.
    """

    label_names: tuple[str, ...]
    labels: np.ndarray
    """(1000, 384) float32."""
    vocab: dict[str, int]
    vocab_q: np.ndarray
    """(V, 384) int8; row i times vocab_scale[i] is word i's embedding."""
    vocab_scale: np.ndarray
    label_index: dict[str, int] = field(init=False, repr=False)
    """Lower-cased label name -> row of ``labels``."""

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, name in enumerate(self.label_names):
            index.setdefault(name.lower(), i)
        object.__setattr__(self, "label_index", index)

    def lookup(self, word: str) -> np.ndarray | None:
        """The unit embedding of ``word``, or None when it cannot be matched (see below)."""
        return None if self.unmatched_reason(word) else self.vector(word)

    def vector(self, word: str) -> np.ndarray | None:
        """The embedding of ``word`` whether or not it matches an image concept.

        None only for text without a letter. Vocabulary words and label names come from the
        precomputed tables; anything else runs the text encoder (lazily loaded, ModelError if
        its files are missing or corrupt).
        """
        key = normalise(word)
        if not any(c.isalpha() for c in key):
            return None
        idx = self.vocab.get(key)
        if idx is not None:
            vec = self.vocab_q[idx].astype(np.float32) * float(self.vocab_scale[idx])
            return vec / max(float(np.linalg.norm(vec)), 1e-8)
        label = self.label_index.get(key)
        if label is not None:
            return self.labels[label]
        return _encode(key)

    def unmatched_reason(self, word: str) -> str | None:
        """Why ``word`` cannot be matched to what the image models show, or None if it can.

        Words of the bundled topic lists always match (they also rest on face evidence and
        curated mappings). Otherwise a word cannot be matched when it has no letter; when it
        is outside the vocabulary and the text model does not know it as a word (it splits
        into two or more single letters, as keyboard noise does: measured on 2,000 random
        letter strings 67%, on 49,627 real words outside the vocabulary 0.8%, mostly
        acronyms); or when no ImageNet label, all the classifier can name, is at least
        MATCH_FLOOR similar to it.
        """
        key = normalise(word)
        if not any(c.isalpha() for c in key):
            return "has no letters"
        if key in bundled_topic_words():
            return None
        if key not in self.vocab and key not in self.label_index and _unknown_to_model(key):
            return "is not a word the text model knows"
        vec = self.vector(key)
        best = float(np.max(self.labels @ vec)) if vec is not None else 0.0
        if best < MATCH_FLOOR:
            return "resembles nothing the image model can recognise"
        return None

    def nearest_labels(self, word: str, k: int = 5) -> list[tuple[str, float]]:
        """The ``k`` ImageNet labels most similar to ``word`` (label, cosine), best first."""
        vec = self.vector(word)
        if vec is None:
            return []
        sims = self.labels @ vec
        return [(self.label_names[i], float(sims[i])) for i in np.argsort(-sims)[:k]]


def normalise(word: str) -> str:
    """The lookup key of a typed word: lower case, single spaces, trimmed."""
    return " ".join(word.lower().split())


@cache
def bundled_topic_words() -> frozenset[str]:
    """Every word of the bundled topic presets (never reported as unmatched)."""
    from thumbdesk.core.topics import AUDIENCES, preset_topics

    return frozenset(normalise(t.word) for p in AUDIENCES for t in preset_topics(p))


def _unknown_to_model(key: str) -> bool:
    """Whether a word of ``key`` splits into two or more single-letter WordPiece pieces."""
    from thumbdesk.ml.text_encoder import text_encoder

    pieces = text_encoder().pieces
    for part in key.split():
        if any(c.isalpha() for c in part):
            letters = [p.removeprefix("##") for p in pieces(part)]
            singles = sum(len(p) == 1 and p.isalpha() for p in letters)
            if singles >= 2:
                return True
    return False


@lru_cache(maxsize=4096)
def _encode(key: str) -> np.ndarray:
    from thumbdesk.ml.text_encoder import text_encoder

    vec = text_encoder().encode(key)
    vec.setflags(write=False)
    return vec


@cache
def text_embeddings() -> TextEmbeddings:
    """Load ``text_embeddings.npz`` (verified)."""
    import io

    try:
        with np.load(io.BytesIO(model_bytes(TEXT)), allow_pickle=False) as npz:
            labels = npz["label_emb"].astype(np.float32)
            names = tuple(str(n) for n in npz["label_names"])
            words = [str(w) for w in npz["vocab_words"]]
            vocab_q = npz["vocab_emb"]
            scale = npz["vocab_scale"]
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"Model file models/{TEXT} is corrupt: {exc}") from None
    labels /= np.maximum(np.linalg.norm(labels, axis=1, keepdims=True), 1e-8)
    return TextEmbeddings(names, labels, {w: i for i, w in enumerate(words)}, vocab_q, scale)
