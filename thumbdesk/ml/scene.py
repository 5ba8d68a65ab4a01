"""What place or occasion a frame shows (a beach, snow, a city, a wedding ...): no ImageNet class.

ImageNet names things, not places: a sunset, a snowy slope, a forest path or a city street
behind the people in view has no class of its own, and its mass is spread over dozens (a
lakeshore, a volcano, a ski, a streetcar). A linear probe (``ml.probe``) with one head per
scene reads the classifier's ImageNet probabilities again, which it computes for every frame
anyway; the heads do not exclude one another (a beach at sunset is both). One head says whether
food is on show (a plated meal, a table of dishes, street food held up): ImageNet spreads a
meal over dozens of dishes and plates, and a restaurant table rarely reads as any one of them.
The weights (``models/scene_probe.npz``) come from ``scripts/models_scene.py``, one logistic
regression per scene on images from public repositories that ../shared and the evaluation
sets do not draw from, labelled by hand, many with people in the scene. Each head's threshold
is set there for precision out of fold. The evidence map's ``scene`` source reads the result.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from thumbdesk.ml import assets
from thumbdesk.ml.probe import LinearProbe, load_probe

SCENES = (
    "sunset", "beach", "sea", "snow", "mountain", "forest", "city", "lake",
    "wedding", "concert", "fire", "food",
)  # fmt: skip
"""The probe's heads, in weight-row order (the ``scene`` keys of the evidence map)."""


@dataclass(frozen=True, eq=False)
class SceneProbe(LinearProbe):
    """The scene probe: one head per scene of SCENES."""

    def scenes(self, probs: np.ndarray) -> np.ndarray:
        """(n, len(SCENES)) P of each scene given (n, 1000) ImageNet probabilities."""
        return self.probabilities(probs)


@cache
def scene_probe() -> SceneProbe:
    """Load ``models/scene_probe.npz`` (verified against the manifest)."""
    return load_probe(assets.SCENE, SCENES, SceneProbe)
