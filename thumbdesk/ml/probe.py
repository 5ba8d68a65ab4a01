"""Linear probes on numbers a model computes anyway: what else they say of a frame or a face.

The classifier computes a frame's ImageNet probabilities anyway; a probe reads them again for
something ImageNet has no class for (a drawn frame, an activity such as dancing). Its feature is
the probabilities' logarithms floored at ``floor`` (the log-softmax of the logits, so float16
probabilities give the same feature), standardised, and weighted by one logistic regression
per head (``names``), squashed to a probability. Each head has its own threshold, set in
training for precision: a head is called from there. A probe may read a network's features as
they are instead (``logarithm`` off: the face model's 256 features, for a face's age group).

The weights are built by ``scripts/models_style.py`` (the style probe),
``scripts/models_activity.py`` (the activity probe), ``scripts/models_scene.py`` (the scene
probe) and ``scripts/models_age.py`` (the age groups) from public images that ../shared does
not hold; a probe file is an ``.npz`` of ``mean``, ``std``, ``weight`` (heads x width, or width
for one head), ``bias``, ``threshold`` (one per head) and ``floor``, and ``log`` 0 where the
feature is not a logarithm. A probe whose heads exclude one another (an activity) is a
softmax: ``softmax`` is set, and ``weight`` and ``bias`` have one row more than the heads, for
everything else.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets

CLASSES = 1000
"""ImageNet classes: the width of a probe's feature."""


def softmax(logits: np.ndarray) -> np.ndarray:
    """(n, classes) probabilities of (n, classes) logits: the classifier's, or a probe's rows."""
    z = np.exp(logits - logits.max(axis=1, keepdims=True))
    out: np.ndarray = z / z.sum(axis=1, keepdims=True)
    return out


@dataclass(frozen=True, eq=False)
class LinearProbe:
    """A probe's parameters (see the module docstring for the feature)."""

    names: tuple[str, ...]
    """What each head says of a frame, in weight-row order."""
    mean: np.ndarray
    """(width,) feature means of the training frames."""
    std: np.ndarray
    """(width,) feature standard deviations of the training frames."""
    weight: np.ndarray
    """(heads, width) weights on the standardised features."""
    bias: np.ndarray
    """(heads,)"""
    floor: float
    """Log-probability below which classes count alike (their noise is not evidence)."""
    thresholds: np.ndarray
    """(heads,) P from which each head is called: chosen in training for precision."""
    softmax: bool = False
    """The heads exclude one another: P is the softmax over the rows (the last: none of them),
    not one logistic function per head."""
    logarithm: bool = True
    """The feature is the inputs' logarithm floored at ``floor`` (probabilities); off: the
    inputs as they are."""

    def probabilities(self, probs: np.ndarray) -> np.ndarray:
        """(n, heads) P of each head given (n, width) inputs (ImageNet probabilities)."""
        x = np.atleast_2d(probs).astype(np.float32)
        if self.logarithm:
            x = np.maximum(np.log(np.maximum(x, 1e-30)), self.floor)
        z = ((x - self.mean) / self.std) @ self.weight.T + self.bias
        if self.softmax:
            soft: np.ndarray = softmax(z)[:, : len(self.names)]
            return soft
        p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return p

    def certainty(self, p: float, head: int, shown_from: float) -> float:
        """The evidence a head's P gives, on the scorer's certainty scale.

        It reaches ``shown_from`` (where a tag is shown) exactly at the head's threshold and 1
        at P = 1; below the threshold it falls fast, so a P just under it adds next to nothing.
        """
        threshold = float(self.thresholds[head])
        if p >= threshold:
            top = (p - threshold) / max(1.0 - threshold, 1e-6)
            return shown_from + (1.0 - shown_from) * min(1.0, top)
        low = threshold - 0.1
        return shown_from * max(0.0, (p - low) / (threshold - low)) ** 2


P = TypeVar("P", bound=LinearProbe)


def load_probe(asset: str, names: tuple[str, ...], kind: type[P], width: int = CLASSES) -> P:
    """Load a probe file from ``models/`` (verified against the manifest) as a ``kind``.

    ``width``: how many inputs it reads (the ImageNet classes, or a network's features).
    """
    try:
        with np.load(io.BytesIO(assets.model_bytes(asset)), allow_pickle=False) as npz:
            probe = kind(
                names,
                npz["mean"].astype(np.float32),
                npz["std"].astype(np.float32),
                np.atleast_2d(npz["weight"].astype(np.float32)),
                np.asarray(npz["bias"], np.float32).reshape(-1),
                float(np.asarray(npz["floor"]).reshape(-1)[0]),
                np.asarray(npz["threshold"], np.float32).reshape(-1),
                bool(npz["softmax"].reshape(-1)[0]) if "softmax" in npz.files else False,
                bool(npz["log"].reshape(-1)[0]) if "log" in npz.files else True,
            )
            stored = tuple(str(n) for n in npz["names"]) if "names" in npz.files else names
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"Model file models/{asset} is corrupt: {exc}") from None
    heads = len(names)
    rows = heads + 1 if probe.softmax else heads
    if stored != names:
        raise ModelError(f"Model file models/{asset} has heads {stored}, expected {names}")
    shapes = (probe.mean.shape, probe.std.shape, probe.weight.shape, probe.bias.shape)
    if shapes != ((width,), (width,), (rows, width), (rows,)) or len(probe.thresholds) != heads:
        raise ModelError(f"Model file models/{asset} is corrupt: shapes {shapes}")
    return probe
