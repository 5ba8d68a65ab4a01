"""Run a bundled ONNX graph in torch (for CUDA), without the onnx package or onnx2torch.

The people-evidence models (face attributes, expression, the object detector) and the text
detector are small convolutional graphs; this reads their nodes and initializers straight
from the protobuf (reusing the reader in ``thumbdesk.ml.lite0``) and executes them node by node
with ``torch.nn.functional``. Only the operators those graphs use are implemented, each with
ONNX semantics (asymmetric pads become an explicit ``F.pad``; ``Resize`` supports the
half-pixel linear mode NanoDet uses and the asymmetric-floor nearest mode of the text
detector, and refuses others rather than compute them wrongly, the onnx2torch pitfall noted in
../shared/MODELS.md; Constant nodes are folded at load). An unsupported graph raises
ModelError at load, so a caller can fall back to ONNX Runtime. torch is imported only here.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml.lite0 import _fields, _packed_varints, tensor_proto


@dataclass
class Node:
    """One ONNX node: operator, input / output tensor names, attributes."""

    op: str
    inputs: list[str]
    outputs: list[str]
    attrs: dict[str, Any] = field(default_factory=dict)


def _attribute(msg: Any) -> tuple[str, Any]:
    name, value = "", None
    ints: list[int] = []
    floats: list[float] = []
    for num, wire, v in _fields(bytes(msg)):
        if num == 1:
            name = bytes(v).decode()
        elif num == 2:
            value = struct.unpack("<f", v)[0]
        elif num == 3:
            value = v if v < 1 << 63 else v - (1 << 64)
        elif num == 4:
            value = bytes(v)
        elif num == 5:
            value = tensor_proto(v)[2]
        elif num == 7:
            data = bytes(v) if wire == 2 else v
            floats.extend(struct.unpack(f"<{len(data) // 4}f", data))
        elif num == 8:
            _packed_varints(v, wire, ints)
    if value is None:
        value = ints if ints else floats
    return name, value


def read_graph(data: bytes) -> tuple[list[Node], dict[str, np.ndarray], list[str], list[str]]:
    """(nodes, initializers, graph input names, graph output names) of an ONNX model."""
    nodes: list[Node] = []
    inits: dict[str, np.ndarray] = {}
    inputs: list[str] = []
    outputs: list[str] = []
    for num, wire, graph in _fields(data):
        if num != 7 or wire != 2:
            continue
        for gnum, _, msg in _fields(bytes(graph)):
            if gnum == 1:
                node = Node("", [], [])
                for nnum, _, v in _fields(bytes(msg)):
                    if nnum == 1:
                        node.inputs.append(bytes(v).decode())
                    elif nnum == 2:
                        node.outputs.append(bytes(v).decode())
                    elif nnum == 4:
                        node.op = bytes(v).decode()
                    elif nnum == 5:
                        key, value = _attribute(v)
                        node.attrs[key] = value
                nodes.append(node)
            elif gnum == 5:
                name, _, array = tensor_proto(msg)
                inits[name] = array
            elif gnum in (11, 12):
                name = next((bytes(v).decode() for n, _, v in _fields(bytes(msg)) if n == 1), "")
                (inputs if gnum == 11 else outputs).append(name)
    return nodes, inits, [i for i in inputs if i not in inits], outputs


def _pads4(x: Any, pads: list[int]) -> tuple[Any, tuple[int, int]]:
    """Apply ONNX 2-D pads [top, left, bottom, right]; returns (x, symmetric torch padding)."""
    import torch.nn.functional as F  # noqa: N812

    top, left, bottom, right = pads
    if top == bottom and left == right:
        return x, (top, left)
    return F.pad(x, (left, right, top, bottom)), (0, 0)


def _ops() -> dict[str, Callable[..., Any]]:
    import torch
    import torch.nn.functional as F  # noqa: N812

    def conv(n: Node, x: Any, w: Any, b: Any = None) -> Any:
        x, pad = _pads4(x, n.attrs.get("pads", [0, 0, 0, 0]))
        return F.conv2d(
            x, w, b, tuple(n.attrs.get("strides", [1, 1])), pad,
            tuple(n.attrs.get("dilations", [1, 1])), n.attrs.get("group", 1),
        )  # fmt: skip

    def maxpool(n: Node, x: Any) -> Any:
        x, pad = _pads4(x, n.attrs.get("pads", [0, 0, 0, 0]))
        k = tuple(n.attrs["kernel_shape"])
        return F.max_pool2d(x, k, tuple(n.attrs.get("strides", k)), pad)

    def pad(n: Node, x: Any, pads: Any, value: Any = None) -> Any:
        p = [int(v) for v in pads.tolist()]
        half = len(p) // 2
        torch_pads: list[int] = []
        for axis in reversed(range(half)):
            torch_pads += [p[axis], p[axis + half]]
        fill = 0.0 if value is None else float(value)
        return F.pad(x, tuple(torch_pads), value=fill)

    def resize(n: Node, x: Any, roi: Any, scales: Any = None, sizes: Any = None) -> Any:
        mode = n.attrs.get("mode", b"nearest")
        coord = n.attrs.get("coordinate_transformation_mode", b"half_pixel")
        nearest = n.attrs.get("nearest_mode", b"round_prefer_floor")
        if mode == b"linear" and coord in (b"half_pixel", b"pytorch_half_pixel"):
            torch_mode = "bilinear"
        elif mode == b"nearest" and coord == b"asymmetric" and nearest == b"floor":
            torch_mode = "nearest"  # torch's nearest is ONNX's asymmetric + floor
        else:
            raise ModelError(f"Resize mode {mode!r} / {coord!r} is not supported in torch")
        if sizes is not None and sizes.numel():
            size = tuple(int(v) for v in sizes.tolist()[2:])
        else:
            size = tuple(int(x.shape[i + 2] * float(s)) for i, s in enumerate(scales.tolist()[2:]))
        if torch_mode == "nearest":
            return F.interpolate(x, size=size, mode="nearest")
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)

    def conv_transpose(n: Node, x: Any, w: Any, b: Any = None) -> Any:
        top, left, bottom, right = n.attrs.get("pads", [0, 0, 0, 0])
        if (top, left) != (bottom, right) or n.attrs.get("output_shape"):
            raise ModelError("ConvTranspose with asymmetric pads is not supported in torch")
        return F.conv_transpose2d(
            x, w, b, tuple(n.attrs.get("strides", [1, 1])), (top, left),
            tuple(n.attrs.get("output_padding", [0, 0])), n.attrs.get("group", 1),
            tuple(n.attrs.get("dilations", [1, 1])),
        )  # fmt: skip

    def batch_norm(n: Node, x: Any, scale: Any, bias: Any, mean: Any, var: Any) -> Any:
        return F.batch_norm(x, mean, var, scale, bias, False, 0.0, n.attrs.get("epsilon", 1e-5))

    def clip(n: Node, x: Any, low: Any = None, high: Any = None) -> Any:
        low = n.attrs.get("min") if low is None else float(low)
        high = n.attrs.get("max") if high is None else float(high)
        return torch.clamp(x, low, high)

    def reshape(n: Node, x: Any, shape: Any) -> Any:
        dims = [int(v) for v in shape.tolist()]
        dims = [x.shape[i] if d == 0 else d for i, d in enumerate(dims)]
        return x.reshape(dims)

    def split(n: Node, x: Any, sizes: Any = None) -> Any:
        axis = n.attrs.get("axis", 0)
        if sizes is None:
            return torch.chunk(x, len(n.outputs), dim=axis)
        return torch.split(x, [int(v) for v in sizes.tolist()], dim=axis)

    def squeeze(n: Node, x: Any, axes: Any = None) -> Any:
        if axes is None:
            return x.squeeze()
        for axis in sorted((int(a) % x.dim() for a in axes.tolist()), reverse=True):
            x = x.squeeze(axis)
        return x

    dtypes = {1: torch.float32, 6: torch.int32, 7: torch.int64, 10: torch.float16}
    return {
        "Cast": lambda n, x: x.to(dtypes[n.attrs["to"]]),
        "Conv": conv,
        "MaxPool": maxpool,
        "Pad": pad,
        "Resize": resize,
        "ConvTranspose": conv_transpose,
        "BatchNormalization": batch_norm,
        "Clip": clip,
        "HardSigmoid": lambda n, x: torch.clamp(
            n.attrs.get("alpha", 0.2) * x + n.attrs.get("beta", 0.5), 0.0, 1.0
        ),
        "Constant": lambda n: torch.from_numpy(np.array(n.attrs["value"])),
        "Reshape": reshape,
        "Split": split,
        "Squeeze": squeeze,
        "Add": lambda n, a, b: a + b,
        "Sub": lambda n, a, b: a - b,
        "Mul": lambda n, a, b: a * b,
        "Div": lambda n, a, b: a / b,
        "Min": lambda n, a, b: torch.minimum(a, b),
        "Max": lambda n, a, b: torch.maximum(a, b),
        "MatMul": lambda n, a, b: a @ b,
        "Relu": lambda n, x: F.relu(x),
        "LeakyRelu": lambda n, x: F.leaky_relu(x, n.attrs.get("alpha", 0.01)),
        "Sigmoid": lambda n, x: torch.sigmoid(x),
        "Softmax": lambda n, x: torch.softmax(x, dim=n.attrs.get("axis", -1)),
        "GlobalAveragePool": lambda n, x: x.mean(dim=(2, 3), keepdim=True),
        "Transpose": lambda n, x: x.permute(*n.attrs["perm"]),
        "Concat": lambda n, *xs: torch.cat(xs, dim=n.attrs["axis"]),
        "Identity": lambda n, x: x,
    }


class TorchGraph:
    """An ONNX model held as torch tensors on a device, run node by node in inference mode."""

    def __init__(self, data: bytes, file_name: str, device: str) -> None:
        try:
            import torch
        except ImportError:
            raise ModelError(f"This ThumbDesk build has no torch: cannot run on {device}") from None
        try:
            self._nodes, inits, self.inputs, self.outputs = read_graph(data)
        except (ValueError, IndexError, struct.error) as exc:
            raise ModelError(f"Model file models/{file_name} is corrupt: {exc}") from None
        self._ops = _ops()
        missing = sorted({n.op for n in self._nodes} - set(self._ops))
        if missing:
            raise ModelError(f"Model file models/{file_name} uses {missing}: not run in torch")
        self._torch = torch
        self.device = torch.device(device)
        self._consts = {k: torch.from_numpy(v).to(self.device) for k, v in inits.items()}
        self._consts.update(self._fold_casts())

    def _fold_casts(self) -> dict[str, Any]:
        """Run the Constant nodes, and the Cast nodes of float16-stored weights, once at load."""
        folded: dict[str, Any] = {}
        for node in self._nodes:
            if node.op == "Constant":
                folded[node.outputs[0]] = self._ops["Constant"](node).to(self.device)
            elif node.op == "Cast" and node.inputs[0] in self._consts:
                folded[node.outputs[0]] = self._ops["Cast"](node, self._consts[node.inputs[0]])
        self._nodes = [n for n in self._nodes if n.outputs[0] not in folded]
        return folded

    def run(self, feed: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Outputs (name -> array) for inputs given as numpy arrays."""
        torch = self._torch
        with torch.inference_mode():
            values: dict[str, Any] = dict(self._consts)
            for name, array in feed.items():
                values[name] = torch.from_numpy(np.ascontiguousarray(array)).to(self.device)
            for node in self._nodes:
                args = [values[i] if i else None for i in node.inputs]
                out = self._ops[node.op](node, *args)
                if isinstance(out, (tuple, list)):
                    values.update(zip(node.outputs, out, strict=True))
                else:
                    values[node.outputs[0]] = out
            return {k: values[k].float().cpu().numpy() for k in self.outputs}
