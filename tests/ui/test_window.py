"""The main window end to end: real drops, real pipeline, cancel, stale runs, overrides."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtWidgets import QApplication

from thumbdesk.core.decode import read_frame
from thumbdesk.core.types import PipelineResult
from thumbdesk.ui import main_window as main_window_module
from thumbdesk.ui import workers
from thumbdesk.ui.main_window import MainWindow
from thumbdesk.ui.settings import Settings

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s
SHORTEST_CLIP = VIDEOS / "moviepy_fire2_dog.mp4"  # 2.4 s
LONG_CLIP = VIDEOS / "moviepy_big_buck_bunny_0_30.webm"  # 30 s: long enough to cancel


def test_window_appears_before_heavy_imports() -> None:
    code = (
        "import os, sys; os.environ['QT_QPA_PLATFORM'] = 'offscreen';"
        "from thumbdesk.ui.app import create_application;"
        "from thumbdesk.ui.main_window import MainWindow;"
        "app = create_application(); w = MainWindow(load_model=False); w.show();"
        "app.processEvents();"
        "heavy = [m for m in ('torch', 'cv2', 'thumbdesk.ml') if m in sys.modules];"
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_start_screen_then_drop_gives_ranked_candidates(qtbot, window: MainWindow, drop) -> None:
    assert window.stack.currentWidget() is window.start_screen
    assert window.windowTitle() == "ThumbDesk"
    assert not window.export_action.isEnabled()
    with qtbot.waitSignal(window.result_ready, timeout=60_000) as blocker:
        drop(window, SHORT_CLIP)
    result: PipelineResult = blocker.args[0]
    model = window.workspace.model
    assert model.rowCount() == len(result.candidates) > 0
    scores = [model.candidate(r).score for r in range(model.rowCount())]
    assert scores == sorted(scores, reverse=True)
    # the top pick is preselected and shown large, with its breakdown
    assert window.workspace.grid.currentIndex().row() == 0
    choice = window.workspace.choice
    assert choice is not None and choice.candidate is model.candidate(0)
    assert window.workspace.preview.view.image() is not None
    bars = window.workspace.preview.bars.values()
    b = result.candidates[0].breakdown
    assert bars == (b.quality, b.representativeness, b.popularity, b.face)
    assert window.stack.currentWidget() is window.workspace
    assert "bigbuckbunny.mp4" in window.windowTitle() and "ThumbDesk" in window.windowTitle()
    assert window.export_action.isEnabled()
    assert not window.workspace.banner.isVisible()
    assert window.settings.recent_files() == [str(SHORT_CLIP.resolve())]
    assert "Scoring on" in window.device_label.text()
    # rejected frames behind a toggle, with their reasons
    rejected = window.workspace.rejected_list
    assert not rejected.isVisible()
    window.workspace.rejected_action.trigger()
    assert rejected.isVisible()
    assert rejected.count() == len(result.rejected)
    if result.rejected:
        assert any(
            word in rejected.item(0).text() for word in ("dark", "blurry", "flat", "repeats")
        )


def test_progress_then_partial_candidates_then_result(qtbot, window: MainWindow) -> None:
    runner = window.runner
    stages: list[str] = []
    runner.progress.connect(lambda stage, fraction, message: stages.append(stage))
    with qtbot.waitSignals(
        [runner.progress, runner.partial, runner.done], order="simple", timeout=60_000
    ):
        window.open_video(str(SHORTEST_CLIP))
    assert "probe" in stages and "done" in stages
    assert window.workspace.banner.stage.text()  # the stage name was shown


def test_cancel_mid_run_leaves_no_running_worker(qtbot, window: MainWindow) -> None:
    results: list[object] = []
    window.result_ready.connect(results.append)
    with qtbot.waitSignal(window.runner.progress, timeout=30_000):
        window.open_video(str(LONG_CLIP))
    assert window.workspace.banner.isVisible()
    with qtbot.waitSignal(window.runner.cancelled):
        qtbot.mouseClick(window.workspace.banner.cancel_button, Qt.MouseButton.LeftButton)
    assert not window.runner.busy
    assert window.workspace.banner.cancelled  # says so, and offers to analyse again
    qtbot.waitUntil(lambda: workers.active_workers() == 0, timeout=30_000)
    assert QThreadPool.globalInstance().waitForDone(5_000)
    QApplication.processEvents()
    assert results == []


def test_second_drop_discards_the_first_runs_results(qtbot, window: MainWindow, drop) -> None:
    results: list[PipelineResult] = []
    window.result_ready.connect(results.append)
    with qtbot.waitSignal(window.runner.progress, timeout=30_000):
        drop(window, LONG_CLIP)
    first_generation = window.runner.generation
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        drop(window, SHORTEST_CLIP)
    assert window.runner.generation > first_generation
    # let the first run's worker reach its cancel point and finish
    qtbot.waitUntil(lambda: workers.active_workers() == 0, timeout=30_000)
    QApplication.processEvents()
    assert [Path(r.video.path).name for r in results] == [SHORTEST_CLIP.name]
    shown = {c.frame.index for c in window.workspace.model.candidates()}
    assert shown == {c.frame.index for c in results[0].candidates}
    assert "moviepy_fire2_dog.mp4" in window.windowTitle()


def test_override_by_clicking_another_candidate(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    grid, model = window.workspace.grid, window.workspace.model
    assert model.rowCount() >= 2
    rect = grid.visualRect(model.index(1, 0))
    with qtbot.waitSignal(window.workspace.choice_changed):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    choice = window.workspace.choice
    assert choice is not None and choice.candidate is model.candidate(1)
    assert window.workspace.preview.caption.text().startswith("Pick #2")
    assert window.workspace.scrubber.slider.value() == choice.frame_index


def test_override_by_scrubbed_frame_is_frame_accurate(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    scrubber = window.workspace.scrubber
    qtbot.waitUntil(scrubber.isEnabled, timeout=10_000)
    start = scrubber.slider.value()
    target = start - 3 if start >= 3 else start + 3
    scrubber.slider.setFocus()
    key = Qt.Key.Key_Left if target < start else Qt.Key.Key_Right
    for _ in range(3):  # arrow keys step exactly one frame
        qtbot.keyClick(scrubber.slider, key)
    assert scrubber.slider.value() == target
    qtbot.waitUntil(
        lambda: (f := scrubber.current_frame()) is not None and f[0] == target, timeout=10_000
    )
    with qtbot.waitSignal(window.workspace.choice_changed):
        qtbot.mouseClick(scrubber.use_button, Qt.MouseButton.LeftButton)
    choice = window.workspace.choice
    assert choice is not None and choice.candidate is None and choice.frame_index == target
    assert choice.full_res is not None
    times = window.result.frame_times_s if window.result else ()
    expected = read_frame(SHORT_CLIP, target, times or None)
    assert np.array_equal(choice.full_res, expected)
    assert window.workspace.grid.selectionModel().selectedIndexes() == []
    assert window.export_action.isEnabled()


def test_sample_clip_button(qtbot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    from thumbdesk.ui.resources import sample_clip

    if sample_clip() is None:  # the bundled copy is added by the lead; same clip from shared/
        monkeypatch.setattr(main_window_module, "sample_clip", lambda: SHORT_CLIP)
    with qtbot.waitSignal(window.result_ready, timeout=60_000):
        qtbot.mouseClick(window.start_screen.sample_button, Qt.MouseButton.LeftButton)
    assert window.workspace.model.rowCount() > 0


def test_model_loads_in_a_worker_and_shows_device(qtbot, fresh_settings: Settings) -> None:
    win = MainWindow(fresh_settings, load_model=True)
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.scorer_ready, timeout=60_000) as blocker:
        win.start_loading_model("cpu")
    assert blocker.args[0] and blocker.args[0] in win.device_label.text()
    win.close()


def test_settings_persist_geometry_recent_and_preset(
    qtbot, analysed, fresh_settings: Settings
) -> None:
    window = analysed(SHORTEST_CLIP)
    window.resize(1000, 720)
    window.close()
    again = Settings(fresh_settings.file_name)
    assert again.geometry is not None
    assert again.recent_files() == [str(SHORTEST_CLIP.resolve())]
    assert again.last_folder == str(SHORTEST_CLIP.resolve().parent)
    second = MainWindow(again, load_model=False)
    qtbot.addWidget(second)
    # the offscreen screen is only 800x600, so the width is clamped to the window's minimum
    assert second.size().height() == 720
    assert second.recent_menu.actions()[0].text() == SHORTEST_CLIP.name


def test_corrupt_file_shows_error_dialog_with_copyable_details(
    qtbot, window: MainWindow, drop, tmp_path: Path
) -> None:
    from thumbdesk.ui.error_dialog import ErrorDialog

    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00\x00\x00\x18ftypmp42" + b"garbage" * 500)
    with qtbot.waitSignal(window.runner.failed, timeout=30_000) as blocker:
        drop(window, bad)
    message = blocker.args[0]
    assert "broken.mp4" in message or "video" in message.lower()
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog)]
    assert dialogs and dialogs[-1].isVisible()
    dialogs[-1].copy_details()
    assert message in QApplication.clipboard().text()
    dialogs[-1].close()


def test_run_app_opens_the_window_on_a_video_and_quits_cleanly(tmp_path: Path) -> None:
    code = f"""
import os, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from thumbdesk.ui.app import create_application, run_app
app = create_application()
def check():
    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    title = windows[0].windowTitle() if windows else ""
    print("TITLE", title)
    result = getattr(windows[0], "result", None) if windows else None
    if result is not None:
        print("CANDIDATES", len(result.candidates))
        QApplication.quit()
    else:
        QTimer.singleShot(200, check)
QTimer.singleShot(300, check)
QTimer.singleShot(60000, QApplication.quit)
sys.exit(run_app({str(SHORTEST_CLIP)!r}))
"""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "THUMBDESK_SETTINGS": str(tmp_path / "s.ini"),
        "THUMBDESK_LOG_DIR": str(tmp_path / "logs"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "TITLE moviepy_fire2_dog.mp4 — ThumbDesk" in done.stdout
    assert "CANDIDATES" in done.stdout
    assert (tmp_path / "logs" / "thumbdesk.log").is_file()
    assert (tmp_path / "logs" / "native-crash.log").is_file()
