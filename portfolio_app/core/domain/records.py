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
    """A record that failed its integrity check; the rest of the portfolio stays readable."""

    table: str
    row_id: str
    reason: str
