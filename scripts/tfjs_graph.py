"""Read a TF.js graph model (model JSON + weight shards) into a frozen TensorFlow GraphDef.

Build-time helper of scripts/models_people.py (needs TensorFlow). Weights are read from the
manifest in order, float16 and uint8 / uint16 quantised ones dequantised to float32; the
TF.js-only fused ops (``_FusedConv2D``, ``FusedDepthwiseConv2dNative``, ``_FusedMatMul``) are
split into standard TensorFlow ops so that converters know them.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import numpy as np

_NP_DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
_QUANT_DTYPES = {"float16": np.float16, "uint8": np.uint8, "uint16": np.uint16}


def read_weights(spec: dict[str, Any], folder: Path) -> dict[str, np.ndarray]:
    """Every weight in a TF.js weight manifest, dequantised."""
    weights: dict[str, np.ndarray] = {}
    for group in spec["weightsManifest"]:
        buf = b"".join((folder / p).read_bytes() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            count = int(np.prod(w["shape"], dtype=np.int64))
            quant = w.get("quantization")
            if quant:
                qtype = np.dtype(_QUANT_DTYPES[quant["dtype"]])
                raw = np.frombuffer(buf, qtype, count, offset)
                offset += count * qtype.itemsize
                if quant["dtype"] == "float16":
                    arr = raw.astype(np.float32)
                else:
                    arr = raw.astype(np.float32) * quant["scale"] + quant["min"]
                arr = arr.astype(_NP_DTYPES[w["dtype"]])
            else:
                dtype = np.dtype(_NP_DTYPES[w["dtype"]])
                arr = np.frombuffer(buf, dtype, count, offset).copy()
                offset += count * dtype.itemsize
            weights[w["name"]] = arr.reshape(w["shape"])
        if offset != len(buf):
            raise SystemExit(f"weight manifest does not cover its shards ({offset} != {len(buf)})")
    return weights


def _split_fused(node: dict[str, Any]) -> list[dict[str, Any]]:
    """A TF.js fused node as standard TensorFlow nodes; the last keeps the node's name."""
    op = node["op"]
    attr = node.get("attr", {})
    fused = [
        base64.b64decode(s).decode() for s in attr.get("fused_ops", {}).get("list", {}).get("s", [])
    ]
    base_op = {
        "_FusedConv2D": "Conv2D",
        "FusedDepthwiseConv2dNative": "DepthwiseConv2dNative",
        "_FusedMatMul": "MatMul",
    }[op]
    conv = ("T", "strides", "padding", "dilations", "data_format", "explicit_paddings")
    keep = {
        "Conv2D": (*conv, "use_cudnn_on_gpu"),
        "DepthwiseConv2dNative": conv,
        "MatMul": ("T", "transpose_a", "transpose_b"),
    }[base_op]
    name, inputs = node["name"], node["input"]
    if not fused or fused[0] != "BiasAdd" or len(fused) > 2:
        raise SystemExit(f"{name}: fused ops {fused} not handled")
    core = {
        "name": f"{name}/core",
        "op": base_op,
        "input": inputs[:2],
        "attr": {k: v for k, v in attr.items() if k in keep},
    }
    if base_op == "DepthwiseConv2dNative" and not core["attr"].get("explicit_paddings", {}).get(
        "list"
    ):
        core["attr"].pop("explicit_paddings", None)
    last_bias = len(fused) == 1
    bias_attr = {"T": attr["T"]}
    if base_op != "MatMul" and "data_format" in attr:
        bias_attr["data_format"] = attr["data_format"]
    bias = {
        "name": name if last_bias else f"{name}/bias",
        "op": "BiasAdd",
        "input": [core["name"], inputs[2]],
        "attr": bias_attr,
    }
    out = [core, bias]
    if not last_bias:
        act = fused[1]
        if act not in ("Relu", "Relu6", "Elu", "Sigmoid", "Tanh", "LeakyRelu"):
            raise SystemExit(f"{name}: activation {act} not handled")
        act_attr: dict[str, Any] = {"T": attr["T"]}
        if act == "LeakyRelu":
            act_attr["alpha"] = {"f": attr.get("leakyrelu_alpha", {}).get("f", 0.2)}
        out.append({"name": name, "op": act, "input": [bias["name"]], "attr": act_attr})
    return out


def tfjs_graph_def(folder: Path, source: str) -> Any:
    """The TF.js graph model ``source`` as a frozen TensorFlow GraphDef."""
    import tensorflow as tf
    from google.protobuf import json_format

    spec = json.loads((folder / f"{source}.json").read_text())
    weights = read_weights(spec, folder)
    topology = spec["modelTopology"]
    nodes: list[dict[str, Any]] = []
    for original in topology["node"]:
        node = dict(original)
        node.pop("device", None)
        if node["op"] in ("_FusedConv2D", "FusedDepthwiseConv2dNative", "_FusedMatMul"):
            nodes.extend(_split_fused(node))
        else:
            nodes.append(node)
    graph_def = tf.compat.v1.GraphDef()
    json_format.ParseDict(
        {"node": nodes, "versions": topology.get("versions", {})},
        graph_def,
        ignore_unknown_fields=True,
    )
    for node in graph_def.node:
        if node.op != "Const":
            continue
        if node.name not in weights:
            raise SystemExit(f"{source}: constant {node.name} has no weight")
        dtype = tf.dtypes.as_dtype(node.attr["dtype"].type)
        value = weights[node.name]
        if dtype.as_numpy_dtype != value.dtype:  # TF.js keeps int64 as int32
            value = value.astype(dtype.as_numpy_dtype)
        node.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(value, dtype=dtype))
    return graph_def
