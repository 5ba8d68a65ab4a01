"""Shot boundaries among the sampled frames: hard cuts and gradual ones (fades, dissolves).

Works on the near-duplicate distances of consecutive samples (``dedup.distances``, whose
colour part is brightness-normalised, so a fade of one picture is not a change of picture).
A run of consecutive samples that each change by at least ``CHANGING_STEP`` is a transition
(a cut is a run of one step); it starts a new shot when the frames on either side of it differ
by at least ``NEW_SHOT``. A fade through black is such a run: the dark frames in it change a
lot from step to step. Slow changes (a pan, someone walking) never make a run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CHANGING_STEP = 0.15
"""Distance between consecutive samples (about 1/4 s apart) at which the picture is changing."""
NEW_SHOT = 0.3
"""Distance between the frames before and after a transition at which it is a new shot."""


def shot_ids(distance: np.ndarray, blank: Sequence[bool] | None = None) -> list[int]:
    """Shot number (0, 1, ...) of every sample, from the samples' pairwise distances.

    ``blank`` marks samples with no picture (black, broken): a transition is judged between
    the last picture before it and the first after it, so a fade from black at the start is
    no shot of its own and a fade through black compares the shots on either side.
    """
    n = distance.shape[0]
    blank = list(blank) if blank is not None else [False] * n
    if n == 0:
        return []
    ids = [0] * n
    shot = 0
    i = 1
    while i < n:
        if distance[i - 1, i] < CHANGING_STEP:
            ids[i] = shot
            i += 1
            continue
        before = i - 1
        while before >= 0 and blank[before]:
            before -= 1
        end = i  # the last frame reached by a changing step
        while end + 1 < n and distance[end, end + 1] >= CHANGING_STEP:
            end += 1
        if before >= 0 and not blank[end] and distance[before, end] >= NEW_SHOT:
            shot += 1
        for j in range(i, end + 1):
            ids[j] = shot
        i = end + 1
    return ids


def boundaries(ids: list[int], times_s: list[float]) -> list[float]:
    """Times (s) of the first sample of every shot after the first."""
    return [t for k, (t, s) in enumerate(zip(times_s, ids, strict=True)) if k and s != ids[k - 1]]


__all__ = ["CHANGING_STEP", "NEW_SHOT", "boundaries", "shot_ids"]
