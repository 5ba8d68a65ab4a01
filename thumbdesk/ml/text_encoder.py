"""The MiniLM text encoder: an embedding for any topic word a creator types.

The bundled vocabulary (``text_embeddings.npz``) covers ~12,000 words; a word or phrase
outside it is encoded here, at topic-edit time, by all-MiniLM-L6-v2 exported to ONNX (int8,
mean pooling and L2 normalisation inside the graph, as sentence-transformers computes them;
``scripts/models_text_encoder.py``) with the model's own WordPiece vocabulary, read by
``thumbdesk.ml.wordpiece``. Loaded on first use only (never at start-up or with the
scorer), both files checked against the manifest like every bundled model. No torch, no Qt.
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache
from typing import Any

import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets
from thumbdesk.ml.wordpiece import WordPiece

log = logging.getLogger(__name__)

MAX_TOKENS = 256
"""sentence-transformers' max_seq_length for this model; longer text is truncated."""


class TextEncoder:
    """Tokenizer + ONNX Runtime session; ``encode(text)`` gives a (384,) unit vector."""

    def __init__(self) -> None:
        from thumbdesk.ml.backends import onnxruntime_session

        start = time.perf_counter()
        data = assets.model_bytes(assets.TEXT_VOCAB)
        try:
            self._tokenizer = WordPiece(data.decode("utf-8"), MAX_TOKENS)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ModelError(f"Model file models/{assets.TEXT_VOCAB} is corrupt: {exc}") from None
        self._session = onnxruntime_session(
            assets.model_bytes(assets.TEXT_ENCODER), assets.TEXT_ENCODER
        )
        self._lock = threading.Lock()
        self.load_s = time.perf_counter() - start
        log.info(
            "Loaded the MiniLM text encoder for topic words outside the vocabulary (%.2f s)",
            self.load_s,
        )

    def pieces(self, text: str) -> list[str]:
        """The WordPiece tokens the encoder sees for ``text``."""
        return self._tokenizer.pieces(text)

    def encode(self, text: str) -> np.ndarray:
        """The unit-length (384,) float32 embedding of ``text``."""
        ids = np.array([self._tokenizer.ids(text)], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)}
        with self._lock:
            out: Any = self._session.run(None, feed)[0]
        vec = np.asarray(out, dtype=np.float32)[0]
        return vec / max(float(np.linalg.norm(vec)), 1e-8)


@cache
def text_encoder() -> TextEncoder:
    """The encoder, loaded once per process (raises ModelError if a file is missing/corrupt)."""
    return TextEncoder()


def loaded() -> bool:
    """Whether the encoder has been loaded in this process (tests, benchmarks)."""
    return text_encoder.cache_info().currsize > 0
