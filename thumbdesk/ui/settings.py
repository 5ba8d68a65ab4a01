"""Persistent user settings (QSettings), in one place and redirectable for tests.

Everything the window remembers between runs lives here: last folder, recent files, export
preset and format, window geometry, topics file and colour scheme. Tests point the store at a
temporary file (``Settings(path)`` or the ``THUMBDESK_SETTINGS`` environment variable), so no
test ever reads or writes the real user's settings.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import overload

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from thumbdesk.core.topics import AUDIENCES

logger = logging.getLogger(__name__)

SETTINGS_ENV = "THUMBDESK_SETTINGS"
"""Environment variable naming an INI file to use instead of the user's settings."""

MAX_RECENT = 8


def default_video_folder() -> str:
    """Where the Open dialog starts before any video was opened: Videos, else home."""
    movies = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MoviesLocation)
    return movies if movies and Path(movies).is_dir() else str(Path.home())


class StrSetting:
    """A text setting stored under ``key``: declare it once on Settings, read and assign it.

    ``choices`` limits the values read back (anything else reads as ``default``); a callable
    default is computed on each read (e.g. the home folder).
    """

    def __init__(
        self,
        key: str,
        default: str | Callable[[], str] = "",
        choices: tuple[str, ...] | None = None,
    ) -> None:
        self.key = key
        self.default = default
        self.choices = choices

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type) -> StrSetting: ...
    @overload
    def __get__(self, obj: Settings, owner: type) -> str: ...
    def __get__(self, obj: Settings | None, owner: type) -> str | StrSetting:
        if obj is None:
            return self
        default = self.default() if callable(self.default) else str(self.default)
        value = obj.qsettings.value(self.key, default)
        text = str(value) if value is not None else default
        return text if self.choices is None or text in self.choices else default

    def __set__(self, obj: Settings, value: str) -> None:
        obj.qsettings.setValue(self.key, value)


class Settings:
    """Typed accessors over a QSettings store."""

    last_folder = StrSetting("paths/last_folder", default_video_folder)
    """Folder of the last real video opened (start of the Open dialog)."""
    export_folder = StrSetting("paths/export_folder")
    """Folder of the last export ("" when never exported)."""
    topics_file = StrSetting("topics/file")
    """Topic list file chosen by the creator ("" for the audience preset)."""
    topics_preset = StrSetting("topics/preset", "general", AUDIENCES)
    """Audience preset the topic list starts from."""
    topics_edited = StrSetting("topics/edited")
    """The creator's edited topic list, kept as a file ("" when the list is not edited)."""
    export_preset = StrSetting("export/preset", "youtube")
    """Name of the last export preset used for a landscape or square frame."""
    export_preset_vertical = StrSetting("export/preset_vertical", "reels")
    """Name of the last export preset used for a vertical frame (Reels at first)."""
    export_format = StrSetting("export/format", "jpg")
    """File extension of the last export (jpg, png, webp)."""
    theme = StrSetting("window/theme", "system", ("system", "light", "dark"))
    """Colour scheme: "system", "light" or "dark"."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None and os.environ.get(SETTINGS_ENV):
            path = os.environ[SETTINGS_ENV]
        if path is not None:
            self.qsettings = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self.qsettings = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ThumbDesk", "ThumbDesk"
            )
        logger.debug("settings file: %s", self.qsettings.fileName())

    @property
    def file_name(self) -> str:
        """Where the settings are stored."""
        return self.qsettings.fileName()

    def sync(self) -> None:
        """Write pending changes to disk."""
        self.qsettings.sync()

    # --- recent files ------------------------------------------------------------------
    def recent_files(self) -> list[str]:
        """Recently opened videos, newest first, only those that still exist."""
        raw = self.qsettings.value("paths/recent", [])
        if isinstance(raw, str):
            items: list[object] = [raw]
        elif isinstance(raw, (list, tuple)):
            items = list(raw)
        else:
            items = []
        return [str(p) for p in items if p and Path(str(p)).is_file()][:MAX_RECENT]

    def add_recent_file(self, path: str) -> None:
        """Put a video at the top of the recent list and remember its folder."""
        path = str(Path(path).resolve())
        items = [p for p in self.recent_files() if p != path]
        self.qsettings.setValue("paths/recent", [path, *items][:MAX_RECENT])
        self.last_folder = str(Path(path).parent)

    def clear_recent_files(self) -> None:
        """Forget the recent list."""
        self.qsettings.setValue("paths/recent", [])

    # --- window ------------------------------------------------------------------------
    @property
    def geometry(self) -> QByteArray | None:
        """Saved main window geometry, or None."""
        value = self.qsettings.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.qsettings.setValue("window/geometry", value)
