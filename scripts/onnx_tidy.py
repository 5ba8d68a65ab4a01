"""Tidy an ONNX graph made by tf2onnx: pads folded, stable names, float16 weights, free sizes.

Build-time helper of scripts/models_people.py (needs onnx).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

MIN_FP16_ELEMENTS = 64
"""Float initializers with fewer elements stay float32 (biases etc.: no size to gain)."""


def fold_pads(model: Any) -> int:
    """Fold zero Pad nodes that feed only Conv nodes into the convolutions' ``pads``.

    NanoDet came through onnx-tf, which pads explicitly before every convolution (TensorFlow
    has no asymmetric conv padding); ONNX Conv pads itself. Returns how many were folded.
    """
    from onnx import helper, numpy_helper

    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    consumers: dict[str, list[Any]] = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)
    outputs = {o.name for o in graph.output}
    folded = []
    for node in graph.node:
        if node.op_type != "Pad" or node.output[0] in outputs or node.input[1] not in inits:
            continue
        mode = next((a.s for a in node.attribute if a.name == "mode"), b"constant")
        value = node.input[2] if len(node.input) > 2 else ""
        if mode != b"constant" or (value and float(numpy_helper.to_array(inits[value])) != 0.0):
            continue
        pads = numpy_helper.to_array(inits[node.input[1]]).tolist()
        users = consumers.get(node.output[0], [])
        if len(pads) != 8 or pads[:2] != [0, 0] or pads[4:6] != [0, 0] or not users:
            continue
        if any(u.op_type != "Conv" for u in users):
            continue
        for conv in users:
            attrs = {a.name: a for a in conv.attribute}
            auto = attrs.get("auto_pad")
            if auto is not None and auto.s not in (b"NOTSET", b""):
                break
        else:
            for conv in users:
                old = next((list(a.ints) for a in conv.attribute if a.name == "pads"), [0] * 4)
                new = [old[0] + pads[2], old[1] + pads[3], old[2] + pads[6], old[3] + pads[7]]
                keep = [a for a in conv.attribute if a.name not in ("pads", "auto_pad")]
                del conv.attribute[:]
                conv.attribute.extend([*keep, helper.make_attribute("pads", new)])
                conv.input[0] = node.input[0]
            folded.append(node)
    for node in folded:
        graph.node.remove(node)
    return len(folded)


def canonical_names(model: Any) -> None:
    """Rename tf2onnx's numbered helpers (``const_fold_opt__88``) by order of use.

    The initializers are sorted too. The small models then convert to the same bytes each
    time; tf2onnx's optimiser may still order parallel branches differently run to run.
    """
    graph = model.graph
    pattern = re.compile(r"__\d+")
    names: dict[str, str] = {}

    def canon(name: str) -> str:
        if not pattern.search(name):
            return name
        if name not in names:
            names[name] = f"t{len(names)}"
        return names[name]

    for node in graph.node:
        node.input[:] = [canon(n) for n in node.input]
        node.output[:] = [canon(n) for n in node.output]
        node.name = canon(node.name) if node.name else node.name
    for init in graph.initializer:
        init.name = canon(init.name)
    inits = sorted(graph.initializer, key=lambda i: i.name)
    copies = [type(i)() for i in inits]
    for copy, init in zip(copies, inits, strict=True):
        copy.CopyFrom(init)
    del graph.initializer[:]
    graph.initializer.extend(copies)
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        value.name = canon(value.name)
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param:
                dim.dim_param = (
                    "batch" if dim is value.type.tensor_type.shape.dim[0] else canon(dim.dim_param)
                )


def float16_weights(model: Any) -> Any:
    """Store big float32 initializers as float16, each followed by a Cast back to float32."""
    import onnx
    from onnx import helper, numpy_helper

    casts = []
    for init in model.graph.initializer:
        if init.data_type != onnx.TensorProto.FLOAT:
            continue
        arr = numpy_helper.to_array(init)
        if arr.size < MIN_FP16_ELEMENTS:
            continue
        name = init.name
        init.CopyFrom(numpy_helper.from_array(arr.astype(np.float16), f"{name}__f16"))
        casts.append(
            helper.make_node(
                "Cast", [f"{name}__f16"], [name], to=onnx.TensorProto.FLOAT, name=f"{name}__cast"
            )
        )
    nodes = casts + list(model.graph.node)
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    return model


def free_input_size(model: Any, height_dim: int, width_dim: int) -> None:
    """Let a fully convolutional graph take any input size.

    Its input's height and width dims are named instead of fixed, and the output and
    intermediate shapes that tf2onnx recorded for the conversion's size are dropped (ONNX
    Runtime infers them again).
    """
    dims = model.graph.input[0].type.tensor_type.shape.dim
    for index, name in ((height_dim, "height"), (width_dim, "width")):
        dims[index].ClearField("dim_value")
        dims[index].dim_param = name
    for output in model.graph.output:
        for i, dim in enumerate(output.type.tensor_type.shape.dim):
            if i > 0 and dim.HasField("dim_value"):
                dim.ClearField("dim_value")
                dim.dim_param = f"{output.name}_{i}"
    del model.graph.value_info[:]
