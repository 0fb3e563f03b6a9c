"""Entries, their links and their revisions: encrypted going in, domain objects coming out.

Every write bumps the record's save counter, seals its structure (``meta``) and updates the
keyed manifest in the same transaction (see ``core.storage.integrity``). Every read builds the
entry from the sealed structure and reports any plain column that disagrees with it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Container, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from portfolio_app.core.bulk import paused_gc
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.errors import DamagedRecordError, ValidationError
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId, RevisionId, new_id
from portfolio_app.core.domain.records import DamagedRecord, Revision, StructureChange
from portfolio_app.core.domain.serialisation import entry_from_dict, entry_to_dict
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.chain_repository import ChainStore
from portfolio_app.core.storage.index_store import IndexStore
from portfolio_app.core.storage.store import Conn, Store, to_db

TABLE = "entries"
REVISIONS = "revisions"
_ENTRY_COLUMNS = (
    "id, version, meta, title, sections, tags, professions, "
    "kind, status, template_id, created, updated, occurred_on, plan_id"
)


@dataclass
class Loaded:
    """What a load found: readable records, damaged ones, and plain columns that changed."""

    records: list[Any] = field(default_factory=list)
    damaged: list[DamagedRecord] = field(default_factory=list)
    changes: list[StructureChange] = field(default_factory=list)


def entry_structure(entry: Entry) -> dict[str, Any]:
    """The plain structure of an entry as the app stores it (the sealed copy)."""
    return integrity.structure(
        TABLE,
        {
            "kind": entry.kind.value,
            "status": entry.status.value,
            "template_id": entry.template_id,
            "created": to_db(entry.created),
            "updated": to_db(entry.updated),
            "occurred_on": to_db(entry.occurred_on) if entry.occurred_on else None,
            "plan_id": entry.plan_id,
            "event_ids": entry.event_ids,
            "experience_ids": entry.experience_ids,
            "competencies": [(c.framework_id, c.code, c.self_rating) for c in entry.competencies],
        },
    )


def _when(value: object) -> datetime:
    if not isinstance(value, str):
        raise DamagedRecordError("a sealed date is unreadable")
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


def revision_structure(entry_id: str, saved: datetime) -> dict[str, Any]:
    """A revision's plain structure."""
    return integrity.structure(REVISIONS, {"entry_id": entry_id, "saved": to_db(saved)})


