"""Which topic list the window ranks with, remembered across restarts, and its name.

The list is an audience preset (``resources/topics/<name>.csv``), or a file the creator
loaded, either one edited in the topics dialog. Edits are kept in ``topics-edited.csv`` beside
the settings file (written by ``core.topics.save_topics``), so they survive a restart; choosing
a preset starts again from that preset.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from thumbdesk.core.errors import ThumbDeskError
from thumbdesk.core.topics import AUDIENCES, load_topics, save_topics
from thumbdesk.core.types import Topic
from thumbdesk.ui.settings import Settings

logger = logging.getLogger(__name__)

PRESET_LABELS = {name: name.capitalize() for name in AUDIENCES}
"""Menu labels of the audience presets."""


def edited_path(settings: Settings) -> Path:
    """Where the creator's edited list is kept (beside the settings file)."""
    return Path(settings.file_name).with_name("topics-edited.csv")


def list_name(settings: Settings) -> str:
    """The name of the list in use: the preset's or the file's, "(edited)" after edits."""
    if settings.topics_file:
        base = Path(settings.topics_file).name
    else:
        base = f"{PRESET_LABELS.get(settings.topics_preset, settings.topics_preset)} audience"
    return f"{base} (edited)" if settings.topics_edited else base


def base_topics(settings: Settings) -> tuple[Topic, ...]:
    """The list before the creator's edits: the file on the preset, or the preset (raises)."""
    return tuple(load_topics(settings.topics_file or None, settings.topics_preset))


def load_active(
    settings: Settings, on_fallback: Callable[[str], object] | None = None
) -> tuple[Topic, ...]:
    """The list in use: the edited list, else the file, else the preset.

    An edited list or a file that cannot be used is forgotten, logged and reported to
    ``on_fallback``, and the next one down is used.
    """
    sources = (("edited topic list", "topics_edited"), ("topic file", "topics_file"))
    for what, key in sources:
        path = getattr(settings, key)
        if not path:
            continue
        try:
            return tuple(load_topics(path, settings.topics_preset))
        except ThumbDeskError as exc:
            message = f"{what.capitalize()} unusable ({exc}): using the built-in list"
            logger.warning("%s", message)
            setattr(settings, key, "")
            if on_fallback is not None:
                on_fallback(message)
    return tuple(load_topics(None, settings.topics_preset))


def choose_preset(settings: Settings, preset: str) -> tuple[Topic, ...]:
    """Start again from an audience preset (no file, no edits); return its topics."""
    topics = tuple(load_topics(None, preset))  # raises for an unknown preset
    settings.topics_preset = preset
    settings.topics_file = ""
    settings.topics_edited = ""
    return topics


def remember(settings: Settings, topics: Sequence[Topic], topics_file: str) -> str:
    """Keep the dialog's list across restarts; return a warning for the creator, or ""."""
    settings.topics_file = topics_file
    try:
        unchanged = tuple(topics) == base_topics(settings)
    except ThumbDeskError:
        unchanged = False
    if unchanged:
        settings.topics_edited = ""
        return ""
    try:
        dest = save_topics(tuple(topics), edited_path(settings))
    except ThumbDeskError as exc:
        settings.topics_edited = ""
        logger.warning("edited topics not kept: %s", exc)
        return f"These topics are used now but cannot be kept for next time: {exc}"
    settings.topics_edited = str(dest)
    return ""
