"""Topics editor and re-ranking, error dialog, crash handler, logging, settings, workers."""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import qInstallMessageHandler
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from thumbdesk import crash, logsetup
from thumbdesk.core.types import PipelineResult, Topic
from thumbdesk.ui import workers
from thumbdesk.ui.error_dialog import ErrorDialog, show_error
from thumbdesk.ui.settings import Settings
from thumbdesk.ui.topics_dialog import TopicsDialog

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s


def test_topic_edit_reranks_without_decoding_again(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    before: PipelineResult = window.result
    dialog = window.creator.edit_topics()
    assert isinstance(dialog, TopicsDialog)
    assert dialog.table.rowCount() > 0
    dialog.set_topics([Topic("dog", 5.0), Topic("food", 0.5)])
    dialog.add_row("sunset", 2.0)
    dialog.add_row("", 1.0)  # empty rows are ignored
    assert [t.word for t in dialog.topics()] == ["dog", "food", "sunset"]
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        ok.click()
    after: PipelineResult = blocker.args[0]
    assert [t.word for t in after.topics] == ["dog", "food", "sunset"]
    # the same decoded frames, re-scored: nothing was decoded again
    assert {id(c.frame) for c in after.candidates} == {id(c.frame) for c in before.candidates}
    assert window.workspace.model.candidates() == list(after.candidates)


def test_topics_file_is_loaded_and_remembered(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    path = tmp_path / "mine.txt"
    path.write_text("cat,3\nbeach,1\n", encoding="utf-8")
    dialog = window.creator.edit_topics()
    assert dialog is not None and dialog.load_file(str(path))
    assert [t.word for t in dialog.topics()] == ["cat", "beach"]
    dialog.add_row("dog", 2.0)
    saved = tmp_path / "saved.csv"
    assert dialog.save_file(str(saved))
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        dialog.accept()
    assert window.settings.topics_file == str(saved)
    from thumbdesk.core.topics import load_topics

    assert [t.word for t in load_topics(saved)] == ["cat", "beach", "dog"]


def test_unusable_remembered_topics_file_is_shown_in_the_status_bar(window, tmp_path: Path) -> None:
    bad = tmp_path / "topics.csv"
    bad.write_text("Ice cream!,3\n", encoding="utf-8")  # what the old f-string save wrote
    window.settings.topics_file = str(bad)
    from thumbdesk.core.topics import default_topics

    assert window.creator.topic_list() == default_topics()
    message = window.statusBar().currentMessage()
    assert "using the built-in list" in message and "Ice cream!" in message


def test_error_dialog_details_are_copyable(qtbot) -> None:
    dialog = show_error(None, "Cannot open", "The file is damaged.", "Traceback: boom")
    assert isinstance(dialog, ErrorDialog)
    qtbot.addWidget(dialog)
    assert dialog.isVisible() and not dialog.details.isVisible()
    dialog.toggle_button.click()
    assert dialog.details.isVisible()
    dialog.copy_button.click()
    text = QApplication.clipboard().text()
    assert "The file is damaged." in text and "Traceback: boom" in text
    dialog.close()


def test_error_dialogs_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(crash.NO_DIALOGS_ENV, "1")
    assert show_error(None, "x", "y") is None


def test_crash_handler_reports_main_and_thread_exceptions(tmp_path: Path) -> None:
    reports: list[tuple[str, str]] = []
    fault = crash.install(dialogs=True, fault_dir=tmp_path)
    try:
        assert fault is not None and fault.exists()
        crash.set_reporter(lambda summary, details: reports.append((summary, details)))
        try:
            raise ValueError("main thread bug")
        except ValueError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]

        def boom() -> None:
            raise RuntimeError("worker thread bug")

        thread = threading.Thread(target=boom)
        thread.start()
        thread.join()
    finally:
        crash.uninstall()
    assert [r[0] for r in reports] == [
        "ValueError: main thread bug",
        "RuntimeError: worker thread bug",
    ]
    assert "Traceback" in reports[0][1] and "ThumbDesk" in reports[0][1]
    assert sys.excepthook is sys.__excepthook__


def test_crash_handler_headless_logs_only(caplog: pytest.LogCaptureFixture) -> None:
    reports: list[str] = []
    crash.install(dialogs=False)
    crash.set_reporter(lambda summary, details: reports.append(summary))
    try:
        with caplog.at_level(logging.CRITICAL, logger="thumbdesk.crash"):
            crash.report(KeyError, KeyError("k"), None)
    finally:
        crash.uninstall()
    assert reports == []
    assert "uncaught exception" in caplog.text


def test_logging_setup_writes_a_file_and_routes_qt_messages(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from PySide6.QtCore import qDebug

    logfile = logsetup.setup_logging("WARNING")
    try:
        assert logfile == tmp_path / "logs" / "thumbdesk.log"
        logsetup.install_qt_message_handler()
        try:
            with caplog.at_level(logging.DEBUG, logger="thumbdesk.qt"):
                qDebug("hello from Qt")
        finally:
            qInstallMessageHandler(None)
        logging.getLogger("thumbdesk.test").info("into the file")
    finally:
        logsetup.teardown_logging()
    assert any(r.name == "thumbdesk.qt" and "hello from Qt" in r.message for r in caplog.records)
    text = logfile.read_text(encoding="utf-8")
    assert "hello from Qt" in text and "into the file" in text


def test_settings_are_fresh_and_redirected(fresh_settings: Settings, tmp_path: Path) -> None:
    assert fresh_settings.file_name.startswith(str(tmp_path))
    assert fresh_settings.recent_files() == []
    assert fresh_settings.export_preset == "youtube" and fresh_settings.theme == "system"
    default = Settings()  # the environment variable redirects the default store too
    assert default.file_name == fresh_settings.file_name
    fresh_settings.add_recent_file(str(SHORT_CLIP))
    fresh_settings.add_recent_file(str(tmp_path / "gone.mp4"))  # missing files are dropped
    assert Settings(fresh_settings.file_name).recent_files() == [str(SHORT_CLIP.resolve())]


def test_run_task_routes_errors_and_results(qtbot) -> None:
    results: list[int] = []
    errors: list[str] = []
    finished: list[bool] = []

    def fail() -> None:
        raise OSError("disk on fire")

    workers.run_task(lambda: 41 + 1, on_result=results.append)
    workers.run_task(
        fail,
        on_error=lambda message, details: errors.append(message),
        on_finished=lambda: finished.append(True),
    )
    qtbot.waitUntil(lambda: bool(results and finished), timeout=10_000)
    assert results == [42]
    assert errors and "disk on fire" in errors[0] and "Unexpected error" in errors[0]


def test_topics_dialog_names_the_words_no_model_shows(qtbot) -> None:
    """Words the evidence map marks "none" match (no warning) but are never tagged: said."""
    dialog = TopicsDialog([Topic("dog", 2.0), Topic("fireplace", 1.0)])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.never_note.isVisible()
    dialog.add_row("Kisses", 1.0)
    assert dialog.never_note.isVisible() and not dialog.warning.isVisible()
    assert "“Kisses”" in dialog.never_note.text() and "dog" not in dialog.never_note.text()
    dialog.table.selectRow(dialog.table.rowCount() - 1)
    dialog.remove_selected()
    assert not dialog.never_note.isVisible()


def test_topics_dialog_warns_about_words_it_cannot_match(qtbot) -> None:
    dialog = TopicsDialog([Topic("dog", 2.0), Topic("fireplace", 1.0)])
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.warning.isVisible()  # fireplace is outside the vocabulary but matches
    dialog.add_row("qzxvbnm", 1.0)
    assert dialog.warning.isVisible()
    assert "qzxvbnm" in dialog.warning.text() and "fireplace" not in dialog.warning.text()
    item = dialog.table.item(0, 0)
    assert item is not None
    item.setText("42")  # as if typed into the table
    assert "“42” has no letters" in dialog.warning.text()
    dialog.table.selectRow(0)
    dialog.remove_selected()
    dialog.table.selectRow(dialog.table.rowCount() - 1)
    dialog.remove_selected()
    assert [t.word for t in dialog.topics()] == ["fireplace"]
    assert not dialog.warning.isVisible()
