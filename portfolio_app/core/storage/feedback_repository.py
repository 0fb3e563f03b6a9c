"""Imported tutor feedback: one sealed record per countersigned file.

The record's ``data`` (encrypted, bound to table, id, field and save counter like every field)
holds the whole import as JSON; its only plain column, ``received``, is also inside ``data``
and compared at load, and the keyed manifest covers the record like any other (deleting,
rolling back or editing it outside the app is named at unlock).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.domain.records import DamagedRecord, StructureChange
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.store import Conn, Store, to_db

TABLE = "feedback"


@dataclass(frozen=True)
class StoredFeedback:
    """One decrypted import: its id, when it was imported, and the import's JSON."""

    id: str
    received: datetime
    data: dict[str, Any]


class FeedbackRepository:
    """Reads and writes imported feedback (each write in the caller's transaction)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def write_in(
        self, conn: Conn, record_id: str, received: datetime, data: dict[str, Any]
    ) -> None:
        """Insert or replace one import (a new save counter), inside ``conn``'s transaction."""
        version = integrity.next_version(conn, TABLE, record_id)
        stamp = to_db(received).strftime("%Y-%m-%d %H:%M:%S.%f")
        blob = self._store.cipher.encrypt_json(
            {**data, "received": stamp},
            table=TABLE,
            row_id=record_id,
            field="data",
            version=version,
        )
        conn.exec_driver_sql(f"DELETE FROM {TABLE} WHERE id = ?", (record_id,))
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE} (id, version, received, data) VALUES (?, ?, ?, ?)",
            (record_id, version, stamp, blob),
        )
        self._store.manifest.put(
            conn, TABLE, record_id, version, integrity.record_digest(conn, TABLE, record_id)
        )

    def load(self) -> tuple[list[StoredFeedback], list[DamagedRecord], list[StructureChange]]:
        """Every import that decrypts; a damaged one is reported, never dropped silently."""
        with self._store.read() as conn:
            rows = integrity.raw_rows(conn, f"SELECT id, version, received, data FROM {TABLE}")
        records: list[StoredFeedback] = []
        damaged: list[DamagedRecord] = []
        changes: list[StructureChange] = []
        for raw_id, version, received, blob in rows:
            rid = str(raw_id)
            try:
                if not isinstance(version, int) or not isinstance(blob, bytes):
                    raise DamagedRecordError(f"{TABLE} record {rid}: it is damaged")
                data = self._store.cipher.decrypt_json(
                    blob, table=TABLE, row_id=rid, field="data", version=version
                )
                if not isinstance(data, dict) or not isinstance(data.get("received"), str):
                    raise DamagedRecordError(f"{TABLE} record {rid}: it is unreadable")
                sealed = integrity.norm("dt", data["received"])
                found = integrity.norm("dt", received)
                if sealed != found:
                    changes.append(StructureChange(TABLE, rid, "received", sealed, found))
                when = datetime.fromisoformat(str(sealed))
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(TABLE, rid, exc.user_message))
                continue
            except ValueError:
                damaged.append(DamagedRecord(TABLE, rid, "its import time is unreadable"))
                continue
            records.append(StoredFeedback(rid, when, data))
        records.sort(key=lambda r: r.received)
        return records, damaged, changes