class EntryRepository:
    """Reads and writes entries. Every method is one transaction."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- reading -------------------------------------------------------------------------

    def load_all(
        self,
        files: Mapping[str, integrity.FileRecord] | None = None,
        suspects: Container[str] | None = None,
        *,
        only: Collection[str] | None = None,
    ) -> Loaded:
        """Every entry that decrypts, a notice for each that does not, and structure changes.

        ``files`` is ``integrity.scan_file``'s view of the entries and ``suspects`` the ids
        whose plain columns the manifest could not vouch for. An entry the manifest vouches for
        is built from its plain columns (they are exactly as saved); a suspect one is built
        from its sealed structure, and every column that differs is reported. Without
        ``files`` every entry is treated as suspect (``portfolio check``). Raw driver rows: a
        hostile value in a plain column must not stop the others from loading. ``only``: just
        these ids (the search index answers for the others).
        """
        names = [c.strip() for c in _ENTRY_COLUMNS.split(",")]
        with self._store.read() as conn:
            if only is None:
                rows = integrity.raw_rows(conn, f"SELECT {_ENTRY_COLUMNS} FROM entries")
            else:
                rows = []
                for rid in only:
                    rows.extend(
                        integrity.raw_rows(
                            conn, f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id = ?", (rid,)
                        )
                    )
            if files is None:
                files = integrity.scan_file(conn, ("entries",))["entries"]
                suspects = None
        with paused_gc():
            return self._load_rows(rows, names, files, suspects)

    def _load_rows(
        self,
        rows: list[tuple[Any, ...]],
        names: list[str],
        files: Mapping[str, integrity.FileRecord],
        suspects: Container[str] | None,
    ) -> Loaded:
        loaded = Loaded()
        for row in rows:
            values = dict(zip(names, row, strict=True))
            rid = str(values["id"])
            record = files.get(rid)
            trusted = record is not None and suspects is not None and rid not in suspects
            try:
                if trusted and record is not None:
                    # Exactly as saved (the manifest vouches for it): the raw values are used
                    # as they are, without a normalising pass (this runs for 10,000 entries).
                    loaded.records.append(self._decode(values, record.raw))
                    continue
                found = (
                    record.structure if record is not None else integrity.structure(TABLE, values)
                )
                sealed = self._sealed(values)
                entry = self._decode(values, sealed)
            except DamagedRecordError as exc:
                loaded.damaged.append(DamagedRecord(TABLE, rid, exc.user_message))
                continue
            except (ValueError, KeyError, TypeError) as exc:
                loaded.damaged.append(DamagedRecord(TABLE, rid, f"unreadable entry ({exc})"))
                continue
            if not integrity.same_structure(sealed, found):
                for column, saved_value, found_value in integrity.differences(sealed, found):
                    loaded.changes.append(
                        StructureChange(TABLE, rid, column, saved_value, found_value)
                    )
            loaded.records.append(entry)
        return loaded

    def read_one(self, entry_id: str) -> tuple[dict[str, Any], str] | None:
        """One entry's raw row with its links, and the digest of its plain columns (as
        ``integrity.raw_digest`` computes it at unlock); None when there is no such row."""
        names = [c.strip() for c in _ENTRY_COLUMNS.split(",")]
        with self._store.read() as conn:
            rows = integrity.raw_rows(
                conn, f"SELECT {_ENTRY_COLUMNS} FROM entries WHERE id = ?", (entry_id,)
            )
            if not rows:
                return None
            values = dict(zip(names, rows[0], strict=True))
            values.update(integrity.read_links_of(conn, entry_id))
        return values, integrity.raw_digest(TABLE, values)

    def decode_vouched(self, values: Mapping[str, Any]) -> Entry:
        """An entry whose row is exactly as the app wrote it (its plain columns are used)."""
        return self._decode(values, values)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        """Ids in the file that start with ``prefix`` (case-sensitive)."""
        with self._store.read() as conn:
            rows = integrity.raw_rows(
                conn,
                "SELECT id FROM entries WHERE substr(id, 1, ?) = ? LIMIT 3",
                (len(prefix), prefix),
            )
        return [str(r[0]) for r in rows]

    def ids_answering(self, plan_id: str) -> list[str]:
        """Ids whose plain ``plan_id`` column names this plan (indexed; each is then checked)."""
        with self._store.read() as conn:
            rows = integrity.raw_rows(conn, "SELECT id FROM entries WHERE plan_id = ?", (plan_id,))
        return [str(r[0]) for r in rows]

    def exists(self, entry_id: str) -> bool:
        """Whether the file holds a row for this id."""
        with self._store.read() as conn:
            return bool(integrity.raw_rows(conn, "SELECT 1 FROM entries WHERE id = ?", (entry_id,)))

    def stamps(self) -> dict[str, object]:
        """Every entry's id and save counter (a cheap look at which rows the file holds)."""
        with self._store.read() as conn:
            return dict(integrity.raw_rows(conn, "SELECT id, version FROM entries"))

    def _sealed(self, row: Mapping[str, Any]) -> dict[str, Any]:
        """The structure sealed when the entry was saved (its ``meta`` field)."""
        rid, version = str(row["id"]), row["version"]
        if not isinstance(version, int):
            raise DamagedRecordError(f"entry {rid}: its save counter is damaged")
        if not isinstance(row["meta"], bytes):
            raise DamagedRecordError(f"entry {rid}: its sealed structure is missing")
        sealed = self._store.cipher.decrypt_json(
            row["meta"], table=TABLE, row_id=rid, field="meta", version=version
        )
        if not isinstance(sealed, dict):
            raise DamagedRecordError(f"entry {rid} is unreadable")
        return sealed

    def _decode(self, row: Mapping[str, Any], struct: Mapping[str, Any]) -> Entry:
        """An entry from its encrypted fields and a structure (sealed, or vouched for)."""
        cipher = self._store.cipher
        rid = str(row["id"])
        version = row["version"]
        if not isinstance(version, int):
            raise DamagedRecordError(f"entry {rid}: its save counter is damaged")

        def dec(name: str) -> object:
            return cipher.decrypt_json(
                row[name], table=TABLE, row_id=rid, field=name, version=version
            )

        sections_raw, tags, professions = dec("sections"), dec("tags"), dec("professions")
        if not isinstance(sections_raw, list):
            raise DamagedRecordError(f"entry {rid} is unreadable")
        if not isinstance(tags, list) or not isinstance(professions, list):
            raise DamagedRecordError(f"entry {rid} is unreadable")
        title = cipher.decrypt_text(
            row["title"], table=TABLE, row_id=rid, field="title", version=version
        )
        return Entry(
            id=EntryId(rid),
            kind=EntryKind(struct["kind"]),
            title=title,
            sections=tuple(Section(heading=h, body=b, key=k) for k, h, b in sections_raw),
            status=EntryStatus.from_stored(struct["status"]),
            template_id=str(struct["template_id"]),
            created=_when(struct["created"]),
            updated=_when(struct["updated"]),
            occurred_on=_when(struct["occurred_on"]) if struct["occurred_on"] else None,
            plan_id=EntryId(struct["plan_id"]) if struct["plan_id"] else None,
            event_ids=tuple(EventId(str(x)) for x in struct.get("event_ids", ())),
            experience_ids=tuple(ExperienceId(str(x)) for x in struct.get("experience_ids", ())),
            professions=tuple(str(p) for p in professions),
            tags=tuple(str(t) for t in tags),
            competencies=tuple(
                CompetencyLink(str(fw), str(code), rating)
                for fw, code, rating in struct.get("competencies", ())
            ),
        )

    # ---- writing -------------------------------------------------------------------------

    def _encode(self, entry: Entry, version: int) -> dict[str, Any]:
        cipher = self._store.cipher
        rid = entry.id

        def enc(name: str, value: object) -> bytes:
            return cipher.encrypt_json(value, table=TABLE, row_id=rid, field=name, version=version)

        return {
            "id": rid,
            "version": version,
            "kind": entry.kind.value,
            "status": entry.status.value,
            "template_id": entry.template_id,
            "created": to_db(entry.created),
            "updated": to_db(entry.updated),
            "occurred_on": to_db(entry.occurred_on) if entry.occurred_on else None,
            "plan_id": entry.plan_id,
            "meta": enc("meta", entry_structure(entry)),
            "title": cipher.encrypt_text(
                entry.title, table=TABLE, row_id=rid, field="title", version=version
            ),
            "sections": enc("sections", [[s.key, s.heading, s.body] for s in entry.sections]),
            "tags": enc("tags", list(entry.tags)),
            "professions": enc("professions", list(entry.professions)),
        }

    def _write(self, conn: Conn, entry: Entry, *, is_new: bool) -> None:
        version = integrity.next_version(conn, TABLE, entry.id)
        values = self._encode(entry, version)
        if is_new:
            conn.insert(TABLE, [values])
        else:
            # Never SET the primary key: SQLite would then check every child table for the
            # old id.
            del values["id"]
            if conn.update(TABLE, values, "id = ?", (entry.id,)) != 1:
                raise ValidationError(f"there is no entry with id '{entry.id}' in the file")
        _replace_links(conn, entry)
        digest = integrity.record_digest(conn, TABLE, entry.id)
        self._store.manifest.put(conn, TABLE, entry.id, version, digest)
        IndexStore(self._store).maintain(conn, put=[(entry, version, digest)])

    def update_in(self, conn: Conn, entries: list[Entry]) -> None:
        """Re-save entries whose links changed as part of a larger change (same transaction)."""
        for entry in entries:
            self._write(conn, entry, is_new=False)

    def save(self, entry: Entry, *, is_new: bool, revision: RevisionAction) -> None:
        """Insert or update an entry with its links and (maybe) a revision, in one transaction.

        Only the newest saved version (the head of the entry's chain), saved live, is ever
        updated in place; asked to update another one, a new version is added instead.
        """
        with self._store.write() as conn:
            self._write(conn, entry, is_new=is_new)
            kind = revision.kind
            if (
                kind == "update"
                and revision.revision_id
                and not ChainStore(self._store).can_update_in_place(
                    conn, entry.id, revision.revision_id
                )
            ):
                kind = "new"
            if kind == "new":
                self._insert_revision(conn, entry)
            elif kind == "update" and revision.revision_id:
                self._update_revision(conn, revision.revision_id, entry)

    def record_version(self, entry: Entry, saved: datetime, *, origin: str) -> None:
        """Add a saved version of an entry as it is now, without saving the entry itself
        (the export records an entry whose links changed without a version: ``export``)."""
        with self._store.write() as conn:
            self._insert_revision(conn, entry, saved=saved, origin=origin)

    def insert_many(
        self, entries: list[Entry], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Bulk insert (archive import, demo, benchmarks): one transaction, executemany."""
        with self._store.write() as conn:
            self.insert_many_in(conn, entries, progress)

    def insert_many_in(
        self,
        conn: Conn,
        entries: list[Entry],
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """:meth:`insert_many` inside a larger transaction (``progress``: entries written of
        the total, the second half being their first saved versions)."""
        manifest = self._store.manifest
        total = len(entries)
        for start in range(0, total, 500):
            chunk = entries[start : start + 500]
            conn.insert(TABLE, [self._encode(e, 1) for e in chunk])
            if progress:
                progress((start + len(chunk)) // 2, total)
        for entry in entries:
            _insert_links(conn, entry)
        written = integrity.scan_file(conn, ("entries",))["entries"]
        for entry in entries:
            manifest.put(conn, TABLE, entry.id, 1, written[entry.id].digest)
        for start in range(0, total, 500):
            for entry in entries[start : start + 500]:
                self._insert_revision(conn, entry)
            if progress:
                progress((total + min(total, start + 500)) // 2, total)
        IndexStore(self._store).maintain(conn, put=[(e, 1, written[e.id].digest) for e in entries])

    def delete(self, entry_id: EntryId, *, relinked: list[Entry] | None = None) -> None:
        """Delete an entry; links, revisions and attachments go with it (ON DELETE CASCADE).

        ``relinked``: reflections that answered this plan, saved without the link in the same
        transaction (their sealed structure must say so too).
        """
        manifest = self._store.manifest
        with self._store.write() as conn:
            for child in ("revision_links", "revisions", "attachments"):
                for (child_id,) in conn.exec_driver_sql(
                    f"SELECT id FROM {child} WHERE entry_id = ?", (entry_id,)
                ).all():
                    manifest.remove(conn, child, str(child_id))
            conn.exec_driver_sql("DELETE FROM entries WHERE id = ?", (entry_id,))
            manifest.remove(conn, TABLE, entry_id)
            IndexStore(self._store).maintain(conn, remove=[entry_id])
            self.update_in(conn, relinked or [])

    # ---- revisions -----------------------------------------------------------------------

    def _snapshot(self, revision_id: str, entry: Entry, version: int) -> bytes:
        return self._store.cipher.encrypt_json(
            entry_to_dict(entry),
            table=REVISIONS,
            row_id=revision_id,
            field="snapshot",
            version=version,
        )

    def _insert_revision(
        self,
        conn: Conn,
        entry: Entry,
        *,
        saved: datetime | None = None,
        origin: str = "live",
    ) -> None:
        """A new saved version and its chain link (same transaction)."""
        rid = new_id()
        if saved is not None:
            entry = entry.replace(updated=saved)
        conn.insert(
            REVISIONS,
            [
                {
                    "id": rid,
                    "version": 1,
                    "entry_id": entry.id,
                    "saved": to_db(entry.updated),
                    "snapshot": self._snapshot(rid, entry, 1),
                }
            ],
        )
        self._store.manifest.put(
            conn, REVISIONS, rid, 1, integrity.record_digest(conn, REVISIONS, rid)
        )
        ChainStore(self._store).append(conn, entry, rid, entry.updated, origin=origin)

    def _update_revision(self, conn: Conn, revision_id: str, entry: Entry) -> None:
        version = integrity.next_version(conn, REVISIONS, revision_id)
        conn.update(
            REVISIONS,
            {
                "version": version,
                "saved": to_db(entry.updated),
                "snapshot": self._snapshot(revision_id, entry, version),
            },
            "id = ?",
            (revision_id,),
        )
        self._store.manifest.put(
            conn,
            REVISIONS,
            revision_id,
            version,
            integrity.record_digest(conn, REVISIONS, revision_id),
        )
        ChainStore(self._store).rewrite_head(conn, entry, revision_id, entry.updated)

    def latest_revision(self, entry_id: EntryId) -> tuple[RevisionId, datetime] | None:
        """Id and save time of the newest revision of an entry: the head of its chain (by
        the sealed order, not by the clock), else None."""
        with self._store.read() as conn:
            try:
                head = ChainStore(self._store).head(conn, entry_id)
            except DamagedRecordError:
                return None
            if head is None:
                return None
            rows = integrity.raw_rows(
                conn, "SELECT id, saved FROM revisions WHERE id = ?", (head.revision_id,)
            )
        if not rows:
            return None
        saved = integrity.norm("dt", rows[0][1])
        if not isinstance(saved, str) or saved.startswith("("):
            return None  # an edited save time: start a new revision rather than trust it
        return RevisionId(str(rows[0][0])), datetime.fromisoformat(saved).replace(tzinfo=UTC)

    def _decode_revision(self, row: Mapping[str, Any]) -> tuple[Revision, list[StructureChange]]:
        """A revision from raw values; the snapshot is the sealed copy of its structure."""
        rid = str(row["id"])
        version = row["version"]
        if not isinstance(version, int):
            raise DamagedRecordError(f"saved version {rid}: its save counter is damaged")
        data = self._store.cipher.decrypt_json(
            row["snapshot"], table=REVISIONS, row_id=rid, field="snapshot", version=version
        )
        if not isinstance(data, dict):
            raise DamagedRecordError(f"revision {rid} is unreadable")
        try:
            entry = entry_from_dict(data)
        except (ValueError, KeyError, TypeError) as exc:
            raise DamagedRecordError(f"revision {rid} is unreadable") from exc
        sealed = revision_structure(entry.id, entry.updated)
        found = integrity.structure(REVISIONS, row)
        changes = [
            StructureChange(REVISIONS, rid, column, a, b)
            for column, a, b in integrity.differences(sealed, found)
        ]
        return Revision(RevisionId(rid), entry.id, entry.updated, entry), changes

    def _revision_rows(self, where: str = "", params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        columns = ("id", "version", "entry_id", "saved", "snapshot")
        with self._store.read() as conn:
            rows = conn.exec_driver_sql(
                f"SELECT {', '.join(columns)} FROM revisions {where}", params
            ).all()
        return [dict(zip(columns, r, strict=True)) for r in rows]

    def revisions(self, entry_id: EntryId) -> tuple[list[Revision], list[DamagedRecord]]:
        """All revisions of an entry, newest first (a revision moved here from another entry
        is reported as damaged, not shown)."""
        result: list[Revision] = []
        damaged: list[DamagedRecord] = []
        for row in self._revision_rows("WHERE entry_id = ?", (entry_id,)):
            try:
                revision, changes = self._decode_revision(row)
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord(REVISIONS, str(row["id"]), exc.user_message))
                continue
            if revision.entry_id != entry_id:
                damaged.append(
                    DamagedRecord(
                        REVISIONS,
                        revision.id,
                        f"it belongs to entry {revision.entry_id[:8]} but was moved here "
                        "outside the app",
                    )
                )
                continue
            del changes
            result.append(revision)
        result.sort(key=lambda r: r.saved, reverse=True)
        return result, damaged

    def check_all_revisions(self) -> Loaded:
        """Decrypt every revision of every entry and check what binds it (``portfolio check``)."""
        loaded = Loaded()
        for row in self._revision_rows():
            try:
                revision, changes = self._decode_revision(row)
            except DamagedRecordError as exc:
                loaded.damaged.append(DamagedRecord(REVISIONS, str(row["id"]), exc.user_message))
                continue
            loaded.records.append(revision)
            loaded.changes.extend(changes)
        return loaded

    def newest_readable_title(self, entry_id: str) -> str | None:
        """The title of an entry's newest revision that decrypts (names a damaged entry)."""
        rows = self._revision_rows("WHERE entry_id = ? ORDER BY saved DESC LIMIT 20", (entry_id,))
        for row in rows:
            try:
                revision, _changes = self._decode_revision(row)
            except DamagedRecordError:
                continue
            if revision.entry_id == entry_id:
                return revision.entry.title
        return None

    def plain_description(self, entry_id: str) -> str:
        """What the file's unprotected columns say an entry was (kind and date; unverified)."""
        with self._store.read() as conn:
            row = conn.exec_driver_sql(
                "SELECT kind, occurred_on, created FROM entries WHERE id = ?", (entry_id,)
            ).first()
        if row is None:
            return "not in the file"
        kind = row[0] if isinstance(row[0], str) else "entry"
        when = integrity.norm("dt", row[1] or row[2])
        day = str(when)[:10] if isinstance(when, str) and not when.startswith("(") else "?"
        return f"a {kind} dated {day}, according to the file's unprotected columns"

    def revision_owner(self, revision_id: str) -> str | None:
        """The entry a revision's sealed snapshot belongs to (names a moved revision)."""
        rows = self._revision_rows("WHERE id = ?", (revision_id,))
        if not rows:
            return None
        try:
            revision, _changes = self._decode_revision(rows[0])
        except DamagedRecordError:
            return None
        return revision.entry_id


class RevisionAction:
    """What to do with revision history when an entry is saved."""

    def __init__(self, kind: str, revision_id: str | None = None) -> None:
        self.kind = kind  # "new", "update" (coalesce into the latest) or "none"
        self.revision_id = revision_id


def _replace_links(conn: Conn, entry: Entry) -> None:
    for table in ("entry_events", "entry_experiences", "entry_competencies"):
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE entry_id = ?", (entry.id,))
    _insert_links(conn, entry)


def _insert_links(conn: Conn, entry: Entry) -> None:
    if entry.event_ids:
        conn.insert(
            "entry_events", [{"entry_id": entry.id, "event_id": e} for e in entry.event_ids]
        )
    if entry.experience_ids:
        conn.insert(
            "entry_experiences",
            [{"entry_id": entry.id, "experience_id": e} for e in entry.experience_ids],
        )
    if entry.competencies:
        conn.insert(
            "entry_competencies",
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
