"""The one shape every evidence rule uses: a linear ramp from "not at all" to "fully".

A rule says how far a reading counts with two figures, ``(low, high)``: nothing at ``low``,
everything at ``high``, linear between; ``high`` may be below ``low`` for a reading that counts
as it falls. ``ramp`` takes one value, ``ramps`` an array of them.
"""

from __future__ import annotations

import numpy as np


def ramp(value: float, low: float, high: float) -> float:
    """0 at ``low``, 1 at ``high``, linear between (either direction)."""
    if high == low:
        return float(value >= high)
    return min(1.0, max(0.0, (value - low) / (high - low)))


def ramps(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """``ramp`` of every value of an array (``low`` and ``high`` must differ)."""
    out: np.ndarray = np.clip((values - low) / (high - low), 0.0, 1.0)
    return out
