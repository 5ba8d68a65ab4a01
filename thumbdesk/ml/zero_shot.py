"""Zero-shot matching of topic words the evidence map lacks, through MiniLM text embeddings.

A word's embedding is compared with the embedding of every ImageNet label; the similarities
are calibrated per word into an affinity in [0, 1] (labels no closer than the word's
90th-percentile label get 0; its best label, or AFFINITY_CEIL similarity if better, gets 1).
The scorer weights the classifier's probabilities with it. A word without an embedding
(outside the bundled vocabulary when no text encoder is at hand) gets a row of zeros.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from thumbdesk.ml.assets import TextEmbeddings

AFFINITY_CEIL = 0.75
LOW_PERCENTILE = 90.0


class ZeroShotTable:
    """Affinities of words to the ImageNet labels (embeddings looked up once per word)."""

    def __init__(self, embeddings: TextEmbeddings) -> None:
        self._emb = embeddings
        self._rows: dict[str, np.ndarray] = {}

    def affinity(self, word: str) -> np.ndarray:
        """(1000,) float32 affinity of ``word`` to each label; zeros without an embedding."""
        row = self._rows.get(word)
        if row is None:
            vec = self._emb.lookup(word)
            if vec is None:
                row = np.zeros(len(self._emb.label_names), np.float32)
            else:
                sims = self._emb.labels @ vec
                low = float(np.percentile(sims, LOW_PERCENTILE))
                high = max(float(sims.max()), AFFINITY_CEIL)
                row = np.clip((sims - low) / max(high - low, 1e-6), 0.0, 1.0).astype(np.float32)
            self._rows[word] = row
        return row

    def affinities(self, words: Sequence[str]) -> np.ndarray:
        """(n, 1000) affinities of ``words``."""
        if not words:
            return np.zeros((0, len(self._emb.label_names)), np.float32)
        return np.stack([self.affinity(w) for w in words])
