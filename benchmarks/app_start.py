"""Start-up driver: launch the app as ``thumbdesk`` does and print when it is shown and ready.

The app has no start-up marker of its own, so this script (run as a fresh process by
``bench.py`` with ``QT_QPA_PLATFORM=offscreen``) wraps ``MainWindow.showEvent`` and the
window's ``scorer_ready`` signal, then calls ``thumbdesk.cli.main([])`` exactly like the
``thumbdesk`` command. It prints ``BENCH <event> <time.monotonic()>`` lines on stdout; the
parent subtracts its own monotonic launch time (the clock is system-wide on Linux). The app
quits as soon as the model is ready. Importing ``thumbdesk.ui.main_window`` before ``main``
moves an import that ``run_app`` makes anyway before showing the window.
"""

from __future__ import annotations

import sys
import time
from typing import Any

_T0 = time.monotonic()


def _mark(event: str) -> None:
    print(f"BENCH {event} {time.monotonic():.6f}", flush=True)


def main() -> int:
    _mark("interpreter")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from thumbdesk import cli
    from thumbdesk.ui import main_window

    original_show = main_window.MainWindow.showEvent
    seen: set[int] = set()

    def show_event(self: Any, event: Any) -> None:
        original_show(self, event)
        if id(self) in seen:
            return
        seen.add(id(self))
        _mark("shown")
        QTimer.singleShot(0, lambda: _mark("event_loop"))
        self.scorer_ready.connect(lambda _device: _ready())
        QTimer.singleShot(120_000, _quit)

    def _ready() -> None:
        _mark("model_ready")
        QTimer.singleShot(0, _quit)

    def _quit() -> None:
        app = QApplication.instance()
        if app is not None:
            app.quit()

    main_window.MainWindow.showEvent = show_event  # type: ignore[method-assign]
    return cli.main([])


if __name__ == "__main__":
    sys.exit(main())
