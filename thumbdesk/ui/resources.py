"""Bundled files (icon, sample clip) found through importlib.resources.

Source trees, wheels and frozen builds all expose them as the package
``thumbdesk.resources``, so the same lookup works everywhere.
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QIcon

logger = logging.getLogger(__name__)


def resource_path(*parts: str) -> Path | None:
    """Return a bundled file as a real path, or None when it is not part of this build."""
    try:
        node = resources.files("thumbdesk.resources").joinpath(*parts)
    except ModuleNotFoundError:
        return None
    path = Path(str(node))
    return path if path.is_file() else None


@cache
def app_icon() -> QIcon:
    """Return the ThumbDesk icon (SVG, sharp at any scale)."""
    path = resource_path("icons", "thumbdesk.svg")
    if path is None:
        logger.warning("app icon missing")
        return QIcon()
    return QIcon(str(path))


def sample_clip() -> Path | None:
    """Return the bundled sample video (Big Buck Bunny, 5 s), if this build has it."""
    return resource_path("sample", "bigbuckbunny.mp4")
