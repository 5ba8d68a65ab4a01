"""Shared fixtures: the real clips in ../shared/videos and pipeline results computed once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
VIDEOS = (REPO / ".." / "shared" / "videos").resolve()

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def clip(name: str) -> Path:
    """Path of a real test clip; skips loudly if the shared folder is missing."""
    path = VIDEOS / name
    if not path.exists():
        pytest.fail(f"test clip {path} is missing (../shared/videos must sit beside the repo)")
    return path


@pytest.fixture(scope="session")
def videos() -> Path:
    return VIDEOS


@pytest.fixture(scope="session")
def core_results():
    """Pipeline results without the model (neutral popularity), one per clip, computed lazily."""
    from thumbdesk.core.pipeline import pick

    cache: dict[str, object] = {}

    def get(name: str):
        if name not in cache:
            cache[name] = pick(clip(name))
        return cache[name]

    return get
