"""Evidence files attached to entries, encrypted like every other field.

The entry an attachment belongs to, its time and size are sealed in its ``meta`` ciphertext
and counted in the keyed manifest, so an attachment moved to another entry is noticed.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from portfolio_app.core.domain.errors import DamagedRecordError, NotFoundError, ValidationError
from portfolio_app.core.domain.ids import AttachmentId, EntryId, new_id
from portfolio_app.core.domain.records import AttachmentInfo, DamagedRecord, StructureChange
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.entry_repository import Loaded
from portfolio_app.core.storage.store import Conn, Store, to_db

TABLE = "attachments"
#: A last guard; the service checks files first (``core.evidence.files``, 15 MB).
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
_COLUMNS = ("id", "version", "meta", "entry_id", "added", "size", "filename", "media_type")


class AttachmentRepository:
    """Adds, lists, reads and removes attachments."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, entry_id: EntryId, filename: str, media_type: str, data: bytes) -> AttachmentInfo:
        """Encrypt and store one file."""
        with self._store.write() as conn:
            return self.add_in(conn, entry_id, filename, media_type, data)

    def add_in(
        self,
        conn: Conn,
        entry_id: EntryId,
        filename: str,
        media_type: str,
        data: bytes,
        *,
        attachment_id: str | None = None,
        added: datetime | None = None,
    ) -> AttachmentInfo:
        """:meth:`add` inside a larger transaction (an archive import keeps the id and time)."""
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ValidationError("attachments can be at most 50 MB")
        c = self._store.cipher
        aid = AttachmentId(attachment_id or new_id())
        added = added or datetime.now(UTC)
        plain = {"entry_id": entry_id, "added": to_db(added), "size": len(data)}
        struct = integrity.structure(TABLE, plain)

        def enc(name: str, value: bytes) -> bytes:
            return c.encrypt(value, table=TABLE, row_id=aid, field=name, version=1)

        conn.insert(
            TABLE,
            [
                {
                    "id": aid,
                    "version": 1,
                    **plain,
                    "meta": c.encrypt_json(
                        struct, table=TABLE, row_id=aid, field="meta", version=1
                    ),
                    "filename": enc("filename", filename.encode("utf-8")),
                    "media_type": enc("media_type", media_type.encode("utf-8")),
                    "data": enc("data", data),
                }
            ],
        )
        self._store.manifest.put(conn, TABLE, aid, 1, integrity.record_digest(conn, TABLE, aid))
        return AttachmentInfo(aid, entry_id, filename, media_type, len(data), added)

    def _rows(self, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {', '.join(_COLUMNS)} FROM attachments {where}", params
            ).all()
        return [dict(zip(_COLUMNS, r, strict=True)) for r in rows]

    def _decode(self, row: dict[str, Any]) -> tuple[AttachmentInfo, list[StructureChange]]:
        c = self._store.cipher
        rid, version = str(row["id"]), row["version"]
        if not isinstance(version, int) or not isinstance(row["meta"], bytes):
            raise DamagedRecordError(f"attachment {rid}: its seal is missing")
        sealed = c.decrypt_json(row["meta"], table=TABLE, row_id=rid, field="meta", version=version)
        if not isinstance(sealed, dict):
            raise DamagedRecordError(f"attachment {rid} is unreadable")
        info = AttachmentInfo(
            AttachmentId(rid),
            EntryId(str(sealed["entry_id"])),
            c.decrypt_text(
                row["filename"], table=TABLE, row_id=rid, field="filename", version=version
            ),
            c.decrypt_text(
                row["media_type"], table=TABLE, row_id=rid, field="media_type", version=version
            ),
            int(sealed["size"]),
            datetime.fromisoformat(str(sealed["added"])).replace(tzinfo=UTC),
        )
        changes = [
            StructureChange(TABLE, rid, column, a, b)
            for column, a, b in integrity.differences(sealed, integrity.structure(TABLE, row))
        ]
        return info, changes

    def load(self, entry_id: EntryId | None = None) -> Loaded:
        """Attachments (of one entry, or all) without their bytes, with damage and changes."""
        loaded = Loaded()
        for row in self._rows():
            try:
                info, changes = self._decode(row)
            except DamagedRecordError as exc:
                loaded.damaged.append(DamagedRecord(TABLE, str(row["id"]), exc.user_message))
                continue
            except (ValueError, KeyError, TypeError) as exc:
                loaded.damaged.append(DamagedRecord(TABLE, str(row["id"]), f"unreadable ({exc})"))
                continue
            loaded.changes.extend(changes)
            if entry_id is None or info.entry_id == entry_id:
                loaded.records.append(info)
        loaded.records.sort(key=lambda a: a.added)
        return loaded

    def list_for(self, entry_id: EntryId | None = None) -> list[AttachmentInfo]:
        """Attachments of one entry (or all) that decrypt, by the entry their seal names."""
        return list(self.load(entry_id).records)

    def read(self, attachment_id: AttachmentId) -> bytes:
        """Decrypt one file's bytes."""
        with self._store.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT data, version FROM attachments WHERE id = ?", (attachment_id,)
            ).first()
        if row is None:
            raise NotFoundError(f"no attachment {attachment_id}")
        version = row[1] if isinstance(row[1], int) else -1
        return self._store.cipher.decrypt(
            bytes(row[0] or b""), table=TABLE, row_id=attachment_id, field="data", version=version
        )

    def delete(self, attachment_id: AttachmentId) -> None:
        """Remove one file."""
        with self._store.write() as conn:
            conn.exec_driver_sql("DELETE FROM attachments WHERE id = ?", (attachment_id,))
            self._store.manifest.remove(conn, TABLE, attachment_id)
