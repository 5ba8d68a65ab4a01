"""EfficientNet-Lite0 in plain torch functions, with its weights read from the bundled ONNX file.

One weight file serves every inference path: ONNX Runtime (the CPU default) and OpenCV DNN
(its fallback) run ``models/lite0_imagenet.onnx`` directly, and the torch path reads the same
file's initializers (a minimal protobuf reader, so neither ``onnx`` nor torchvision is needed
at run time) into the functional network below.
Batch norms were folded into the convolutions at build time (``scripts/models_lite0.py``),
so every convolution carries a weight ``<name>_w`` and a bias ``<name>_b``.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from thumbdesk.core.errors import ModelError

# (repeats, kernel, stride, expand_ratio, in_channels, out_channels) of Lite0's seven stages.
STAGES: tuple[tuple[int, int, int, int, int, int], ...] = (
    (1, 3, 1, 1, 32, 16),
    (2, 3, 2, 6, 16, 24),
    (2, 5, 2, 6, 24, 40),
    (3, 3, 2, 6, 40, 80),
    (3, 5, 1, 6, 80, 112),
    (4, 5, 2, 6, 112, 192),
    (1, 3, 1, 6, 192, 320),
)
INPUT_SIZE = 224
"""Classifier input side. The ONNX file's padding is that of 224 px, which matches only
sizes that are multiples of 32 (192, 160, ...)."""


def block_specs() -> list[tuple[int, int, int, int, int]]:
    """Every MBConv block as (kernel, stride, expand_ratio, in_channels, out_channels)."""
    specs = []
    for repeats, k, s, e, cin, cout in STAGES:
        specs.append((k, s, e, cin, cout))
        specs.extend((k, 1, e, cout, cout) for _ in range(repeats - 1))
    return specs


def same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow 'SAME' padding (before, after) for one spatial axis."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


# ---- ONNX initializers without the onnx package --------------------------------------------

_ONNX_FLOAT = 1


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7


def _fields(buf: bytes, start: int = 0, end: int | None = None) -> Any:
    """Yield (field_number, wire_type, value) of a protobuf message; value is int or bytes."""
    pos, stop = start, len(buf) if end is None else end
    while pos < stop:
        key, pos = _varint(buf, pos)
        num, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield num, wire, value
        elif wire == 2:
            length, pos = _varint(buf, pos)
            yield num, wire, memoryview(buf)[pos : pos + length]
            pos += length
        elif wire == 5:
            yield num, wire, buf[pos : pos + 4]
            pos += 4
        elif wire == 1:
            yield num, wire, buf[pos : pos + 8]
            pos += 8
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")


_DTYPES = {1: "<f4", 6: "<i4", 7: "<i8", 10: "<f2"}
"""ONNX TensorProto data types the readers take: float32, int32, int64, float16."""


def _packed_varints(value: Any, wire: int, into: list[int]) -> None:
    """Append a repeated (packed or not) signed varint field's values to ``into``."""
    if wire == 0:
        into.append(value if value < 1 << 63 else value - (1 << 64))
        return
    pos, data = 0, bytes(value)
    while pos < len(data):
        v, pos = _varint(data, pos)
        into.append(v if v < 1 << 63 else v - (1 << 64))


def tensor_proto(msg: Any) -> tuple[str, int, np.ndarray]:
    """(name, ONNX data type, array) of a serialized TensorProto (see _DTYPES)."""
    dims: list[int] = []
    ints: list[int] = []
    name, dtype, raw, floats = "", 0, b"", b""
    for num, wire, value in _fields(bytes(msg)):
        if num == 1:
            _packed_varints(value, wire, dims)
        elif num == 2:
            dtype = value
        elif num == 8:
            name = bytes(value).decode()
        elif num == 9:
            raw = bytes(value)
        elif num == 4 and wire == 2:  # float_data, packed
            floats = bytes(value)
        elif num in (5, 7):  # int32_data / int64_data
            _packed_varints(value, wire, ints)
    if dtype not in _DTYPES:
        raise ValueError(f"tensor {name!r} has unsupported ONNX data type {dtype}")
    if raw or floats:
        array = np.frombuffer(raw or floats, dtype=_DTYPES[dtype])
    else:
        array = np.asarray(ints, dtype=_DTYPES[dtype])
    return name, dtype, array.reshape(dims).copy()


