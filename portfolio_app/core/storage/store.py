"""The open database plus the cipher: what every repository needs, and error translation.

SQLite reports a full disk, a read-only file or a damaged page as exceptions;
:func:`translated_errors` turns them into PortfolioErrors that tell the user what happened and
that nothing was changed (each write is one transaction, rolled back on failure).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from portfolio_app.core.domain.errors import CorruptDatabaseError, StorageFullError
from portfolio_app.core.storage.integrity import Manifest
from portfolio_app.core.storage.sqlite_db import Conn, Database
from portfolio_app.core.vault.field_cipher import FieldCipher

__all__ = ["Conn", "Database", "Store", "from_db", "to_db", "translated_errors"]


@dataclass
class Store:
    """The database and the field cipher of an unlocked portfolio."""

    engine: Database
    cipher: FieldCipher
    manifest: Manifest = field(init=False)

    def __post_init__(self) -> None:
        self.manifest = Manifest(self.cipher)

    @contextlib.contextmanager
    def write(self) -> Iterator[Conn]:
        """One transaction for one user action; errors become PortfolioErrors.

        The manifest's head is updated just before the commit, in the same transaction.
        """
        with translated_errors(), self.engine.begin() as connection:
            self.manifest.begin()
            try:
                yield connection
                self.manifest.flush(connection)
            finally:
                self.manifest.discard()

    @contextlib.contextmanager
    def read(self) -> Iterator[Conn]:
        """A read-only use of a connection."""
        with translated_errors(), self.engine.connect() as connection:
            yield connection


@contextlib.contextmanager
def translated_errors() -> Iterator[None]:
    """Map SQLite failures to messages a user can act on."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        text = str(getattr(exc, "orig", exc)).lower()
        if "disk is full" in text or "disk i/o" in text:
            raise StorageFullError(
                "the disk is full or failing, so the change was not saved (nothing was lost); "
                "free some space and try again"
            ) from exc
        if "readonly" in text or "read-only" in text:
            raise StorageFullError(
                "the portfolio folder is read-only, so the change was not saved"
            ) from exc
        raise CorruptDatabaseError(
            f"the portfolio database could not be used: {getattr(exc, 'orig', exc)}"
        ) from exc
    except sqlite3.DatabaseError as exc:
        raise CorruptDatabaseError(
            f"the portfolio database is damaged ({getattr(exc, 'orig', exc)}); restore it from "
            "a backup"
        ) from exc


def to_db(value: datetime) -> datetime:
    """Datetimes are stored as naive UTC."""
    if value.tzinfo is None:
        return value
    return value.astimezone(UTC).replace(tzinfo=None)


def from_db(value: datetime) -> datetime:
    """Stored naive UTC back to aware UTC."""
    return value.replace(tzinfo=UTC)


def sqlite_integrity_problems(engine: Database) -> list[str]:
    """SQLite's own integrity check; an empty list means the file is healthy."""
    with translated_errors(), engine.connect() as conn:
        rows = conn.exec_driver_sql("PRAGMA integrity_check").all()
    return [] if [r[0] for r in rows] == ["ok"] else [str(r[0]) for r in rows]
