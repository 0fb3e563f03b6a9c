"""Undoable changes: typing, dates, create, delete, status, model, tag and link changes.

One QUndoStack per open portfolio holds all of them in the order they were made, so Ctrl+Z in a
text box, the toolbar's Undo and the Edit menu walk the same history. Each command holds ids and
values, never widgets, and calls the controller's :class:`EntryOperations` (which call the
portfolio service, or the editor for typing, and refresh the models). The service owns the
inverse data: ``delete_entry`` returns the whole entry that ``restore_entry`` puts back, with
the same id.

Typing becomes :class:`TextEditCommand` steps of about a word (text_change.merged): the first
``redo`` does nothing (the text is already in the box), and undo/redo put the text back through
the editor, which autosaves it like typing.

A command whose first ``redo`` fails (a rule of the domain said no) keeps the error in
``error`` and marks itself obsolete, so the stack drops it and the controller can show the
message; it never leaves a half-done change on the stack.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand
from typing_extensions import override

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.gui.editor.text_change import TextChange, merged

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import EntryDraft


class EntryOperations(Protocol):
    """What undo commands may ask of the controller."""

    def op_add(self, draft: EntryDraft) -> Entry:
        """Create an entry and show it."""
        ...

    def op_restore(self, entry: Entry) -> Entry:
        """Put back a deleted entry, same id."""
        ...

    def op_delete(self, entry_id: str) -> Entry:
        """Delete an entry; returns it."""
        ...

    def op_update(self, entry_id: str, changes: dict[str, object]) -> Entry:
        """Change fields of an entry and save it."""
        ...

    def op_text(self, entry_id: str, field_name: str, change: TextChange) -> None:
        """Make a change to a text field of an entry (shown in the editor first)."""
        ...

    def op_date(self, entry_id: str, value: date | None) -> None:
        """Set the "Happened on" date of an entry (shown in the editor first)."""
        ...


#: QUndoCommand.id() of typing steps (commands with the same id may merge).
TEXT_EDIT_ID = 1001


class _EntryCommand(QUndoCommand):
    """Shared error handling."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.error: PortfolioError | None = None
        self._done_once = False

    def _run(self, step: str) -> None:
        try:
            self._apply(step)
        except PortfolioError as exc:
            self.error = exc
            if not self._done_once:
                self.setObsolete(True)
            return
        self._done_once = True

    def _apply(self, step: str) -> None:
        raise NotImplementedError

    def redo(self) -> None:
        """Do (or redo) the change."""
        self.error = None
        self._run("redo")

    def undo(self) -> None:
        """Reverse the change."""
        self.error = None
        self._run("undo")


class CreateEntryCommand(_EntryCommand):
    """New plan, reflection or note. Undo deletes it; redo brings the same entry back."""

    def __init__(self, operations: EntryOperations, draft: EntryDraft) -> None:
        super().__init__(f"New {draft.kind.label.lower()}")
        self._operations = operations
        self._draft = draft
        self.entry: Entry | None = None

    def _apply(self, step: str) -> None:
        if step == "redo":
            if self.entry is None:
                self.entry = self._operations.op_add(self._draft)
            else:
                self.entry = self._operations.op_restore(self.entry)
        elif self.entry is not None:
            # Keep what was typed since, so redo restores the text too.
            self.entry = self._operations.op_delete(self.entry.id)


class DeleteEntryCommand(_EntryCommand):
    """Delete an entry; undo restores it whole, with its id and text."""

    def __init__(self, operations: EntryOperations, entry_id: str, title: str) -> None:
        super().__init__(f"Delete “{title}”")
        self._operations = operations
        self._entry_id = entry_id
        self.entry: Entry | None = None

    def _apply(self, step: str) -> None:
        if step == "redo":
            self.entry = self._operations.op_delete(self._entry_id)
        elif self.entry is not None:
            self._operations.op_restore(self.entry)


class SetEntryFieldsCommand(_EntryCommand):
    """Change fields of an entry (status, tags, professions, events, experiences, codes, model)."""

    def __init__(
        self,
        operations: EntryOperations,
        entry_id: str,
        old: dict[str, object],
        new: dict[str, object],
        text: str,
    ) -> None:
        super().__init__(text)
        self._operations = operations
        self._entry_id = entry_id
        self._old = dict(old)
        self._new = dict(new)

    def _apply(self, step: str) -> None:
        self._operations.op_update(self._entry_id, self._new if step == "redo" else self._old)


def status_command(
    operations: EntryOperations, entry: Entry, status: EntryStatus
) -> SetEntryFieldsCommand:
    """Move an entry to another status."""
    return SetEntryFieldsCommand(
        operations,
        entry.id,
        {"status": entry.status},
        {"status": status},
        f"Mark “{entry.title}” {status.label.lower()}",
    )


class TextEditCommand(_EntryCommand):
    """A word or so of typing in one field; undo takes it out, redo puts it back."""

    def __init__(
        self, operations: EntryOperations, entry_id: str, field_name: str, change: TextChange
    ) -> None:
        super().__init__(_typing_text(change))
        self._operations = operations
        self.entry_id = entry_id
        self.field_name = field_name
        self.change = change
        self._first = True

    @override
    def id(self) -> int:
        return TEXT_EDIT_ID

    @override
    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, TextEditCommand):
            return False
        if (other.entry_id, other.field_name) != (self.entry_id, self.field_name):
            return False
        combined = merged(self.change, other.change)
        if combined is None:
            return False
        self.change = combined
        self.setText(_typing_text(combined))
        return True

    def _apply(self, step: str) -> None:
        if self._first:
            self._first = False  # pushed after the student typed it: nothing to do
            return
        change = self.change if step == "redo" else self.change.inverse()
        self._operations.op_text(self.entry_id, self.field_name, change)


class DateCommand(_EntryCommand):
    """A change of the "Happened on" date (or of whether there is one)."""

    def __init__(
        self,
        operations: EntryOperations,
        entry_id: str,
        old: date | None,
        new: date | None,
    ) -> None:
        super().__init__("Change the date")
        self._operations = operations
        self._entry_id = entry_id
        self._old = old
        self._new = new
        self._first = True

    def _apply(self, step: str) -> None:
        if self._first:
            self._first = False
            return
        self._operations.op_date(self._entry_id, self._new if step == "redo" else self._old)


def _typing_text(change: TextChange) -> str:
    """The undo step's name, as the Edit menu shows it ("Undo typing “handover”")."""
    words = (change.inserted or change.removed).strip()
    short = words if len(words) <= 24 else words[:23] + "…"
    if change.inserted:
        return f"typing “{short}”" if short else "typing"
    return f"deleting “{short}”" if short else "deleting"
