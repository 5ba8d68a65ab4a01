"""Fixtures for the window tests: offscreen Qt, fresh settings, real clips, no leaked threads.

Every test gets its own settings file under tmp_path (napari's ``_fresh_settings`` habit), and
fails if it leaves a QThreadPool / superqt worker running (napari's ``_dangling_qthread_pool``).
Qt warnings fail tests through ``qt_log_level_fail = WARNING`` in pyproject.toml.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QThreadPool, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from thumbdesk.core.model_api import FrameScorer
from thumbdesk.ui import workers
from thumbdesk.ui.main_window import MainWindow
from thumbdesk.ui.settings import SETTINGS_ENV, Settings

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s


# The offscreen platform plugin warns when a dialog asks it to propagate size hints; that is
# the test platform talking, not the app, so only this message is let through.
OFFSCREEN_NOISE = r"This plugin does not support propagateSizeHints\(\)"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True)
def fresh_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """A new, empty settings file for each test; nothing touches the user's settings."""
    path = tmp_path / "settings" / "thumbdesk.ini"
    monkeypatch.setenv(SETTINGS_ENV, str(path))
    monkeypatch.setenv("THUMBDESK_LOG_DIR", str(tmp_path / "logs"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    for scope in (QSettings.Scope.UserScope, QSettings.Scope.SystemScope):
        QSettings.setPath(QSettings.Format.IniFormat, scope, str(tmp_path / "qsettings"))
    return Settings(path)


@pytest.fixture(autouse=True)
def _dangling_workers(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a worker running (after a short grace to finish cleanly)."""
    yield
    pool = QThreadPool.globalInstance()
    finished = pool.waitForDone(3000)
    QApplication.processEvents()
    if not finished or pool.activeThreadCount():
        workers.shutdown(10_000)
        pytest.fail(f"test left {pool.activeThreadCount()} worker thread(s) running")


@pytest.fixture(scope="session")
def scorer() -> FrameScorer:
    """The real scorer, loaded once for the session (CPU)."""
    from thumbdesk.ml import load_scorer

    loaded: FrameScorer = load_scorer("cpu")
    return loaded


@pytest.fixture
def window(qtbot, fresh_settings: Settings, scorer: FrameScorer) -> Iterator[MainWindow]:
    """The main window with the real scorer, shown offscreen."""
    win = MainWindow(fresh_settings, load_model=False, scorer=scorer)
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def _drop_file(target: QWidget, path: Path) -> None:
    """Drag a file onto a widget and drop it, with real Qt drag-and-drop events."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    centre = target.rect().center()
    enter = QDragEnterEvent(
        centre,
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted(), "the window refused the drag"
    drop = QDropEvent(
        QPointF(QPoint(centre)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(target, drop)
    assert drop.isAccepted(), "the window refused the drop"


def _answer_next_message_box(button: QMessageBox.StandardButton) -> list[str]:
    """Click ``button`` on the next modal message box; returns the texts it showed."""
    seen: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            seen.append(box.text())
            box.button(button).click()
        else:
            QTimer.singleShot(20, click)

    QTimer.singleShot(20, click)
    return seen


@pytest.fixture
def analysed(qtbot, window: MainWindow) -> Callable[[Path], MainWindow]:
    """Drop a clip on the window and wait for its ranked result."""

    def run(path: Path = SHORT_CLIP) -> MainWindow:
        with qtbot.waitSignal(window.result_ready, timeout=60_000):
            _drop_file(window, path)
        return window

    return run


@pytest.fixture
def drop() -> Callable[[QWidget, Path], None]:
    """Drop a file on a widget with real QDragEnterEvent / QDropEvent events."""
    return _drop_file


@pytest.fixture
def answer_message_box() -> Callable[[QMessageBox.StandardButton], list[str]]:
    """Click a button on the next modal message box (returns the texts it showed)."""
    return _answer_next_message_box
