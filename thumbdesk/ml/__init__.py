"""The model layer: concept evidence and topic scores per frame (torch only on CUDA, lazily).

``load_scorer(device)`` returns a FrameScorer (see ``thumbdesk.core.types``). On the CPU the
classifier and the face detector run in ONNX Runtime (OpenCV DNN as the fallback), so torch
is not imported; with an NVIDIA GPU and the "cuda" extra the classifier runs in torch.
Loaded scorers are cached per device in the process.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from thumbdesk.core.types import Topic

if TYPE_CHECKING:
    from thumbdesk.ml.scorer import Scorer

log = logging.getLogger(__name__)

__all__ = ["load_scorer", "never_tagged_words", "unknown_topic_words", "unmatched_topic_words"]

_CACHE: dict[str, Scorer] = {}
_LOCK = threading.Lock()


def load_scorer(device: str = "auto") -> Scorer:
    """Load (once per device per process) the scorer for "auto", "cpu" or "cuda".

    "cpu" runs ONNX Runtime unless THUMBDESK_CPU_BACKEND=opencv or torch; "cpu-ort",
    "cpu-opencv" and "cpu-torch" name a CPU backend explicitly. Raises ModelError for a
    missing/corrupt model file or an absent CUDA device.
    """
    from thumbdesk.ml.backends import make_classifier
    from thumbdesk.ml.scorer import Scorer

    with _LOCK:
        scorer = _CACHE.get(device)
        if scorer is None:
            start = time.perf_counter()
            scorer = Scorer(make_classifier(device))
            _CACHE[device] = scorer
            log.info("Model loaded on %s in %.2f s", scorer.device, time.perf_counter() - start)
        return scorer


def unknown_topic_words(topics: Sequence[Topic], device: str = "auto") -> list[str]:
    """Topic words the model loaded for ``device`` cannot score (see unmatched_topic_words)."""
    return load_scorer(device).unknown_words(topics)


def unmatched_topic_words(words: Sequence[str]) -> dict[str, str]:
    """Each word that cannot be matched to image evidence -> why, in words (for a warning).

    Needs no scorer: the bundled text embeddings, and the text encoder for words outside
    the vocabulary (loaded on the first such word). Raises ModelError if those files are
    missing or corrupt.
    """
    from thumbdesk.ml.assets import text_embeddings

    emb = text_embeddings()
    out: dict[str, str] = {}
    for word in words:
        reason = emb.unmatched_reason(word)
        if reason is not None:
            out[word] = reason
    return out


def never_tagged_words(words: Sequence[str]) -> list[str]:
    """The words the evidence map says nothing the bundled models see shows (source ``none``).

    They match (no warning), but no frame is ever tagged with them and they add nothing to
    popularity: kiss, travel, running ... Needs no scorer; raises ModelError if the map or the
    text embeddings are missing or corrupt.
    """
    from thumbdesk.ml import evidence_map
    from thumbdesk.ml.assets import text_embeddings
    from thumbdesk.ml.people_features import FEATURES

    rows = evidence_map.load_map(text_embeddings().label_names, FEATURES)
    never = evidence_map.never_topics(rows)
    resolved = evidence_map.resolve_words(words, rows)
    return [w for w, topic in zip(words, resolved, strict=True) if topic in never]
