"""Whether a frame is drawn or rendered (cartoon, anime, animation) rather than filmed.

A one-head linear probe (``ml.probe``) on the classifier's ImageNet probabilities, which the
classifier computes for every frame anyway.
The weights (``models/style_probe.npz``) come from ``scripts/models_style.py``, a logistic
regression on 746 images of 83 sources (drawn, anime and rendered films; camera footage and
photos), none of them what ../shared holds. The evidence map's ``style`` source reads the
result (``cartoon``). Its threshold is set for precision: no real image of the training
sources reached it out of fold, nor any frame of ../shared. It catches 2D cartoons and anime;
3D-rendered films (Big Buck Bunny, Sintel) mostly stay under it, since the classifier's classes
do not tell a render from a photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.probe import LinearProbe, load_probe


@dataclass(frozen=True, eq=False)
class StyleProbe(LinearProbe):
    """The style probe: one head, ``cartoon``."""

    @property
    def threshold(self) -> float:
        """P(cartoon) from which a frame is called drawn or rendered.

        Chosen in training above every real image's out-of-fold P (``scripts/models_style.py``).
        """
        return float(self.thresholds[0])

    def cartoon(self, probs: np.ndarray) -> np.ndarray:
        """(n,) P(drawn or rendered) of frames given their (n, 1000) ImageNet probabilities."""
        return self.probabilities(probs)[:, 0]


@cache
def style_probe() -> StyleProbe:
    """Load ``models/style_probe.npz`` (verified against the manifest)."""
    return load_probe(assets.STYLE, ("cartoon",), StyleProbe)
