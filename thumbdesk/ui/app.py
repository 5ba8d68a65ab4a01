"""Start the desktop app: logging, crash handler, QApplication, theme, window, model load.

``run_app`` is what ``thumbdesk`` and ``thumbdesk VIDEO`` call. The window is shown before
anything heavy is imported; the scorer (the models) then loads in a worker, and a video given on
the command line starts as soon as it is ready.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from thumbdesk import crash, logsetup
from thumbdesk.ui.platform_check import check_window_platform

if TYPE_CHECKING:
    from thumbdesk.ui.main_window import MainWindow

logger = logging.getLogger(__name__)

SMOKE_ENV = "THUMBDESK_SMOKE_EXIT"
"""Smoke test of a build (packaging/check.sh): SECONDS; quit once the first result is shown."""


class _CrashBridge(QObject):
    """Carries crash reports from any thread to a dialog on the GUI thread."""

    crashed = Signal(str, str)


def create_application(argv: list[str] | None = None) -> QApplication:
    """Create the QApplication, configured for HiDPI, with name and icon (reused if it exists)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ThumbDesk")
    app.setOrganizationName("ThumbDesk")
    app.setApplicationDisplayName("ThumbDesk")
    app.setDesktopFileName("thumbdesk")
    from thumbdesk.ui.resources import app_icon

    app.setWindowIcon(app_icon())
    return app


def run_app(video: str | None = None) -> int:
    """Open the window (on ``video`` if given) and run the event loop; return the exit code."""
    check_window_platform()  # Qt aborts the process if its platform plugin cannot start
    logsetup.setup_logging(os.environ.get("THUMBDESK_LOG_LEVEL", "INFO"))
    logsetup.install_qt_message_handler()
    headless = os.environ.get("QT_QPA_PLATFORM", "") in ("offscreen", "minimal")
    fault_file = crash.install(dialogs=not headless, fault_dir=logsetup.log_dir())
    logger.info("native crashes go to %s", fault_file)

    app = create_application()
    from thumbdesk.ui import workers
    from thumbdesk.ui.error_dialog import show_error
    from thumbdesk.ui.main_window import MainWindow
    from thumbdesk.ui.settings import Settings
    from thumbdesk.ui.theme import apply_theme

    settings = Settings()
    apply_theme(app, settings.theme)
    window = MainWindow(settings)

    bridge = _CrashBridge()
    bridge.crashed.connect(
        lambda summary, details: show_error(window, "ThumbDesk hit a bug", summary, details),
        Qt.ConnectionType.QueuedConnection,
    )
    crash.set_reporter(bridge.crashed.emit)
    app.aboutToQuit.connect(lambda: workers.shutdown(10_000))

    window.show()
    if os.environ.get(SMOKE_ENV):
        _arm_smoke_exit(app, window, float(os.environ[SMOKE_ENV]))
    # Heavy work starts only once the window is on screen.
    if video:
        QTimer.singleShot(0, lambda: window.open_video(video))
    else:
        QTimer.singleShot(200, window.start_loading_model)
    code = app.exec()
    crash.set_reporter(None)
    return int(code)


def _arm_smoke_exit(app: QApplication, window: MainWindow, seconds: float) -> None:
    """Print "smoke: OK" and quit with 0 once a result is shown; quit with 1 after ``seconds``."""

    def done(result: object) -> None:
        count = len(getattr(result, "candidates", ()))
        print(f"smoke: OK, {count} candidates; {window.device_label.text()}", flush=True)
        QTimer.singleShot(500, lambda: app.exit(0 if count else 1))

    def timed_out() -> None:
        print(f"smoke: FAILED, no result after {seconds:.0f} s", flush=True)
        app.exit(1)

    window.result_ready.connect(done)
    QTimer.singleShot(round(seconds * 1000), timed_out)
