"""The torch runner of bundled ONNX graphs (the CUDA path) against ONNX Runtime, on the CPU."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.ml import assets
from thumbdesk.ml.backends import GraphRunner
from thumbdesk.ml.text import preprocess

EVAL = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval"

pytest.importorskip("torch")


def test_text_detector_runs_in_torch_as_in_onnxruntime() -> None:
    """PP-OCRv4 (BatchNormalization, Clip, HardSigmoid, ConvTranspose, nearest Resize)."""
    image = cv2.resize(cv2.imread(str(EVAL / "photos" / "bag_leather_handbag.jpg")), (480, 270))
    cv2.putText(
        image, "Subscribe for more", (40, 240), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255,) * 3, 3
    )
    feed = {"x": preprocess(image)}
    (want,) = GraphRunner(assets.TEXT_DET, "cpu")(["sigmoid_0.tmp_0"], feed)
    (got,) = GraphRunner(assets.TEXT_DET, "cpu-torch")(["sigmoid_0.tmp_0"], feed)
    assert np.abs(got - want).max() < 1e-4
    assert (want > 0.3).sum() > 500  # the caption is found at all
    assert ((got > 0.3) == (want > 0.3)).all()


def test_text_detector_runs_a_batch_in_torch_as_in_onnxruntime() -> None:
    """The text detector reads frames in batches (``TextDetector.probabilities``)."""
    image = cv2.resize(cv2.imread(str(EVAL / "photos" / "bag_leather_handbag.jpg")), (480, 270))
    captioned = image.copy()
    cv2.putText(captioned, "Subscribe", (40, 240), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (255,) * 3, 3)
    feed = {"x": np.concatenate([preprocess(image), preprocess(captioned)])}
    (want,) = GraphRunner(assets.TEXT_DET, "cpu")(["sigmoid_0.tmp_0"], feed)
    (got,) = GraphRunner(assets.TEXT_DET, "cpu-torch")(["sigmoid_0.tmp_0"], feed)
    assert got.shape == want.shape == (2, 1, *feed["x"].shape[2:])
    assert np.abs(got - want).max() < 1e-4
    assert (want[1] > 0.3).sum() > (want[0] > 0.3).sum() + 300  # the caption, in its frame
