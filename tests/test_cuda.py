"""The torch backend against ONNX Runtime: on CUDA where there is a GPU, on the CPU always.

The CUDA tests are skipped without a usable CUDA device (``scripts/gpu_check.sh`` runs them
on a GPU machine). The same comparison runs on the CPU here, so the check itself is proven.
Tolerance: ``CUDA_LOGIT_TOLERANCE`` on every logit (FP32 on both sides, TF32 off), and the same
top-1 class on every frame whose top two classes are further apart than twice that.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from thumbdesk.core.decode import to_working_size
from thumbdesk.core.errors import ModelError
from thumbdesk.core.types import PipelineConfig
from thumbdesk.ml.backends import (
    CUDA_LOGIT_TOLERANCE,
    OnnxRuntimeClassifier,
    TorchClassifier,
    preprocess,
    run_batches,
)

torch = pytest.importorskip("torch", reason="the 'cuda' extra (torch) is not installed")

ROOT = Path(__file__).resolve().parents[1]
VIDEOS = ROOT / ".." / "shared" / "videos"
SAMPLE = ROOT / "resources" / "sample" / "bigbuckbunny.mp4"
FRAMES_PER_CLIP = 4
needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device here")


@pytest.fixture(scope="module")
def shared_frames() -> list[np.ndarray]:
    """FRAMES_PER_CLIP frames spread over every shared clip, at working size.

    A fresh clone on a GPU machine may lack ../shared: the bundled sample clip stands in.
    """
    images = []
    for path in sorted(VIDEOS.glob("*.mp4")) + sorted(VIDEOS.glob("*.webm")) or [SAMPLE]:
        cap = cv2.VideoCapture(str(path))
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        for i in range(FRAMES_PER_CLIP):
            cap.set(cv2.CAP_PROP_POS_FRAMES, (2 * i + 1) * count // (2 * FRAMES_PER_CLIP))
            ok, image = cap.read()
            if ok:
                images.append(to_working_size(image, PipelineConfig().working_size))
        cap.release()
    assert len(images) >= FRAMES_PER_CLIP
    return images


@pytest.fixture(scope="module")
def reference(shared_frames: list[np.ndarray]) -> np.ndarray:
    """ONNX Runtime's logits (the CPU default backend)."""
    return run_batches(OnnxRuntimeClassifier(), shared_frames)


def assert_same_logits(got: np.ndarray, want: np.ndarray) -> None:
    assert got.shape == want.shape
    worst = float(np.abs(got - want).max())
    assert worst < CUDA_LOGIT_TOLERANCE, f"max |logit difference| {worst:.2e}"
    top2 = np.sort(want, axis=1)[:, -2:]
    decidable = (top2[:, 1] - top2[:, 0]) > 2 * CUDA_LOGIT_TOLERANCE
    assert decidable.sum() >= 0.9 * len(want)
    assert (got.argmax(1) == want.argmax(1))[decidable].all()


@pytest.mark.slow
def test_torch_on_the_cpu_matches_onnx_runtime(
    shared_frames: list[np.ndarray], reference: np.ndarray
) -> None:
    assert_same_logits(run_batches(TorchClassifier("cpu"), shared_frames), reference)


@needs_cuda
@pytest.mark.slow
def test_cuda_matches_onnx_runtime_on_the_shared_clips(
    shared_frames: list[np.ndarray], reference: np.ndarray
) -> None:
    clf = TorchClassifier("cuda")
    assert clf.device.startswith("cuda:0 (")
    assert len(shared_frames) <= clf.batch_size  # the whole set goes in one batch
    assert_same_logits(clf.logits(preprocess(shared_frames)), reference)


@needs_cuda
def test_cuda_runs_in_full_fp32() -> None:
    TorchClassifier("cuda")
    if hasattr(torch.backends.cudnn, "fp32_precision"):  # the new API (old flags then raise)
        assert torch.backends.cudnn.conv.fp32_precision == "ieee"
        assert torch.backends.cuda.matmul.fp32_precision == "ieee"
    else:
        assert not torch.backends.cudnn.allow_tf32
        assert not torch.backends.cuda.matmul.allow_tf32


