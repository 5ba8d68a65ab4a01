"""The one logging setup of ThumbDesk: console and log file, with Qt's messages routed in.

Every module logs through ``logging.getLogger(__name__)``; this module decides where those
records go. ``setup_logging`` is called once by the command line or the window; the Qt message
handler (installed by the window, never imported by core or ml) forwards Qt's own warnings to
the ``thumbdesk.qt`` logger so that they land in the same file.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path
from typing import Any

from platformdirs import user_log_dir

LOG_DIR_ENV = "THUMBDESK_LOG_DIR"
"""Environment variable overriding the log folder (tests, portable installs)."""

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

_configured = False
_handlers: list[logging.Handler] = []


def log_dir() -> Path:
    """Folder for the log file and native crash dumps (created on demand).

    The platform's own place for logs (platformdirs): ``~/.local/state/ThumbDesk/log`` on
    Linux (XDG_STATE_HOME respected), ``~/Library/Logs/ThumbDesk`` on macOS,
    ``%LOCALAPPDATA%/ThumbDesk/Logs`` on Windows; THUMBDESK_LOG_DIR overrides it.
    """
    override = os.environ.get(LOG_DIR_ENV)
    folder = Path(override) if override else Path(user_log_dir("ThumbDesk", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def setup_logging(level: int | str = logging.INFO, *, log_file: bool = True) -> Path | None:
    """Configure the ``thumbdesk`` logger; return the log file path, if one is written.

    Records go to stderr at ``level`` (unless the root logger already has a handler, as
    after ``logging.basicConfig``: then they reach it by propagation) and, when ``log_file``
    is true, to a rotating file at DEBUG level. Calling it again changes the console level
    and adds the file if it was not requested before; nothing is ever added twice.
    """
    global _configured  # noqa: PLW0603 - one process-wide setup, guarded
    logger = logging.getLogger("thumbdesk")
    if isinstance(level, str):
        level = logging.getLevelName(level.upper())
    logger.setLevel(logging.DEBUG)
    consoles = [h for h in _handlers if getattr(h, "_thumbdesk_console", False)]
    for handler in consoles:
        handler.setLevel(level)
    if not _configured and not consoles and not logging.getLogger().handlers:
        console = logging.StreamHandler()
        console.setLevel(level)
        console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        console._thumbdesk_console = True  # type: ignore[attr-defined]
        _add(logger, console)
    _configured = True
    files = [h for h in _handlers if isinstance(h, logging.FileHandler)]
    if files:
        return Path(files[0].baseFilename)
    if not log_file:
        return None
    try:
        path = log_dir() / "thumbdesk.log"
        filehandler = logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError as exc:  # a read-only home must not stop the app
        logger.warning("cannot write a log file: %s", exc)
        return None
    filehandler.setLevel(logging.DEBUG)
    filehandler.setFormatter(logging.Formatter(FORMAT))
    _add(logger, filehandler)
    return path


def _add(logger: logging.Logger, handler: logging.Handler) -> None:
    logger.addHandler(handler)
    _handlers.append(handler)


def teardown_logging() -> None:
    """Remove and close the handlers ``setup_logging`` added (tests, re-configuration)."""
    global _configured  # noqa: PLW0603
    logger = logging.getLogger("thumbdesk")
    while _handlers:
        handler = _handlers.pop()
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.NOTSET)
    _configured = False


def install_qt_message_handler() -> None:
    """Route Qt's own messages (qDebug, qWarning, ...) into the ``thumbdesk.qt`` logger.

    Imported lazily so that core and the command line never load Qt.
    """
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    qt_logger = logging.getLogger("thumbdesk.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(msg_type: Any, context: Any, message: str) -> None:
        where = f" ({context.category})" if getattr(context, "category", None) else ""
        qt_logger.log(levels.get(msg_type, logging.WARNING), "%s%s", message, where)

    qInstallMessageHandler(handler)
