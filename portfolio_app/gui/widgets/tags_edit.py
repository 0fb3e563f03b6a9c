"""A line edit for comma-separated tags that completes the tag being typed from existing tags.

Completion works on the last fragment only, so "handover, team" completes "team" to
"teamwork" without touching "handover". Tags are committed (``tags_committed``) when editing
ends, not per keystroke, so one edit becomes one undo step. Editing ends on Return (also while
the completion list is open), when the focus leaves, or when the owner calls :meth:`commit`
(before locking or switching entries), so typed tags are never silently dropped.
"""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget
from typing_extensions import override


def split_tags(text: str) -> tuple[str, ...]:
    """The tags in a comma-separated text, trimmed, empties dropped."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


class TagsLineEdit(QLineEdit):
    """Comma-separated tags with completion of the last one."""

    tags_committed = Signal(tuple)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Tags, separated by commas (e.g. handover, teamwork)")
        self.setAccessibleName("Tags")
        self._words = QStringListModel(self)
        self._completer = QCompleter(self._words, self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self._completer.setWidget(self)
        self._completer.activated.connect(self._on_completer_activated)
        self.textEdited.connect(self._on_text_edited)
        self.editingFinished.connect(self._on_editing_finished)
        self._shown: tuple[str, ...] = ()

    def set_known_tags(self, tags: list[str]) -> None:
        """Tags offered for completion (most used first is nicest)."""
        self._words.setStringList(tags)

    def set_tags(self, tags: tuple[str, ...]) -> None:
        """Show an entry's tags (not an edit)."""
        self._shown = tuple(tags)
        self.setText(", ".join(tags))

    def tags(self) -> tuple[str, ...]:
        """The tags as typed."""
        return split_tags(self.text())

    def _on_text_edited(self, text: str) -> None:
        fragment = text.rsplit(",", 1)[-1].strip()
        if not fragment:
            self._hide_popup()
            return
        self._completer.setCompletionPrefix(fragment)
        if self._completer.completionCount() > 0:
            self._completer.complete()
        else:
            self._hide_popup()

    def _hide_popup(self) -> None:
        popup = self._completer.popup()
        if popup is not None:
            popup.hide()

    def _on_completer_activated(self, completion: str) -> None:
        head, _sep, _tail = self.text().rpartition(",")
        self.setText(f"{head}, {completion}, " if head else f"{completion}, ")

    def commit(self) -> None:
        """Emit ``tags_committed`` if the typed tags differ from those shown."""
        tags = self.tags()
        if tags != self._shown:
            self._shown = tags
            self.tags_committed.emit(tags)

    def _on_editing_finished(self) -> None:
        popup = self._completer.popup()
        if popup is not None and popup.isVisible():
            # Return while the completion list is open: the completer may still put the chosen
            # tag in; commit what is there once it has (Qt will not emit this signal again for
            # the same text, so returning here used to lose the tags).
            QTimer.singleShot(0, self.commit)
            return
        self.commit()

    @override
    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        # A menu or the completion list opening is not the end of editing.
        if event.reason() != Qt.FocusReason.PopupFocusReason:
            self.commit()
