"""The window stays responsive while a real pipeline runs in its worker.

A QTimer ticks every 10 ms on the GUI thread while the window analyses a real clip with the
real scorer; the longest gap between two ticks is the longest event-loop stall a creator
would feel. Target: 100 ms. The assertion allows for a busy CI machine (2 shared cores); the
measured figure is printed (``pytest -s``) for the record.
"""

from __future__ import annotations

import itertools
import time

import pytest
from PySide6.QtCore import QTimer

from tests.conftest import clip
from thumbdesk.ui.main_window import MainWindow

pytestmark = [
    pytest.mark.gui,
    pytest.mark.slow,
]

TARGET_MS = 100
ALLOWED_MS = 400
"""What the test enforces on a loaded shared machine; the target is what we report against."""


def test_event_loop_stall_while_analysing(qtbot, window: MainWindow) -> None:
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    events: list[tuple[float, str]] = []
    runner = window.runner
    runner.progress.connect(lambda stage, *_: events.append((time.perf_counter(), stage)))
    runner.partial.connect(lambda c: events.append((time.perf_counter(), f"partial {len(c)}")))
    runner.done.connect(lambda _r: events.append((time.perf_counter(), "done")))
    qtbot.wait(200)  # settle: the window's own start-up is not what is measured
    ticks.clear()
    with qtbot.waitSignal(window.result_ready, timeout=120_000):
        window.open_video(str(clip("moviepy_big_buck_bunny_0_30.webm")))
    timer.stop()
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    worst_ms = max(gaps) * 1000
    p99_ms = sorted(gaps)[int(0.99 * (len(gaps) - 1))] * 1000
    print(
        f"\nevent loop while analysing a 30 s clip: {len(ticks)} ticks, longest stall "
        f"{worst_ms:.0f} ms, 99th percentile {p99_ms:.0f} ms (target {TARGET_MS} ms)"
    )
    for gap, end in sorted(((b - a, b) for a, b in itertools.pairwise(ticks)), reverse=True)[:5]:
        near = [name for at, name in events if end - gap - 0.005 <= at <= end + 0.005]
        print(f"  stall {gap * 1000:.0f} ms at {end - ticks[0]:.2f}s; events then: {near}")
    assert len(ticks) > 20
    assert worst_ms < ALLOWED_MS
