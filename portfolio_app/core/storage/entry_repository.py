"""Entries, their links and their revisions: encrypted going in, domain objects coming out."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId, RevisionId, new_id
from portfolio_app.core.domain.records import DamagedRecord, Revision
from portfolio_app.core.domain.serialisation import entry_from_dict, entry_to_dict
from portfolio_app.core.storage.records import (
    EntryCompetencyRecord,
    EntryEventRecord,
    EntryExperienceRecord,
    EntryRecord,
    RevisionRecord,
    table_of,
)
from portfolio_app.core.storage.store import Store, from_db, to_db

TABLE = "entries"
REVISIONS = "revisions"


class EntryRepository:
    """Reads and writes entries. Every method is one transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- reading -------------------------------------------------------------------------

    def load_all(self) -> tuple[list[Entry], list[DamagedRecord]]:
        """Every entry that decrypts, plus a notice for each one that does not.

        Column selects rather than ORM objects: this runs on unlock over 10,000 entries.
        """
        table = table_of(EntryRecord)
        with self._store.read() as conn:
            rows = conn.execute(select(table)).all()
            events = _links(conn, table_of(EntryEventRecord), "event_id")
            experiences = _links(conn, table_of(EntryExperienceRecord), "experience_id")
            competencies: dict[str, list[CompetencyLink]] = defaultdict(list)
            for row in conn.execute(select(table_of(EntryCompetencyRecord))).all():
                competencies[row.entry_id].append(
                    CompetencyLink(row.framework_id, row.code, row.self_rating)
                )
        entries: list[Entry] = []
        damaged: list[DamagedRecord] = []
        for row in rows:
            try:
                entries.append(
                    self._decode(
                        row._mapping, events[row.id], experiences[row.id], competencies[row.id]
                    )
                )
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(TABLE, row.id, exc.user_message))
            except (ValueError, KeyError, TypeError) as exc:
                damaged.append(DamagedRecord(TABLE, row.id, f"unreadable entry ({exc})"))
        return entries, damaged

    def _decode(
        self,
        row: Any,
        event_ids: list[str],
        experience_ids: list[str],
        competencies: list[CompetencyLink],
    ) -> Entry:
        cipher = self._store.cipher
        rid = row["id"]
        sections_raw = cipher.decrypt_json(
            row["sections"], table=TABLE, row_id=rid, field="sections"
        )
        tags = cipher.decrypt_json(row["tags"], table=TABLE, row_id=rid, field="tags")
        professions = cipher.decrypt_json(
            row["professions"], table=TABLE, row_id=rid, field="professions"
        )
        if not isinstance(sections_raw, list) or not isinstance(tags, list):
            raise DamagedRecordError(f"entry {rid} is unreadable")
        if not isinstance(professions, list):
            raise DamagedRecordError(f"entry {rid} is unreadable")
        return Entry(
            id=EntryId(rid),
            kind=EntryKind(row["kind"]),
            title=cipher.decrypt_text(row["title"], table=TABLE, row_id=rid, field="title"),
            sections=tuple(Section(heading=h, body=b, key=k) for k, h, b in sections_raw),
            status=EntryStatus(row["status"]),
            template_id=row["template_id"],
            created=from_db(row["created"]),
            updated=from_db(row["updated"]),
            occurred_on=from_db(row["occurred_on"]) if row["occurred_on"] else None,
            plan_id=EntryId(row["plan_id"]) if row["plan_id"] else None,
            event_ids=tuple(EventId(x) for x in event_ids),
            experience_ids=tuple(ExperienceId(x) for x in experience_ids),
            professions=tuple(str(p) for p in professions),
            tags=tuple(str(t) for t in tags),
            competencies=tuple(competencies),
        )

    # ---- writing -------------------------------------------------------------------------

    def _encode(self, entry: Entry) -> dict[str, Any]:
        cipher = self._store.cipher
        rid = entry.id
        return {
            "id": rid,
            "kind": entry.kind.value,
            "status": entry.status.value,
            "template_id": entry.template_id,
            "created": to_db(entry.created),
            "updated": to_db(entry.updated),
            "occurred_on": to_db(entry.occurred_on) if entry.occurred_on else None,
            "plan_id": entry.plan_id,
            "title": cipher.encrypt_text(entry.title, table=TABLE, row_id=rid, field="title"),
            "sections": cipher.encrypt_json(
                [[s.key, s.heading, s.body] for s in entry.sections],
                table=TABLE,
                row_id=rid,
                field="sections",
            ),
            "tags": cipher.encrypt_json(list(entry.tags), table=TABLE, row_id=rid, field="tags"),
            "professions": cipher.encrypt_json(
                list(entry.professions), table=TABLE, row_id=rid, field="professions"
            ),
        }

    def save(self, entry: Entry, *, is_new: bool, revision: RevisionAction) -> None:
        """Insert or update an entry with its links and (maybe) a revision, in one transaction."""
        values = self._encode(entry)
        table = table_of(EntryRecord)
        with self._store.write() as conn:
            if is_new:
                conn.execute(insert(table), [values])
            else:
                conn.execute(update(table).where(table.c.id == entry.id).values(values))
            _replace_links(conn, entry)
            if revision.kind == "new":
                self._insert_revision(conn, entry)
            elif revision.kind == "update" and revision.revision_id:
                self._update_revision(conn, revision.revision_id, entry)

    def insert_many(self, entries: list[Entry]) -> None:
        """Bulk insert (demo and benchmarks): one transaction, executemany."""
        table = table_of(EntryRecord)
        with self._store.write() as conn:
            conn.execute(insert(table), [self._encode(e) for e in entries])
            for entry in entries:
                _insert_links(conn, entry)
            for entry in entries:
                self._insert_revision(conn, entry)

    def delete(self, entry_id: EntryId) -> None:
        """Delete an entry; links, revisions and attachments go with it (ON DELETE CASCADE)."""
        table = table_of(EntryRecord)
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.id == entry_id))

    # ---- revisions -----------------------------------------------------------------------

    def _snapshot(self, revision_id: str, entry: Entry) -> bytes:
        return self._store.cipher.encrypt_json(
            entry_to_dict(entry), table=REVISIONS, row_id=revision_id, field="snapshot"
        )

    def _insert_revision(self, conn: Connection, entry: Entry) -> None:
        rid = new_id()
        conn.execute(
            insert(table_of(RevisionRecord)),
            [
                {
                    "id": rid,
                    "entry_id": entry.id,
                    "saved": to_db(entry.updated),
                    "snapshot": self._snapshot(rid, entry),
                }
            ],
        )

    def _update_revision(self, conn: Connection, revision_id: str, entry: Entry) -> None:
        table = table_of(RevisionRecord)
        conn.execute(
            update(table)
            .where(table.c.id == revision_id)
            .values(saved=to_db(entry.updated), snapshot=self._snapshot(revision_id, entry))
        )

    def latest_revision(self, entry_id: EntryId) -> tuple[RevisionId, datetime] | None:
        """Id and time of the newest revision of an entry."""
        table = table_of(RevisionRecord)
        with self._store.read() as conn:
            row = conn.execute(
                select(table.c.id, table.c.saved)
                .where(table.c.entry_id == entry_id)
                .order_by(table.c.saved.desc())
                .limit(1)
            ).first()
        return (RevisionId(row.id), from_db(row.saved)) if row else None

    def revisions(self, entry_id: EntryId) -> tuple[list[Revision], list[DamagedRecord]]:
        """All revisions of an entry, newest first."""
        table = table_of(RevisionRecord)
        with self._store.read() as conn:
            rows = conn.execute(
                select(table).where(table.c.entry_id == entry_id).order_by(table.c.saved.desc())
            ).all()
        result: list[Revision] = []
        damaged: list[DamagedRecord] = []
        for row in rows:
            try:
                data = self._store.cipher.decrypt_json(
                    row.snapshot, table=REVISIONS, row_id=row.id, field="snapshot"
                )
                if not isinstance(data, dict):
                    raise DamagedRecordError(f"revision {row.id} is unreadable")
                result.append(
                    Revision(
                        RevisionId(row.id), entry_id, from_db(row.saved), entry_from_dict(data)
                    )
                )
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(REVISIONS, row.id, exc.user_message))
        return result, damaged


