"""Bundled model files: manifest hashes, corrupt files, one weight file for both backends."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets, lite0
from thumbdesk.ml.backends import (
    OnnxRuntimeClassifier,
    OpenCVClassifier,
    TorchClassifier,
    preprocess,
)
from thumbdesk.ml.faces import OnnxRuntimeYuNet, OpenCVYuNet

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "models"
VIDEOS = ROOT / ".." / "shared" / "videos"


def test_manifest_hashes_match_files() -> None:
    manifest = json.loads((MODELS / "MANIFEST.json").read_text())["files"]
    bundled = {p.name for p in MODELS.iterdir() if p.is_file()}
    assert bundled - {"__init__.py", "MANIFEST.json", "README.md"} == set(manifest)
    total = 0
    for name, entry in manifest.items():
        data = (MODELS / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == entry["size"], name
        for key in ("source", "licence", "script"):
            assert entry[key], (name, key)
        total += len(data)
    assert total < 80e6  # the issue-11 budget for all bundled models


def test_corrupt_model_file_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    real = assets.manifest()
    bad = {**real, assets.YUNET: {**real[assets.YUNET], "sha256": "0" * 64}}
    assets.model_bytes.cache_clear()
    monkeypatch.setattr(assets, "manifest", lambda: bad)
    try:
        with pytest.raises(ModelError, match=r"face_detection_yunet_2026may\.onnx.*corrupt"):
            assets.model_bytes(assets.YUNET)
        with pytest.raises(ModelError, match="no entry"):
            assets.model_bytes("nothing.onnx")
    finally:
        monkeypatch.undo()
        assets.model_bytes.cache_clear()


def test_onnx_initializers_hold_every_parameter() -> None:
    arrays = lite0.read_onnx_initializers(assets.model_bytes(assets.LITE0))
    assert set(lite0.param_names()) <= set(arrays)
    assert arrays["fc_w"].shape == (1000, 1280)


@pytest.mark.slow
def test_torch_opencv_and_onnxruntime_agree_on_real_frames() -> None:
    images = []
    for name, t in [("moviepy_fire2_dog.mp4", 1.8), ("bikes.mp4", 5.0), ("bigbuckbunny.mp4", 2)]:
        cap = cv2.VideoCapture(str(VIDEOS / name))
        cap.set(cv2.CAP_PROP_POS_MSEC, t * 1000)
        ok, img = cap.read()
        cap.release()
        assert ok
        images.append(img)
    batch = preprocess(images)
    a = OpenCVClassifier().logits(batch)
    b = TorchClassifier("cpu").logits(batch)
    c = OnnxRuntimeClassifier().logits(batch)
    for other in (b, c):
        assert np.abs(a - other).max() < 1e-3
        assert (a.argmax(1) == other.argmax(1)).all()
    # ONNX Runtime runs the candidates in batches: each image gets the logits it gets alone.
    ort = OnnxRuntimeClassifier()
    assert ort.batch_size > 1
    single = np.concatenate([ort.logits(batch[i : i + 1]) for i in range(3)])
    assert np.array_equal(single, c)


def test_yunet_in_onnx_runtime_matches_opencv_face_detector() -> None:
    """The ONNX Runtime YuNet decodes exactly as cv2.FaceDetectorYN: same faces, same rows."""
    data = assets.model_bytes(assets.YUNET)
    fast, reference = OnnxRuntimeYuNet(data), OpenCVYuNet(data)
    frames = []
    for name, times in (("moviepy_sintel_fog.mp4", (0.5, 1.0, 1.5)), ("bikes.mp4", (1.0, 5.0))):
        capture = cv2.VideoCapture(str(VIDEOS / name))
        for time_s in times:
            capture.set(cv2.CAP_PROP_POS_MSEC, time_s * 1000.0)
            ok, image = capture.read()
            assert ok, (name, time_s)
            frames.append(to_working_size(image, 480))
        capture.release()
    frames.append(np.zeros((270, 480, 3), np.uint8))
    found = 0
    for image in frames:
        ours, theirs = fast(image), reference(image)
        assert ours.shape == theirs.shape
        if len(ours):
            np.testing.assert_allclose(ours, theirs, atol=1e-3)
        found += len(ours)
    assert found >= 2  # the fog clip's girl and the cyclist at least
