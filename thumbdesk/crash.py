"""One crash handler for the whole app: uncaught exceptions and native crashes.

``install`` hooks ``sys.excepthook`` and ``threading.excepthook`` (log the traceback, then hand
it to a reporter, which the window sets to show a dialog with copyable details) and turns on
``faulthandler`` writing native crashes to a file. Dialogs can be switched off for headless runs
(``install(dialogs=False)`` or ``THUMBDESK_NO_DIALOGS=1``). Nothing here imports Qt: the window
registers its reporter, which must be safe to call from any thread.
"""

from __future__ import annotations

import faulthandler
import logging
import os
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType
from typing import IO

logger = logging.getLogger(__name__)

NO_DIALOGS_ENV = "THUMBDESK_NO_DIALOGS"

Reporter = Callable[[str, str], None]
"""Called with (one-line summary, full details) for each uncaught exception."""

_state: dict[str, object] = {"reporter": None, "dialogs": True, "fault_file": None}


def dialogs_enabled() -> bool:
    """Whether errors may be shown as dialogs (False for headless runs)."""
    if os.environ.get(NO_DIALOGS_ENV, "").strip() not in ("", "0"):
        return False
    return bool(_state["dialogs"])


def set_reporter(reporter: Reporter | None) -> None:
    """Register the function that shows crash details to the person (thread-safe)."""
    _state["reporter"] = reporter


def format_details(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> str:
    """Full traceback plus versions, fit for a bug report."""
    from thumbdesk import __version__

    lines = traceback.format_exception(exc_type, exc, tb)
    header = f"ThumbDesk {__version__} on Python {sys.version.split()[0]} ({sys.platform})\n\n"
    return header + "".join(lines)


def report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Log an uncaught exception and pass it to the reporter when dialogs are enabled."""
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    details = format_details(exc_type, exc, tb)
    logger.critical("uncaught exception:\n%s", details)
    reporter = _state["reporter"]
    if dialogs_enabled() and callable(reporter):
        try:
            reporter(f"{exc_type.__name__}: {exc}", details)
        except Exception:  # the reporter itself must never take the app down
            logger.exception("crash reporter failed")


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_value is None:
        return
    report(args.exc_type, args.exc_value, args.exc_traceback)


def install(*, dialogs: bool = True, fault_dir: Path | None = None) -> Path | None:
    """Install the hooks; return the file native crashes are written to (or None)."""
    _state["dialogs"] = dialogs
    sys.excepthook = report
    threading.excepthook = _thread_hook
    if fault_dir is None:
        return None
    try:
        path = Path(fault_dir) / "native-crash.log"
        handle: IO[str] = path.open("a", encoding="utf-8")
        old = _state["fault_file"]
        faulthandler.enable(file=handle, all_threads=True)
        if old is not None:
            old.close()  # type: ignore[attr-defined]
        _state["fault_file"] = handle
        return path
    except OSError as exc:
        logger.warning("faulthandler disabled: %s", exc)
        return None


def uninstall() -> None:
    """Restore the default hooks (tests)."""
    sys.excepthook = sys.__excepthook__
    threading.excepthook = threading.__excepthook__
    set_reporter(None)
    _state["dialogs"] = True
    if faulthandler.is_enabled() and _state["fault_file"] is not None:
        faulthandler.disable()
        _state["fault_file"].close()  # type: ignore[attr-defined]
        _state["fault_file"] = None