@needs_cuda
def test_a_missing_cuda_device_is_a_clear_error() -> None:
    count = torch.cuda.device_count()
    with pytest.raises(ModelError, match=rf"cuda:{count} does not exist.*{count} CUDA device"):
        TorchClassifier(f"cuda:{count}")


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_cuda_without_a_device_is_a_clear_error() -> None:
    with pytest.raises(ModelError, match=r"CUDA was requested but torch .* finds no usable"):
        TorchClassifier("cuda:1")


def test_a_malformed_device_is_a_clear_error() -> None:
    for name in ("cuda:x", "gpu", "mps"):
        with pytest.raises(ModelError, match="Unknown device"):
            TorchClassifier(name)


def _evidence_calls_for_one_clip(device: str) -> tuple[int, int]:
    """(evidence calls, candidates) when the pipeline scores bikes.mp4 on ``device``."""
    path = VIDEOS / "bikes.mp4" if (VIDEOS / "bikes.mp4").exists() else SAMPLE
    from thumbdesk.core.pipeline import pick
    from thumbdesk.core.topics import default_topics
    from thumbdesk.ml import load_scorer

    scorer = load_scorer(device)
    before = scorer.evidence_runs
    result = pick(path, scorer=scorer, topics=default_topics())
    return scorer.evidence_runs - before, len(result.candidates)


@pytest.mark.slow
def test_the_pipeline_scores_in_the_backends_batch_size() -> None:
    """torch on the CPU takes 16 frames a call: a clip's candidates need ceil(n / 16) calls."""
    calls, candidates = _evidence_calls_for_one_clip("cpu-torch")
    assert candidates > 4  # more than the pipeline's own batch of 4
    assert calls == -(-candidates // 16)


@needs_cuda
@pytest.mark.slow
def test_cuda_scores_a_clips_candidates_in_one_batch() -> None:
    calls, candidates = _evidence_calls_for_one_clip("cuda")
    assert candidates >= 1
    assert calls == 1


@needs_cuda
def test_every_evidence_model_but_yunet_runs_on_cuda_with_the_cpu_tags(
    shared_frames: list[np.ndarray],
) -> None:
    from thumbdesk.core.topics import default_topics
    from thumbdesk.ml import load_scorer

    gpu, cpu = load_scorer("cuda"), load_scorer("cpu")
    places = gpu.evidence_devices
    # YuNet and MoveNet stay in ONNX Runtime on the CPU (their reasons: models/README.md)
    on_cpu = ("faces", "poses")
    assert all(place.startswith("cuda") for name, place in places.items() if name not in on_cpu)
    topics = default_topics()
    for on_gpu, on_cpu in zip(
        gpu.evidence(shared_frames), cpu.evidence(shared_frames), strict=True
    ):
        want = cpu.score_topics(on_cpu, topics).topics
        got = gpu.score_topics(on_gpu, topics).topics
        assert [t.word for t in got] == [t.word for t in want]
        assert np.allclose([t.score for t in got], [t.score for t in want], atol=0.02)


@needs_cuda
def test_the_text_detector_on_cuda_finds_the_cpus_text(shared_frames: list[np.ndarray]) -> None:
    from thumbdesk.ml import load_scorer

    gpu, cpu = load_scorer("cuda"), load_scorer("cpu")
    frames = [f.copy() for f in shared_frames[:8]]
    for frame in frames:  # a caption on each, so there is text to find
        cv2.putText(frame, "Subscribe", (20, frame.shape[0] - 20), 0, 1.0, (255, 255, 255), 2)
    for on_gpu, on_cpu in zip(
        gpu.with_text(gpu.evidence(frames), frames),
        cpu.with_text(cpu.evidence(frames), frames),
        strict=True,
    ):
        assert on_cpu.text.boxes, "the caption is found on the CPU"
        assert np.allclose(on_gpu.text.boxes, on_cpu.text.boxes, atol=0.01)
        assert on_gpu.text.share == pytest.approx(on_cpu.text.share, abs=0.005)


def test_the_people_models_follow_the_classifier_off_cuda() -> None:
    from thumbdesk.ml.scorer import Scorer

    places = Scorer(TorchClassifier("cpu")).evidence_devices
    assert places["classifier"] == "cpu (torch)"
    assert places["face attributes"] == places["objects"] == places["text"] == "cpu (ONNX Runtime)"