class RevisionAction:
    """What to do with revision history when an entry is saved."""

    def __init__(self, kind: str, revision_id: str | None = None) -> None:
        self.kind = kind  # "new", "update" (coalesce into the latest) or "none"
        self.revision_id = revision_id


def _links(conn: Connection, table: Any, column: str) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for row in conn.execute(select(table.c.entry_id, table.c[column])).all():
        result[row[0]].append(row[1])
    return result


def _replace_links(conn: Connection, entry: Entry) -> None:
    for record in (EntryEventRecord, EntryExperienceRecord, EntryCompetencyRecord):
        table = table_of(record)
        conn.execute(delete(table).where(table.c.entry_id == entry.id))
    _insert_links(conn, entry)


def _insert_links(conn: Connection, entry: Entry) -> None:
    if entry.event_ids:
        conn.execute(
            insert(table_of(EntryEventRecord)),
            [{"entry_id": entry.id, "event_id": e} for e in entry.event_ids],
        )
    if entry.experience_ids:
        conn.execute(
            insert(table_of(EntryExperienceRecord)),
            [{"entry_id": entry.id, "experience_id": e} for e in entry.experience_ids],
        )
    if entry.competencies:
        conn.execute(
            insert(table_of(EntryCompetencyRecord)),
            [
                {
                    "entry_id": entry.id,
                    "framework_id": c.framework_id,
                    "code": c.code,
                    "self_rating": c.self_rating,
                }
                for c in entry.competencies
            ],
        )
