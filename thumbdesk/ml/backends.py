"""Image-classifier backends: ONNX Runtime or OpenCV DNN on the CPU, torch on CUDA.

All run the same EfficientNet-Lite0 weights (``models/lite0_imagenet.onnx``): ONNX Runtime
(the CPU default) and OpenCV read the ONNX graph, torch reads its initializers into
``thumbdesk.ml.lite0``. torch comes with the optional "cuda" extra; it is imported only when
CUDA is wanted or a torch backend is asked for by name, because importing it alone costs
seconds and hundreds of MB. "auto" asks torch (``torch.cuda.is_available()``) whenever torch
is installed and an NVIDIA driver may be there (Linux, WSL or Windows); see ``cuda_candidate``.

On CUDA the convolutions run in full FP32 (TF32 off), so the logits match the CPU backends to
``CUDA_LOGIT_TOLERANCE``; a whole clip's candidates go through in one batch (``CUDA_BATCH``),
after one warm-up batch at load time.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.core.words import count_of
from thumbdesk.ml import assets, lite0

log = logging.getLogger(__name__)

BATCH = 16
CUDA_BATCH = 64
"""Images per forward pass on CUDA: more than a clip's candidates (PipelineConfig's
max_candidates, 12 by default), so one batch per clip, and small enough (under 1 GB of
activations) for a laptop GPU."""
CUDA_LOGIT_TOLERANCE = 2e-3
"""Largest |logit difference| allowed between CUDA (FP32, TF32 off) and the CPU backends."""
BACKEND_ENV = "THUMBDESK_CPU_BACKEND"
"""Set to "opencv" or "torch" to run the CPU path there instead of ONNX Runtime."""


FIT = "crop"
"""How a frame becomes 224x224: "squash" (whole frame, aspect not kept: subjects at the
sides of a wide frame stay in view) or "crop" (short side to 224, centre crop)."""


def preprocess(images: Sequence[np.ndarray], fit: str | None = None) -> np.ndarray:
    """BGR images -> (N, 3, 224, 224) float32 RGB scaled as (x - 127) / 128 (see FIT)."""
    size = lite0.INPUT_SIZE
    out = np.empty((len(images), 3, size, size), dtype=np.float32)
    for i, image in enumerate(images):
        img = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR) if image.ndim == 2 else image
        h, w = img.shape[:2]
        if (fit or FIT) == "squash":
            interp = cv2.INTER_AREA if min(h, w) > size else cv2.INTER_LINEAR
            rgb = cv2.resize(img, (size, size), interpolation=interp)[:, :, ::-1]
            out[i] = (rgb.transpose(2, 0, 1).astype(np.float32) - 127.0) / 128.0
            continue
        scale = size / min(h, w)
        nh, nw = max(size, round(h * scale)), max(size, round(w * scale))
        interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        resized = cv2.resize(img, (nw, nh), interpolation=interp)
        y0, x0 = (nh - size) // 2, (nw - size) // 2
        crop = resized[y0 : y0 + size, x0 : x0 + size, ::-1]  # BGR -> RGB
        out[i] = (crop.transpose(2, 0, 1).astype(np.float32) - 127.0) / 128.0
    return out


class Classifier(Protocol):
    """Runs Lite0 on preprocessed batches; returns (N, 1000) logits as float32."""

    device: str
    batch_size: int
    """Images per forward pass that run best on this backend."""

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Logits of a (N, 3, 224, 224) batch."""
        ...


