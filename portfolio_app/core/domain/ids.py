"""Typed identifiers, so an entry id can never be passed where an event id is meant."""

from __future__ import annotations

import uuid
from typing import NewType

EntryId = NewType("EntryId", str)
EventId = NewType("EventId", str)
ExperienceId = NewType("ExperienceId", str)
AttachmentId = NewType("AttachmentId", str)
RevisionId = NewType("RevisionId", str)


def new_id() -> str:
    """A fresh random id.

    Ids are made by the client, not by SQLite, because each ciphertext's associated data names
    its row: the id must be known before the row is written.
    """
    return uuid.uuid4().hex
