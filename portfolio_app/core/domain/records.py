"""Small value objects shared by services: attachments, revisions and damaged-record notices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.ids import AttachmentId, EntryId, RevisionId


@dataclass(frozen=True)
class AttachmentInfo:
    """An evidence file kept (encrypted) with an entry; the bytes are read on demand."""

    id: AttachmentId
    entry_id: EntryId
    filename: str
    media_type: str
    size: int
    added: datetime


@dataclass(frozen=True)
class Revision:
    """An earlier saved version of an entry."""

    id: RevisionId
    entry_id: EntryId
    saved: datetime
    entry: Entry


@dataclass(frozen=True)
class DamagedRecord:
    """A record that failed its integrity check; the rest of the portfolio stays readable.

    ``label`` says what the record was, where that is known (an entry's title from its
    history, or its kind and date from the file's unprotected columns).
    """

    table: str
    row_id: str
    reason: str
    label: str = ""

    def describe(self) -> str:
        """One line for a person: what it was and what is wrong."""
        what = f"{_NOUNS.get(self.table, self.table)} {self.row_id[:8]}"
        if self.label:
            what += f" ({self.label})"
        reason = self.reason.removeprefix(f"{self.table} record {self.row_id}: ")
        return f"{what}: {reason}"


@dataclass(frozen=True)
class StructureChange:
    """A plain column that differs from the value sealed when the record was saved."""

    table: str
    row_id: str
    column: str
    saved: object
    found: object


@dataclass(frozen=True)
class IntegrityFinding:
    """Something in the file that changed outside the app, in words a student can act on.

    ``kind``: changed, deleted, added, rolled-back, moved, manifest, replaced, unknown, list.
    """

    table: str
    row_id: str
    kind: str
    message: str


_NOUNS = {
    "feedback": "imported tutor feedback",
    "entries": "entry",
    "revisions": "saved version",
    "revision_links": "history link",
    "events": "event",
    "experiences": "experience",
    "attachments": "attachment",
    "settings": "setting",
    "profile": "profile",
    "frameworks": "framework pack",
    "key_slots": "key slot",
    "manifest": "manifest",
}


def noun_for(table: str) -> str:
    """What people call a record of ``table``."""
    return _NOUNS.get(table, table)
