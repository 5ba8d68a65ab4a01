"""Topics in the window: audience presets, edits kept across restarts, the list's name.

A real window offscreen, a real clip, the real scorer; restarts are new windows on the same
settings file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from thumbdesk.core.model_api import FrameScorer
from thumbdesk.core.topics import preset_topics
from thumbdesk.core.types import PipelineResult, Topic
from thumbdesk.ui.main_window import MainWindow
from thumbdesk.ui.settings import Settings

pytestmark = pytest.mark.gui

VIDEOS = Path(__file__).resolve().parents[2] / ".." / "shared" / "videos"
SHORT_CLIP = VIDEOS / "bigbuckbunny.mp4"  # 5.3 s


def _restart(qtbot, settings: Settings, scorer: FrameScorer) -> MainWindow:
    again = MainWindow(Settings(settings.file_name), load_model=False, scorer=scorer)
    qtbot.addWidget(again)
    return again


def test_audience_preset_menu_reranks_and_is_remembered(
    qtbot, analysed, scorer: FrameScorer
) -> None:
    window = analysed(SHORT_CLIP)
    menu = window.topics_menu
    assert menu.name_label.text() == "Topics: General audience"
    assert menu.presets["general"].isChecked()
    assert set(menu.presets) == {"general", "food", "fitness", "pets", "family", "travel"}
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        menu.presets["food"].trigger()
    result: PipelineResult = blocker.args[0]
    assert [t.word for t in result.topics] == [t.word for t in preset_topics("food")]
    assert menu.name_label.text() == "Topics: Food audience"
    assert menu.presets["food"].isChecked() and not menu.presets["general"].isChecked()
    window.close()
    again = _restart(qtbot, window.settings, scorer)
    assert again.creator.topic_list() == preset_topics("food")
    assert again.topics_menu.name_label.text() == "Topics: Food audience"
    assert again.topics_menu.presets["food"].isChecked()


def test_topic_edits_are_kept_across_restarts_and_named(
    qtbot, analysed, scorer: FrameScorer
) -> None:
    window = analysed(SHORT_CLIP)
    dialog = window.creator.edit_topics()
    assert dialog is not None
    assert dialog.windowTitle() == "Topics: General audience"
    edited = (Topic("dog", 5.0), Topic("sunset", 2.0), Topic("ice cream", 1.5))
    dialog.set_topics(edited)
    ok = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        ok.click()
    assert [t.word for t in blocker.args[0].topics] == ["dog", "sunset", "ice cream"]
    assert window.topics_menu.name_label.text() == "Topics: General audience (edited)"
    assert not any(a.isChecked() for a in window.topics_menu.presets.values())
    window.close()

    again = _restart(qtbot, window.settings, scorer)
    assert again.creator.topic_list() == edited
    assert again.topics_menu.name_label.text() == "Topics: General audience (edited)"
    # an audience preset starts again from that preset: the edits are dropped
    again.creator.use_preset("general")
    assert again.creator.topic_list() == preset_topics("general")
    assert again.settings.topics_edited == ""
    third = _restart(qtbot, again.settings, scorer)
    assert third.creator.topic_list() == preset_topics("general")


def test_edits_that_cannot_be_kept_are_used_and_said(qtbot, analysed) -> None:
    window = analysed(SHORT_CLIP)
    topics = (Topic("dog", 3.0), Topic("Rock, paper!", 1.0))  # no file could hold it
    with qtbot.waitSignal(window.result_ready, timeout=30_000) as blocker:
        window.creator.apply_topics(topics, "")
    assert [t.word for t in blocker.args[0].topics] == ["dog", "Rock, paper!"]
    assert window.settings.topics_edited == ""
    assert "cannot be kept" in window.statusBar().currentMessage()


def test_a_loaded_file_gives_the_list_its_name(qtbot, analysed, tmp_path: Path) -> None:
    window = analysed(SHORT_CLIP)
    mine = tmp_path / "my topics.csv"
    mine.write_text("cat,3\nbeach,1\n", encoding="utf-8")
    dialog = window.creator.edit_topics()
    assert dialog is not None and dialog.load_file(str(mine))
    with qtbot.waitSignal(window.result_ready, timeout=30_000):
        dialog.accept()
    assert window.topics_menu.name_label.text() == "Topics: my topics.csv"
    assert window.settings.topics_edited == ""  # the file as it is: nothing to keep aside