class OpenCVClassifier:
    """Lite0 in OpenCV DNN (CPU, deterministic, no torch import)."""

    def __init__(self) -> None:
        data = assets.model_bytes(assets.LITE0)
        try:
            self._net = cv2.dnn.readNetFromONNX(np.frombuffer(data, dtype=np.uint8))
        except cv2.error as exc:
            raise ModelError(f"Model file models/{assets.LITE0} cannot be loaded: {exc}") from None
        self._net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self._net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        self.device = "cpu (OpenCV DNN)"
        # Measured on 2 cores: 28 ms per image one at a time, 35-37 ms in batches of 2-16
        # (OpenCV's convolutions parallelise within an image; batching only adds memory).
        self.batch_size = 1

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Logits of a (N, 3, 224, 224) batch."""
        self._net.setInput(np.ascontiguousarray(batch))
        return np.asarray(self._net.forward(), dtype=np.float32).reshape(len(batch), -1)


def onnxruntime_session(data: bytes, file_name: str) -> Any:
    """An ONNX Runtime CPU session for a bundled model; ModelError names the file if it fails.

    A fixed thread count and sequential execution keep results the same run to run. The
    worker threads do not spin-wait after a run: the classifier's and the face detector's
    sessions run one after the other, and spinning threads of one session stole the cores
    from the other (measured: 30 against 15 ms a candidate for both models together).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = max(1, min(os.cpu_count() or 1, 8))
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3  # errors only: ModelError carries what matters
    try:
        return ort.InferenceSession(data, options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # ORT raises its own exception types
        raise ModelError(f"Model file models/{file_name} cannot be loaded: {exc}") from None


class OnnxRuntimeClassifier:
    """Lite0 in ONNX Runtime on the CPU: the default CPU backend, no torch import.

    Measured on 2 cores: 10 ms per image against 22-28 ms in OpenCV DNN, same logits to 1e-4.
    """

    def __init__(self) -> None:
        self._session = onnxruntime_session(assets.model_bytes(assets.LITE0), assets.LITE0)
        self._input = self._session.get_inputs()[0].name
        self.device = "cpu (ONNX Runtime)"
        # Measured on 2 shared cores (16 frames of bikes.mp4, ms an image): 6.9 one at a
        # time, 5.6 in 2s, 5.1 in 4s, 5.0 in 8s, 5.5 in 16s; every image's logits the same
        # bit for bit in any batch. 2s: the arena keeps a batch's activations (the CLI's
        # peak on katna_elephants_dream.mp4: +25 MB in 4s, about half that in 2s).
        self.batch_size = 2

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Logits of a (N, 3, 224, 224) batch."""
        feed = {self._input: np.ascontiguousarray(batch, dtype=np.float32)}
        out = self._session.run(None, feed)[0]
        return np.asarray(out, dtype=np.float32).reshape(len(batch), -1)


class TorchClassifier:
    """Lite0 in torch (CUDA, or CPU on request), in inference mode.

    On the CPU, torch's convolutions give the same output for the same input run to run. On
    CUDA, TF32 is switched off for this process (cuDNN convolutions and matmuls run in full
    FP32) and one batch of ``batch_size`` runs at load time, so that cuDNN's kernel choice and
    the CUDA context's start-up are paid before the first clip.
    """

    def __init__(self, device: str) -> None:
        try:
            import torch
        except ImportError:  # the lean install and the CPU-only app bundle ship without torch
            wanted = "CUDA was requested" if device.startswith("cuda") else "torch was requested"
            raise ModelError(
                f"{wanted} but torch is not installed: install the 'cuda' extra "
                "(pip install 'thumbdesk[cuda]'), or use --device cpu"
            ) from None

        self._torch = torch
        self._dev = _torch_device(torch, device)
        self.torch_device = str(self._dev)
        """Where torch runs ("cpu", "cuda:0"): the people models follow it."""
        if self._dev.type == "cpu":
            self.device = "cpu (torch)"
            self.batch_size = BATCH
        else:
            _full_fp32(torch)
            self.device = f"{self._dev} ({torch.cuda.get_device_name(self._dev)})"
            self.batch_size = CUDA_BATCH
        self._params = lite0.load_torch_params(
            assets.model_bytes(assets.LITE0), str(self._dev), assets.LITE0
        )
        if self._dev.type == "cuda":
            size = lite0.INPUT_SIZE
            self.logits(np.zeros((self.batch_size, 3, size, size), np.float32))  # warm-up

    def logits(self, batch: np.ndarray) -> np.ndarray:
        """Logits of a (N, 3, 224, 224) batch (a plain copy to the device: no pinned memory)."""
        torch = self._torch
        with torch.inference_mode():
            x = torch.from_numpy(np.ascontiguousarray(batch)).to(self._dev)
            return lite0.forward(x, self._params).float().cpu().numpy()


def _torch_device(torch: Any, device: str) -> Any:
    """``torch.device`` for "cpu", "cuda" or "cuda:N"; ModelError says why one is unusable."""
    try:
        dev = torch.device(device)
    except RuntimeError:
        raise ModelError(f"Unknown device {device!r}; use auto, cpu, cuda or cuda:N") from None
    if dev.type == "cpu":
        return dev
    if dev.type != "cuda":
        raise ModelError(f"Unknown device {device!r}; use auto, cpu, cuda or cuda:N")
    if not torch.cuda.is_available():
        raise ModelError(
            f"CUDA was requested but torch {torch.__version__} finds no usable NVIDIA GPU "
            "(no driver, or a driver too old for its CUDA build)"
        )
    count = torch.cuda.device_count()
    index = 0 if dev.index is None else dev.index
    if index >= count:
        raise ModelError(
            f"{device} does not exist: this machine has {count_of(count, 'CUDA device')}, "
            f"cuda:0 to cuda:{count - 1}"
        )
    return torch.device("cuda", index)


def _full_fp32(torch: Any) -> None:
    """Switch TF32 off for cuDNN (convolutions) and matmuls, in torch's newer API if it has it.

    Never mix the two APIs: once the new one is used, torch raises on reading the old flags.
    """
    if hasattr(torch.backends.cudnn, "fp32_precision"):  # torch 2.9 and later
        torch.backends.cudnn.fp32_precision = "ieee"
        torch.backends.cuda.matmul.fp32_precision = "ieee"
    else:
        torch.backends.cudnn.allow_tf32 = False
        torch.backends.cuda.matmul.allow_tf32 = False


def nvidia_gpu_present() -> bool:
    """Cheap check, without importing torch, for an NVIDIA driver (Linux, WSL or Windows).

    Only says whether asking torch is worth its import time; torch decides.
    """
    if sys.platform == "win32":
        system = Path(os.environ.get("SYSTEMROOT", r"C:\Windows")) / "System32"
        return (system / "nvcuda.dll").exists()
    if sys.platform.startswith("linux"):
        return any(
            Path(p).exists()
            for p in (
                "/proc/driver/nvidia/version",
                "/dev/nvidia0",
                "/usr/lib/wsl/lib/libcuda.so.1",
            )
        )
    return False  # macOS: no CUDA


def torch_installed() -> bool:
    """Whether torch (the "cuda" extra) is installed, without importing it."""
    return importlib.util.find_spec("torch") is not None


def make_classifier(device: str) -> Classifier:
    """Build the classifier for "auto", "cpu", "cpu-ort", "cpu-opencv", "cpu-torch", "cuda[:N]"."""
    if device == "auto":
        if torch_installed() and nvidia_gpu_present():
            try:
                return TorchClassifier("cuda")
            except (ModelError, RuntimeError) as exc:
                log.warning("NVIDIA driver found but CUDA unusable (%s); using the CPU", exc)
        device = "cpu"
    if device == "cpu":
        choice = os.environ.get(BACKEND_ENV, "").lower()
        device = f"cpu-{choice}" if choice in ("opencv", "torch", "ort") else "cpu-ort"
    if device == "cpu-ort":
        try:
            return OnnxRuntimeClassifier()
        except ImportError:
            log.info("onnxruntime is not installed; running the classifier in OpenCV DNN")
            device = "cpu-opencv"
    if device == "cpu-opencv":
        return OpenCVClassifier()
    if device == "cpu-torch":
        return TorchClassifier("cpu")
    if device.startswith("cuda"):
        try:
            return TorchClassifier(device)
        except RuntimeError as exc:  # the driver or CUDA runtime failed (out of memory, ...)
            raise ModelError(f"CUDA was requested but cannot be used: {exc}") from None
    raise ModelError(f"Unknown device {device!r}; use auto, cpu or cuda")


def run_batches(
    clf: Classifier, images: Sequence[np.ndarray], fit: str | None = None
) -> np.ndarray:
    """Logits for any number of images, in the classifier's best batch size (BATCH default)."""
    if not images:
        return np.zeros((0, 1000), dtype=np.float32)
    size = clf.batch_size
    parts: list[Any] = [
        clf.logits(preprocess(images[i : i + size], fit)) for i in range(0, len(images), size)
    ]
    return np.concatenate(parts, axis=0)


class GraphRunner:
    """One bundled ONNX graph in ONNX Runtime (CPU) or in torch (CUDA, or CPU on request).

    ``runner(outputs, feed)`` returns the named outputs as float32 numpy arrays, in order.
    The people-evidence models use it; torch is imported only for a torch device.
    """

    def __init__(self, file_name: str, device: str = "cpu") -> None:
        data = assets.model_bytes(file_name)
        self._session: Any = None
        self._graph: Any = None
        if device == "auto":
            device = "cuda" if torch_installed() and nvidia_gpu_present() else "cpu"
            if device == "cuda":
                try:
                    self._graph = _torch_graph(data, file_name, "cuda")
                except ModelError as exc:
                    log.warning("%s cannot run on CUDA (%s); using the CPU", file_name, exc)
                    device = "cpu"
        if device == "cpu":
            self._session = onnxruntime_session(data, file_name)
            self.device = "cpu (ONNX Runtime)"
        elif self._graph is None:
            self._graph = _torch_graph(data, file_name, "cpu" if device == "cpu-torch" else device)
        if self._graph is not None:
            self.device = f"{self._graph.device} (torch)"

    def __call__(self, outputs: Sequence[str], feed: dict[str, np.ndarray]) -> list[np.ndarray]:
        """The named outputs for the given inputs."""
        if self._session is not None:
            got = self._session.run(list(outputs), feed)
            return [np.asarray(o, dtype=np.float32) for o in got]
        named = self._graph.run(feed)
        return [named[o] for o in outputs]


def _torch_graph(data: bytes, file_name: str, device: str) -> Any:
    from thumbdesk.ml.onnx_torch import TorchGraph

    if device.startswith("cuda"):
        try:
            import torch
        except ImportError:
            raise ModelError(
                "CUDA was requested but torch is not installed: install the 'cuda' extra "
                "(pip install 'thumbdesk[cuda]'), or use --device cpu"
            ) from None
        device = str(_torch_device(torch, device))  # a clear ModelError for a bad cuda:N
        _full_fp32(torch)
    return TorchGraph(data, file_name, device)