def read_onnx_initializers(data: bytes) -> dict[str, np.ndarray]:
    """Read the float initializers (name -> array) of an ONNX model given as bytes."""
    out: dict[str, np.ndarray] = {}
    for num, wire, graph in _fields(data):
        if num == 7 and wire == 2:  # ModelProto.graph
            for gnum, gwire, init in _fields(bytes(graph)):
                if gnum == 5 and gwire == 2:  # GraphProto.initializer
                    name, dtype, array = tensor_proto(init)
                    if dtype != _ONNX_FLOAT:
                        raise ValueError(
                            f"initializer {name!r} has ONNX data type {dtype}, expected float"
                        )
                    out[name] = array
    return out


# ---- the network ---------------------------------------------------------------------------


def param_names() -> list[str]:
    """Names of every parameter the network needs, in a fixed order."""
    names = ["stem_w", "stem_b"]
    for i, (_, _, e, _, _) in enumerate(block_specs()):
        if e != 1:
            names += [f"b{i}_expand_w", f"b{i}_expand_b"]
        names += [f"b{i}_dw_w", f"b{i}_dw_b", f"b{i}_project_w", f"b{i}_project_b"]
    return [*names, "head_w", "head_b", "fc_w", "fc_b"]


def load_torch_params(onnx_bytes: bytes, device: str, file_name: str) -> dict[str, Any]:
    """Read the ONNX initializers into torch tensors on ``device``; ModelError if incomplete."""
    import torch

    try:
        arrays = read_onnx_initializers(onnx_bytes)
    except (ValueError, IndexError, struct.error) as exc:
        raise ModelError(f"Model file {file_name} is corrupt: {exc}") from exc
    missing = [n for n in param_names() if n not in arrays]
    if missing:
        raise ModelError(f"Model file {file_name} lacks weights {missing[:3]}...")
    return {n: torch.from_numpy(arrays[n].copy()).to(device) for n in param_names()}


def forward(x: Any, params: dict[str, Any], *, features: bool = False) -> Any:
    """Run Lite0 on a (N, 3, 224, 224) float tensor normalised as (rgb - 127) / 128.

    Returns the (N, 1000) ImageNet logits, or the (N, 1280) pooled features when asked.
    """
    import torch.nn.functional as F  # noqa: N812 - the usual name

    size = [int(x.shape[2]), int(x.shape[3])]  # tracked in Python so ONNX export stays static

    def conv(t: Any, name: str, k: int, stride: int, groups: int = 1) -> Any:
        if k > 1:
            ph = same_pad(size[0], k, stride)
            pw = same_pad(size[1], k, stride)
            t = F.pad(t, (pw[0], pw[1], ph[0], ph[1]))
            size[0], size[1] = -(-size[0] // stride), -(-size[1] // stride)
        return F.conv2d(t, params[f"{name}_w"], params[f"{name}_b"], stride, 0, 1, groups)

    x = F.relu6(conv(x, "stem", 3, 2))
    for i, (k, s, e, cin, cout) in enumerate(block_specs()):
        inputs = x
        if e != 1:
            x = F.relu6(conv(x, f"b{i}_expand", 1, 1))
        x = F.relu6(conv(x, f"b{i}_dw", k, s, groups=params[f"b{i}_dw_w"].shape[0]))
        x = conv(x, f"b{i}_project", 1, 1)
        if s == 1 and cin == cout:
            x = x + inputs
    x = F.relu6(conv(x, "head", 1, 1))
    pooled = x.mean(dim=(2, 3))
    if features:
        return pooled
    return F.linear(pooled, params["fc_w"], params["fc_b"])
