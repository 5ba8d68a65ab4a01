"""Topic editor: a table of topic words and their popularity weights.

Accepting the dialog gives a new topic list; the window re-ranks with
``core.pipeline.rerank`` (cached evidence, no decoding). A topics file can be loaded with
``core.topics.load_topics``; its path is remembered in the settings. Words that cannot be
matched to anything the image models see (``thumbdesk.ml.unmatched_topic_words``) are named
in a warning under the table as the table changes, as the CLI warns about them; words the
evidence map says nothing the bundled models see shows (``thumbdesk.ml.never_tagged_words``:
kiss, travel ...) are named in a quieter note, since they match but are never tagged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from thumbdesk.core.types import Topic
from thumbdesk.ui import theme
from thumbdesk.ui.error_dialog import show_error

logger = logging.getLogger(__name__)


class TopicsDialog(QDialog):
    """Edit words and weights; ``topics()`` reads the table back."""

    def __init__(
        self, topics: Sequence[Topic], topics_file: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("topicsDialog")
        self.setWindowTitle("Topics")
        self.setMinimumSize(420, 460)
        self.topics_file = topics_file
        info = QLabel(
            "Words viewers click on, with how much each one counts. Frames that show a "
            "heavier topic rank higher. Changes re-rank without analysing the video again."
        )
        info.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Topic", "Weight"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.warning = QLabel()
        self.warning.setObjectName("topicsWarning")
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.warning(self.palette()).name()};")
        self.warning.setVisible(False)
        self.never_note = QLabel()
        self.never_note.setObjectName("topicsNeverTagged")
        self.never_note.setWordWrap(True)
        self.never_note.setEnabled(False)  # the muted text of a hint
        self.never_note.setVisible(False)
        self._filling = False
        self.table.itemChanged.connect(self._item_changed)
        self.set_topics(topics)

        add = QPushButton("Add")
        add.clicked.connect(lambda: self.add_row("", 1.0, edit=True))
        remove = QPushButton("Remove")
        remove.clicked.connect(self.remove_selected)
        load = QPushButton("Load file…")
        load.clicked.connect(self._load_file)
        save = QPushButton("Save as…")
        save.clicked.connect(self._save_file)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        row.addWidget(load)
        row.addWidget(save)
        self.file_label = QLabel(topics_file or "Built-in topic list")
        self.file_label.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Re-rank")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(info)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.warning)
        layout.addWidget(self.never_note)
        layout.addLayout(row)
        layout.addWidget(self.file_label)
        layout.addWidget(buttons)

    def set_topics(self, topics: Sequence[Topic]) -> None:
        """Fill the table."""
        self._filling = True
        try:
            self.table.setRowCount(0)
            for topic in topics:
                self.add_row(topic.word, topic.weight)
        finally:
            self._filling = False
        self.check_words()

    def check_words(self) -> None:
        """Show which words cannot be matched to image evidence (hidden when all can)."""
        from thumbdesk.core.errors import ThumbDeskError
        from thumbdesk.ml import never_tagged_words, unmatched_topic_words

        words = [t.word for t in self.topics()]
        try:
            unmatched = unmatched_topic_words(words)
            never = never_tagged_words(words)
        except ThumbDeskError as exc:
            logger.warning("Cannot check the topic words: %s", exc)
            self.warning.setText(f"Cannot check the topic words: {exc}")
            self.warning.setVisible(True)
            return
        self._show_never_tagged(never)
        if not unmatched:
            self.warning.setText("")
            self.warning.setVisible(False)
            return
        named = "; ".join(f"“{w}” {why}" for w, why in unmatched.items())
        self.warning.setText(
            "Cannot be matched to anything the image model recognises, so these topics "
            f"score 0: {named}."
        )
        self.warning.setVisible(True)

    def _show_never_tagged(self, words: Sequence[str]) -> None:
        """Name the words no bundled model shows (hidden when there are none)."""
        self.never_note.setVisible(bool(words))
        self.never_note.setText(
            "Never tagged, since nothing the bundled models see shows them: "
            + ", ".join(f"“{w}”" for w in words)
            + "."
            if words
            else ""
        )

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if item.column() == 0 and not self._filling:
            self.check_words()

    def add_row(self, word: str, weight: float, *, edit: bool = False) -> None:
        """Append a row (and start editing its word)."""
        row = self.table.rowCount()
        blocked = self.table.blockSignals(True)
        self.table.insertRow(row)
        self.table.setItem(row, 0, QTableWidgetItem(word))
        weight_item = QTableWidgetItem()
        weight_item.setData(Qt.ItemDataRole.EditRole, float(weight))
        weight_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.table.setItem(row, 1, weight_item)
        self.table.blockSignals(blocked)
        if word and not self._filling:
            self.check_words()
        if edit:
            self.table.setCurrentCell(row, 0)
            item = self.table.item(row, 0)
            if item is not None:
                self.table.editItem(item)

    def remove_selected(self) -> None:
        """Delete the selected rows."""
        rows = sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.check_words()

    def topics(self) -> tuple[Topic, ...]:
        """Read the table back as topics, skipping empty words and non-positive weights."""
        out: list[Topic] = []
        seen: set[str] = set()
        for row in range(self.table.rowCount()):
            word_item, weight_item = self.table.item(row, 0), self.table.item(row, 1)
            word = word_item.text().strip() if word_item else ""
            try:
                weight = float(weight_item.data(Qt.ItemDataRole.EditRole)) if weight_item else 0
            except (TypeError, ValueError):
                weight = 0.0
            if word and weight > 0 and word.lower() not in seen:
                seen.add(word.lower())
                out.append(Topic(word, weight))
        return tuple(out)

    def _load_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Load topics", self.topics_file, "Topic lists (*.csv *.txt);;All (*)"
        )
        if path:
            self.load_file(path)

    def _save_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save topics", self.topics_file or "topics.csv", "Topic lists (*.csv *.txt)"
        )
        if path:
            self.save_file(path)

    def save_file(self, path: str) -> bool:
        """Write the table to a topics file and use that file from now on."""
        from thumbdesk.core.errors import ThumbDeskError
        from thumbdesk.core.topics import save_topics

        try:
            save_topics(self.topics(), path)
        except ThumbDeskError as exc:
            show_error(self, "Cannot save topics", str(exc))
            return False
        self.topics_file = path
        self.file_label.setText(path)
        return True

    def load_file(self, path: str) -> bool:
        """Replace the table with a topics file's contents; errors show a dialog."""
        from thumbdesk.core.errors import ThumbDeskError
        from thumbdesk.core.topics import load_topics

        try:
            topics = load_topics(path)
        except ThumbDeskError as exc:
            show_error(self, "Cannot load topics", str(exc))
            return False
        self.set_topics(topics)
        self.topics_file = path
        self.file_label.setText(path)
        return True
