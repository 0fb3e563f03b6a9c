"""Undoable entry-level actions: create, delete, status change, tag and link changes.

Each command holds ids and values, never widgets, and calls the controller's
:class:`EntryOperations` (which call the portfolio service and refresh the models). The service
owns the inverse data: ``delete_entry`` returns the whole entry that ``restore_entry`` puts back,
with the same id. Typing in text fields is not here: each text box keeps its own undo, and
autosave stores the text.

A command whose first ``redo`` fails (a rule of the domain said no) keeps the error in
``error`` and marks itself obsolete, so the stack drops it and the controller can show the
message; it never leaves a half-done change on the stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.errors import PortfolioError

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
