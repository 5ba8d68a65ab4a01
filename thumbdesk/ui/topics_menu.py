"""The Topics menu: the audience presets (the one in use checked) and "Edit topics…".

It also owns the status-bar label that names the topic list in use ("Topics: Food audience
(edited)"), updated whenever the creator's actions load or change the list.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QWidget

from thumbdesk.ui import topic_lists
from thumbdesk.ui.creator_actions import CreatorActions
from thumbdesk.ui.settings import Settings


class TopicsMenu(QMenu):
    """Audience presets and the topics editor, for the menu bar."""

    def __init__(self, creator: CreatorActions, settings: Settings, parent: QWidget) -> None:
        super().__init__("&Topics", parent)
        self.settings = settings
        self.name_label = QLabel()
        self.name_label.setToolTip("The topic list frames are ranked with (Topics menu)")
        self.name_label.setContentsMargins(0, 0, 14, 0)
        self.presets: dict[str, QAction] = {}
        group = QActionGroup(self)
        for name, label in topic_lists.PRESET_LABELS.items():
            action = QAction(f"{label} audience", self)
            action.setCheckable(True)
            action.setStatusTip(f"Rank with the topics a {label.lower()} audience clicks on")
            action.triggered.connect(lambda _=False, n=name: creator.use_preset(n))
            group.addAction(action)
            self.addAction(action)
            self.presets[name] = action
        self.addSeparator()
        self.edit_action = QAction("&Edit topics…", self)
        self.edit_action.setShortcut(QKeySequence("Ctrl+T"))
        self.edit_action.setStatusTip(
            "Change the topic words and their weights, load or save a list"
        )
        self.edit_action.triggered.connect(lambda _=False: creator.edit_topics() and None)
        self.addAction(self.edit_action)
        creator.topics_changed.connect(self.show_name)
        self.show_name(topic_lists.list_name(settings))

    def show_name(self, name: str) -> None:
        """Name the list in use; tick its preset when it is a preset as shipped."""
        self.name_label.setText(f"Topics: {name}")
        plain = not self.settings.topics_file and not self.settings.topics_edited
        for preset, action in self.presets.items():
            action.setChecked(plain and preset == self.settings.topics_preset)

    def set_busy(self, busy: bool) -> None:
        """No preset change while a video is analysed (its run uses the list it started with)."""
        for action in self.presets.values():
            action.setEnabled(not busy)
