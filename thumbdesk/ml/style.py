"""Whether a frame is drawn or rendered (cartoon, anime, animation) rather than filmed.

A linear probe on the classifier's ImageNet probabilities, which the classifier computes for
every frame anyway: their logarithms floored at ``floor`` (the log-softmax of the logits, so
float16 probabilities give the same feature), standardised, weighted and squashed to
P(cartoon).
The weights (``models/style_probe.npz``) come from ``scripts/models_style.py``, a logistic
regression on 746 images of 83 sources (drawn, anime and rendered films; camera footage and
photos), none of them what ../shared holds. The evidence map's ``style`` source reads the
result (``cartoon``). Its threshold is set for precision: no real image of the training
sources reached it out of fold, nor any frame of ../shared. It catches 2D cartoons and anime;
3D-rendered films (Big Buck Bunny, Sintel) mostly stay under it, since the classifier's classes
do not tell a render from a photo.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from functools import cache

import numpy as np

from thumbdesk.core.errors import ModelError
from thumbdesk.ml import assets

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class StyleProbe:
    """The probe's parameters (see the module docstring for the feature)."""

    mean: np.ndarray
    """(1000,) feature means of the training frames."""
    std: np.ndarray
    """(1000,) feature standard deviations of the training frames."""
    weight: np.ndarray
    """(1000,) weights on the standardised features."""
    bias: float
    floor: float
    """Log-probability below which classes count alike (their noise is not evidence)."""
    threshold: float
    """P(cartoon) from which a frame is called drawn or rendered: chosen in training above
    every real image's out-of-fold P (``scripts/models_style.py``)."""

    def cartoon(self, probs: np.ndarray) -> np.ndarray:
        """(n,) P(drawn or rendered) of frames given their (n, 1000) ImageNet probabilities."""
        logp = np.log(np.maximum(probs.astype(np.float32), 1e-30))
        x = np.maximum(logp, self.floor)
        z = ((x - self.mean) / self.std) @ self.weight + self.bias
        p: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
        return p

    def certainty(self, p_cartoon: float, shown_from: float) -> float:
        """The evidence a frame's P(cartoon) gives, on the scorer's certainty scale.

        It reaches ``shown_from`` (where a tag is shown) exactly at ``threshold`` and 1 at
        P = 1; below the threshold it falls fast, so a real frame's 0.9 adds next to nothing.
        """
        if p_cartoon >= self.threshold:
            top = (p_cartoon - self.threshold) / max(1.0 - self.threshold, 1e-6)
            return shown_from + (1.0 - shown_from) * min(1.0, top)
        low = self.threshold - 0.1
        return shown_from * max(0.0, (p_cartoon - low) / (self.threshold - low)) ** 2


@cache
def style_probe() -> StyleProbe:
    """Load ``models/style_probe.npz`` (verified against the manifest)."""
    try:
        with np.load(io.BytesIO(assets.model_bytes(assets.STYLE)), allow_pickle=False) as npz:
            probe = StyleProbe(
                npz["mean"].astype(np.float32),
                npz["std"].astype(np.float32),
                npz["weight"].astype(np.float32),
                float(np.asarray(npz["bias"]).reshape(-1)[0]),
                float(np.asarray(npz["floor"]).reshape(-1)[0]),
                float(np.asarray(npz["threshold"]).reshape(-1)[0]),
            )
    except (KeyError, ValueError, OSError) as exc:
        raise ModelError(f"Model file models/{assets.STYLE} is corrupt: {exc}") from None
    shapes = {probe.mean.shape, probe.std.shape, probe.weight.shape}
    if shapes != {(1000,)}:
        raise ModelError(f"Model file models/{assets.STYLE} is corrupt: shapes {shapes}")
    return probe
