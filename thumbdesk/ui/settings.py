"""Persistent user settings (QSettings), in one place and redirectable for tests.

Everything the window remembers between runs lives here: last folder, recent files, export
preset and format, window geometry, topics file and colour scheme. Tests point the store at a
temporary file (``Settings(path)`` or the ``THUMBDESK_SETTINGS`` environment variable), so no
test ever reads or writes the real user's settings.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

logger = logging.getLogger(__name__)

SETTINGS_ENV = "THUMBDESK_SETTINGS"
"""Environment variable naming an INI file to use instead of the user's settings."""

MAX_RECENT = 8


class Settings:
    """Typed accessors over a QSettings store."""

    def __init__(self, path: str | Path | None = None) -> None:
        if path is None and os.environ.get(SETTINGS_ENV):
            path = os.environ[SETTINGS_ENV]
        if path is not None:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(
                QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ThumbDesk", "ThumbDesk"
            )
        logger.debug("settings file: %s", self._qs.fileName())

    @property
    def file_name(self) -> str:
        """Where the settings are stored."""
        return self._qs.fileName()

    def _str(self, key: str, default: str = "") -> str:
        value = self._qs.value(key, default)
        return str(value) if value is not None else default

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    # --- folders and files -------------------------------------------------------------
    @property
    def last_folder(self) -> str:
        """Folder of the last video opened (start of the Open dialog)."""
        return self._str("paths/last_folder", str(Path.home()))

    @last_folder.setter
    def last_folder(self, value: str) -> None:
        self._qs.setValue("paths/last_folder", value)

    @property
    def export_folder(self) -> str:
        """Folder of the last export ("" when never exported)."""
        return self._str("paths/export_folder")

    @export_folder.setter
    def export_folder(self, value: str) -> None:
        self._qs.setValue("paths/export_folder", value)

    def recent_files(self) -> list[str]:
        """Recently opened videos, newest first, only those that still exist."""
        raw = self._qs.value("paths/recent", [])
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
        self._qs.setValue("paths/recent", [path, *items][:MAX_RECENT])
        self.last_folder = str(Path(path).parent)

    def clear_recent_files(self) -> None:
        """Forget the recent list."""
        self._qs.setValue("paths/recent", [])

    @property
    def topics_file(self) -> str:
        """Topic list file chosen by the creator ("" for the built-in list)."""
        return self._str("topics/file")

    @topics_file.setter
    def topics_file(self, value: str) -> None:
        self._qs.setValue("topics/file", value)

    # --- export ------------------------------------------------------------------------
    @property
    def export_preset(self) -> str:
        """Name of the last export preset used."""
        return self._str("export/preset", "youtube")

    @export_preset.setter
    def export_preset(self, value: str) -> None:
        self._qs.setValue("export/preset", value)

    @property
    def export_format(self) -> str:
        """File extension of the last export (jpg, png, webp)."""
        return self._str("export/format", "jpg")

    @export_format.setter
    def export_format(self, value: str) -> None:
        self._qs.setValue("export/format", value)

    # --- window ------------------------------------------------------------------------
    @property
    def geometry(self) -> QByteArray | None:
        """Saved main window geometry, or None."""
        value = self._qs.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self._qs.setValue("window/geometry", value)

    @property
    def theme(self) -> str:
        """Colour scheme: "system", "light" or "dark"."""
        value = self._str("window/theme", "system")
        return value if value in ("system", "light", "dark") else "system"

    @theme.setter
    def theme(self, value: str) -> None:
        self._qs.setValue("window/theme", value)
