"""Evidence files attached to entries, encrypted like every other field."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, insert, select

from portfolio_app.core.domain.errors import DamagedRecordError, NotFoundError
from portfolio_app.core.domain.ids import AttachmentId, EntryId, new_id
from portfolio_app.core.domain.records import AttachmentInfo
from portfolio_app.core.storage.records import AttachmentRecord, table_of
from portfolio_app.core.storage.store import Store, from_db, to_db

TABLE = "attachments"
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024


class AttachmentRepository:
    """Adds, lists, reads and removes attachments."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, entry_id: EntryId, filename: str, media_type: str, data: bytes) -> AttachmentInfo:
        """Encrypt and store one file."""
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise DamagedRecordError("attachments can be at most 50 MB")
        c = self._store.cipher
        aid = AttachmentId(new_id())
        added = datetime.now(UTC)
        with self._store.write() as conn:
            conn.execute(
                insert(table_of(AttachmentRecord)),
                [
                    {
                        "id": aid,
                        "entry_id": entry_id,
                        "added": to_db(added),
                        "size": len(data),
                        "filename": c.encrypt_text(
                            filename, table=TABLE, row_id=aid, field="filename"
                        ),
                        "media_type": c.encrypt_text(
                            media_type, table=TABLE, row_id=aid, field="media_type"
                        ),
                        "data": c.encrypt(data, table=TABLE, row_id=aid, field="data"),
                    }
                ],
            )
        return AttachmentInfo(aid, entry_id, filename, media_type, len(data), added)

    def list_for(self, entry_id: EntryId | None = None) -> list[AttachmentInfo]:
        """Attachments of one entry (or all), without their bytes."""
        t = table_of(AttachmentRecord)
        query = select(t.c.id, t.c.entry_id, t.c.added, t.c.size, t.c.filename, t.c.media_type)
        if entry_id is not None:
            query = query.where(t.c.entry_id == entry_id)
        with self._store.read() as conn:
            rows = conn.execute(query.order_by(t.c.added)).all()
        c = self._store.cipher
        result = []
        for row in rows:
            result.append(
                AttachmentInfo(
                    AttachmentId(row.id),
                    EntryId(row.entry_id),
                    c.decrypt_text(row.filename, table=TABLE, row_id=row.id, field="filename"),
                    c.decrypt_text(row.media_type, table=TABLE, row_id=row.id, field="media_type"),
                    row.size,
                    from_db(row.added),
                )
            )
        return result

    def read(self, attachment_id: AttachmentId) -> bytes:
        """Decrypt one file's bytes."""
        t = table_of(AttachmentRecord)
        with self._store.read() as conn:
            row = conn.execute(select(t.c.data).where(t.c.id == attachment_id)).first()
        if row is None:
            raise NotFoundError(f"no attachment {attachment_id}")
        return self._store.cipher.decrypt(row.data, table=TABLE, row_id=attachment_id, field="data")

    def delete(self, attachment_id: AttachmentId) -> None:
        """Remove one file."""
        t = table_of(AttachmentRecord)
        with self._store.write() as conn:
            conn.execute(delete(t).where(t.c.id == attachment_id))
