"""The structure seal of each record and the keyed manifest over every record.

Field encryption alone leaves the plain columns (status, dates, kinds, attendance, links,
competency claims) and the *set* of records open to someone with write access to the file.
Two things close that:

1. **Sealed structure.** Every record's plain columns are also kept, as they were saved, in an
   encrypted ``meta`` field (entries, events, experiences, attachments; a revision's snapshot
   plays that role). The app builds its objects from the sealed copy; the plain columns are
   an index, compared with it at load so a change is named ("status: saved as draft, the file
   says reviewed").

2. **Keyed manifest.** ``record_manifest`` has one row per record: table, id, save counter
   (``version``, also bound into each field's associated data) and a digest of its plain
   columns as stored (an entry's with its links, in order: ``raw_digest``). ``manifest_head``
   holds, sealed with AES-GCM under the data key, for each table the count of records and
   the XOR of ``HMAC(K_m, table|id|version|digest)`` over them, plus digests of the key
   slots. K_m is HKDF(data key, "rp-manifest-mac-v1").

   A save changes one record, so it XORs out the old term and XORs in the new one: two HMACs
   and one small re-seal of the head in the same SQLite transaction, whatever the size of
   the portfolio (O(1) per save). At open the aggregates are recomputed over the records in
   the file (a few µs per record) and compared with the sealed head; the per-record rows
   then name what differs: deleted, brought back, rolled back to an older copy, moved or
   edited. A record the manifest vouches for is used as stored; the others are rebuilt from
   their sealed copy. The HMAC outputs are never stored and the aggregates are only stored
   encrypted, so someone without the key learns nothing that would let them build a different
   set of records with the same aggregate; what they *can* do is put back a whole older
   file, with its own older head (a whole-file rollback), which no check inside the file can
   tell from the real thing.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from portfolio_app.core.bulk import paused_gc
from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.storage.sqlite_db import Conn
from portfolio_app.core.vault.field_cipher import FieldCipher

HEAD_TABLE = "manifest_head"
HEAD_FORMAT = 1

#: Plain columns of each record table, with how to read them. Entries also carry their links.
SPEC: dict[str, tuple[tuple[str, str], ...]] = {
    "profile": (),
    "settings": (),
    "frameworks": (("imported", "dt"),),
    "events": (("kind", "str"), ("on_date", "date"), ("attended", "bool"), ("created", "dt")),
    "experiences": (
        ("kind", "str"),
        ("starts_on", "date"),
        ("ends_on", "date"),
        ("created", "dt"),
    ),
    "entries": (
        ("kind", "str"),
        ("status", "str"),
        ("template_id", "str"),
        ("created", "dt"),
        ("updated", "dt"),
        ("occurred_on", "dt"),
        ("plan_id", "str"),
    ),
    "revisions": (("entry_id", "str"), ("saved", "dt")),
    # A link of an entry's revision hash chain (core.timeline.chain); sealed inside ``link``.
    "revision_links": (("entry_id", "str"), ("seq", "int")),
    "attachments": (("entry_id", "str"), ("added", "dt"), ("size", "int")),
    # Tutor feedback imported from a countersigned PDF; sealed inside ``data`` (issue 9).
    "feedback": (("received", "dt"),),
    # The encrypted search index's segments (core.storage.index_store): no plain columns.
    "entry_index": (),
}
TABLES = tuple(SPEC)
ID_COLUMN = {"settings": "key"}
LINK_KEYS = ("event_ids", "experience_ids", "competencies")


def id_column(table: str) -> str:
    """The primary-key column of a record table."""
    return ID_COLUMN.get(table, "id")


# ---- structure ------------------------------------------------------------------------------


def _unreadable(value: object) -> str:
    return f"(unreadable: {value!r:.60})"


def norm(kind: str, value: object) -> object:
    """One plain value in the form the seal keeps, from Python or from what SQLite returned.

    A value that cannot be what the app writes (text in a date column...) becomes a marker
    string, so it compares unequal instead of raising.
    """
    if value is None:
        return None
    if kind == "dt":
        if isinstance(value, datetime):
            return (value if value.tzinfo is None else value.replace(tzinfo=None)).isoformat()
        if isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                return _unreadable(value)
            return (parsed if parsed.tzinfo is None else parsed.replace(tzinfo=None)).isoformat()
        return _unreadable(value)
    if kind == "date":
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return date.fromisoformat(value).isoformat()
            except ValueError:
                return _unreadable(value)
        return _unreadable(value)
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        return _unreadable(value)
    if kind == "int":
        return (
            value if isinstance(value, int) and not isinstance(value, bool) else _unreadable(value)
        )
    return value if isinstance(value, str) else _unreadable(value)


def structure(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The plain structure of a record (links of an entry in the order given)."""
    result: dict[str, Any] = {
        column: norm(kind, values.get(column)) for column, kind in SPEC[table]
    }
    if table == "entries":
        result["event_ids"] = [norm("str", x) for x in values.get("event_ids", ())]
        result["experience_ids"] = [norm("str", x) for x in values.get("experience_ids", ())]
        result["competencies"] = [
            [norm("str", fw), norm("str", code), rating if isinstance(rating, int) else None]
            for fw, code, rating in values.get("competencies", ())
        ]
    return result


def _link_order(item: object) -> tuple[str, ...]:
    if isinstance(item, list | tuple):
        return tuple(str(part) for part in item)
    return (str(item),)


def _comparable(struct: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(struct)
    for key in LINK_KEYS:
        value = result.get(key)
        if isinstance(value, list) and len(value) > 1:
            try:  # the common case, without a key function (this runs for every record)
                result[key] = sorted(value)
            except TypeError:  # mixed types from a hostile file
                result[key] = sorted(value, key=_link_order)
    return result


def raw_digest(table: str, values: Mapping[str, Any]) -> str:
    """A short digest of a record's plain columns exactly as SQLite stores them.

    Over the raw values (str, int, float, bytes, None: their ``repr`` is stable), in SPEC
    order, and for an entry its link rows in the order they were written (``rowid``), so a
    reordering is a change too. No parsing: this runs for every record at unlock. The writers
    read a record back after writing it (``record_digest``), so the digest is of what is on
    disk, whatever the driver made of the values.
    """
    plain = tuple(values.get(column) for column, _kind in SPEC[table])
    links = tuple(tuple(values.get(key, ())) for key in LINK_KEYS) if table == "entries" else None
    return _digest_of(plain, links)


def _digest_of(plain: tuple[Any, ...], links: tuple[Any, ...] | None) -> str:
    text = repr(plain) if links is None else repr((plain, links))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def same_structure(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two structures agree (links compared as sets; equal order is the fast path)."""
    return a == b or _comparable(a) == _comparable(b)


def differences(sealed: Mapping[str, Any], found: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    """(column, value as saved, value in the file) for every plain column that differs."""
    a, b = _comparable(sealed), _comparable(found)
    return [
        (key, a.get(key), b.get(key)) for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)
    ]


# ---- reading what is in the file ------------------------------------------------------------


def raw_rows(conn: Conn, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Rows as plain tuples from the DB-API cursor: no type processing (a hostile value in a
    plain column stays a value to compare, not an exception) and no per-row overhead (this
    reads every record at unlock)."""
    cursor = conn.raw.cursor()
    try:
        return list(cursor.execute(sql, params).fetchall())
    finally:
        cursor.close()


@dataclass(frozen=True)
class FileRecord:
    """What the file says about one record, read without decrypting anything."""

    table: str
    version: object
    digest: str
    plain: tuple[Any, ...]  # the plain columns in SPEC order, as SQLite returned them
    links: dict[str, list[Any]] | None = None

    @property
    def raw(self) -> dict[str, Any]:
        """The plain columns (and an entry's links) by name."""
        values = dict(zip((c for c, _k in SPEC[self.table]), self.plain, strict=True))
        if self.links:
            values.update(self.links)
        return values

    @property
    def structure(self) -> dict[str, Any]:
        """The plain columns in the sealed form."""
        return structure(self.table, self.raw)


def read_links(conn: Conn) -> dict[str, dict[str, list[Any]]]:
    """Every entry's links as raw values: {entry_id: {"event_ids": [...], ...}}."""
    links: dict[str, dict[str, list[Any]]] = defaultdict(
        lambda: {"event_ids": [], "experience_ids": [], "competencies": []}
    )
    for entry_id, event_id in raw_rows(
        conn, "SELECT entry_id, event_id FROM entry_events ORDER BY rowid"
    ):
        links[str(entry_id)]["event_ids"].append(event_id)
    for entry_id, experience_id in raw_rows(
        conn, "SELECT entry_id, experience_id FROM entry_experiences ORDER BY rowid"
    ):
        links[str(entry_id)]["experience_ids"].append(experience_id)
    for entry_id, fw, code, rating in raw_rows(
        conn,
        "SELECT entry_id, framework_id, code, self_rating FROM entry_competencies ORDER BY rowid",
    ):
        links[str(entry_id)]["competencies"].append((fw, code, rating))
    return links


def scan_file(
    conn: Conn, tables: Iterable[str] = TABLES, where_ids: Iterable[str] | None = None
) -> dict[str, dict[str, FileRecord]]:
    """Every record's id, save counter and raw-column digest, straight from the file
    (``where_ids``: only those records, for a writer reading its own rows back)."""
    with paused_gc():
        return _scan_file(conn, tables, where_ids)


def _scan_file(
    conn: Conn, tables: Iterable[str], where_ids: Iterable[str] | None
) -> dict[str, dict[str, FileRecord]]:
    wanted = set(tables)
    links = read_links(conn) if "entries" in wanted else {}
    ids = list(where_ids) if where_ids is not None else None
    result: dict[str, dict[str, FileRecord]] = {}
    for table in wanted:
        spec = SPEC[table]
        columns = [id_column(table), "version", *(c for c, _k in spec)]
        sql = f"SELECT {', '.join(columns)} FROM {table}"
        params: tuple[Any, ...] = ()
        if ids is not None:
            sql += f" WHERE {id_column(table)} IN ({', '.join('?' for _ in ids)})"
            params = tuple(ids)
        rows: dict[str, FileRecord] = {}
        no_links: dict[str, list[Any]] = {}
        for raw in raw_rows(conn, sql, params):
            rid, version, plain = str(raw[0]), raw[1], tuple(raw[2:])
            if table == "entries":
                own = links.get(rid, no_links)
                link_tuple = tuple(tuple(own.get(key, ())) for key in LINK_KEYS)
                rows[rid] = FileRecord(
                    table, version, _digest_of(plain, link_tuple), plain, own or None
                )
            else:
                rows[rid] = FileRecord(table, version, _digest_of(plain, None), plain)
        result[table] = rows
    return result


def read_links_of(conn: Conn, entry_id: str) -> dict[str, list[Any]]:
    """One entry's links as raw values, in the order they were written."""
    return {
        "event_ids": [
            r[0]
            for r in raw_rows(
                conn,
                "SELECT event_id FROM entry_events WHERE entry_id = ? ORDER BY rowid",
                (entry_id,),
            )
        ],
        "experience_ids": [
            r[0]
            for r in raw_rows(
                conn,
                "SELECT experience_id FROM entry_experiences WHERE entry_id = ? ORDER BY rowid",
                (entry_id,),
            )
        ],
        "competencies": [
            tuple(r)
            for r in raw_rows(
                conn,
                "SELECT framework_id, code, self_rating FROM entry_competencies "
                "WHERE entry_id = ? ORDER BY rowid",
                (entry_id,),
            )
        ],
    }


def record_digest(conn: Conn, table: str, row_id: str) -> str:
    """The digest of one record as it is now on disk (writers call it after writing)."""
    id_value: object = int(row_id) if table == "profile" else row_id
    columns = [c for c, _k in SPEC[table]]
    select = ", ".join(columns) if columns else "1"
    row = raw_rows(
        conn,
        f"SELECT {select} FROM {table} WHERE {id_column(table)} = ?",
        (id_value,),
    )
    if not row:
        raise DamagedRecordError(f"{table} record {row_id} vanished while it was written")
    values: dict[str, Any] = dict(zip(columns, row[0], strict=False))
    if table == "entries":
        values.update(read_links_of(conn, row_id))
    return raw_digest(table, values)


# ---- the manifest ---------------------------------------------------------------------------


@dataclass
class Head:
    """The decrypted manifest head."""

    counter: int
    tables: dict[str, dict[str, Any]]
    slots: dict[str, str]

    def aggregate(self, table: str) -> tuple[int, int]:
        """(count, xor) of a table."""
        entry = self.tables.get(table, {})
        return int(entry.get("count", 0)), int(str(entry.get("xor", "0")), 16)


@dataclass
class _Pending:
    xor: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    count: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    slots: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.xor or self.count or self.slots)


class ManifestError(DamagedRecordError):
    """The manifest head is missing or failed its integrity check."""


class Manifest:
    """Keeps ``record_manifest`` and the sealed head in step with every write.

    Repositories call :meth:`put` / :meth:`remove` inside a write transaction;
    ``Store.write`` calls :meth:`flush` before the commit, so the head changes in the same
    transaction as the records (a crash keeps both old or both new).
    """

    def __init__(self, cipher: FieldCipher) -> None:
        self._cipher = cipher
        self._pending: _Pending | None = None

    def term(self, table: str, row_id: str, version: object, struct_digest: str) -> int:
        """The keyed term of one record in its table's aggregate."""
        message = f"{table}|{row_id}|{version}|{struct_digest}".encode()
        return int.from_bytes(self._cipher.mac(message), "big")

    # -- writing

    def begin(self) -> None:
        """Start collecting the changes of one transaction."""
        self._pending = _Pending()

    def discard(self) -> None:
        """Forget uncommitted changes (the transaction rolled back)."""
        self._pending = None

    def _require_pending(self) -> _Pending:
        if self._pending is None:
            raise RuntimeError("manifest changes must happen inside Store.write()")
        return self._pending

    def put(self, conn: Conn, table: str, row_id: str, version: int, struct_digest: str) -> None:
        """Record that ``row_id`` of ``table`` is now at ``version`` with this structure."""
        pending = self._require_pending()
        old = conn.exec_driver_sql(
            "SELECT version, digest FROM record_manifest WHERE tbl = ? AND id = ?", (table, row_id)
        ).first()
        if old is not None:
            pending.xor[table] ^= self.term(table, row_id, old[0], str(old[1]))
            pending.count[table] -= 1
        pending.xor[table] ^= self.term(table, row_id, version, struct_digest)
        pending.count[table] += 1
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO record_manifest (tbl, id, version, digest) VALUES (?, ?, ?, ?)",
            (table, row_id, version, struct_digest),
        )

    def remove(self, conn: Conn, table: str, row_id: str) -> None:
        """Record that a record was deleted."""
        pending = self._require_pending()
        old = conn.exec_driver_sql(
            "SELECT version, digest FROM record_manifest WHERE tbl = ? AND id = ?", (table, row_id)
        ).first()
        if old is None:
            return
        pending.xor[table] ^= self.term(table, row_id, old[0], str(old[1]))
        pending.count[table] -= 1
        conn.exec_driver_sql(
            "DELETE FROM record_manifest WHERE tbl = ? AND id = ?", (table, row_id)
        )

    def set_slot(self, kind: str, slot_digest: str) -> None:
        """Record a new key slot (passphrase change, recovery key, rotation)."""
        self._require_pending().slots[kind] = slot_digest

    def flush(self, conn: Conn) -> None:
        """Apply the collected changes to the sealed head (inside the same transaction)."""
        pending = self._pending
        self._pending = None
        if not pending:
            return
        head = self.read_head(conn)
        if head is None:
            raise ManifestError("the portfolio's manifest is missing; run 'portfolio check'")
        for table in set(pending.xor) | set(pending.count):
            count, xor = head.aggregate(table)
            head.tables[table] = {
                "count": count + pending.count[table],
                "xor": format(xor ^ pending.xor[table], "x"),
            }
        head.slots.update(pending.slots)
        self.write_head(conn, head)

    def write_head(self, conn: Conn, head: Head) -> None:
        """Seal and store a head with the next counter."""
        head.counter += 1
        sealed = self._cipher.encrypt_json(
            {
                "format": HEAD_FORMAT,
                "counter": head.counter,
                "tables": head.tables,
                "slots": head.slots,
            },
            table=HEAD_TABLE,
            row_id="1",
            field="head",
            version=head.counter,
        )
        conn.exec_driver_sql(
            "INSERT OR REPLACE INTO manifest_head (id, counter, sealed) VALUES (1, ?, ?)",
            (head.counter, sealed),
        )

    def read_head(self, conn: Conn) -> Head | None:
        """The decrypted head, None when there is none; ManifestError when it is damaged."""
        row = conn.exec_driver_sql("SELECT counter, sealed FROM manifest_head WHERE id = 1").first()
        if row is None:
            return None
        counter, sealed = row
        if not isinstance(counter, int) or not isinstance(sealed, bytes):
            raise ManifestError("the portfolio's manifest head is damaged")
        try:
            data = self._cipher.decrypt_json(
                sealed, table=HEAD_TABLE, row_id="1", field="head", version=counter
            )
        except DamagedRecordError as exc:
            raise ManifestError(
                "the portfolio's manifest head failed its integrity check (it was edited or "
                "replaced outside the app)"
            ) from exc
        if not isinstance(data, dict) or data.get("counter") != counter:
            raise ManifestError("the portfolio's manifest head is damaged")
        tables = data.get("tables") if isinstance(data.get("tables"), dict) else {}
        slots = data.get("slots") if isinstance(data.get("slots"), dict) else {}
        return Head(counter, dict(tables or {}), {str(k): str(v) for k, v in (slots or {}).items()})

    def rebuild(
        self,
        conn: Conn,
        files: Mapping[str, Mapping[str, FileRecord]],
        slots: Mapping[str, str],
        *,
        counter: int = 0,
    ) -> None:
        """Make the manifest say exactly what the file holds now (creation, migration, acceptance).

        Changes collected earlier in the same transaction are already part of what it holds,
        so they are dropped rather than applied twice.
        """
        if self._pending is not None:
            self._pending = _Pending()
        conn.exec_driver_sql("DELETE FROM record_manifest")
        tables: dict[str, dict[str, Any]] = {}
        for table in TABLES:
            xor = 0
            records = files.get(table, {})
            for rid, record in records.items():
                version = record.version if isinstance(record.version, int) else 0
                xor ^= self.term(table, rid, version, record.digest)
                conn.exec_driver_sql(
                    "INSERT INTO record_manifest (tbl, id, version, digest) VALUES (?, ?, ?, ?)",
                    (table, rid, version, record.digest),
                )
            tables[table] = {"count": len(records), "xor": format(xor, "x")}
        self.write_head(conn, Head(counter, tables, dict(slots)))

    # -- checking

    def verify(
        self,
        conn: Conn,
        files: Mapping[str, Mapping[str, FileRecord]],
        slots: Mapping[str, str],
        tables: Iterable[str] = TABLES,
    ) -> list[Discrepancy]:
        """Compare the file with the sealed manifest; an empty list means they agree.

        ``tables``: only these (``files`` must hold them); the head and the key slots are
        always checked.
        """
        wanted = tuple(tables)
        try:
            head = self.read_head(conn)
        except ManifestError as exc:
            return [Discrepancy("manifest", "head", "manifest", exc.user_message)]
        if head is None:
            return [
                Discrepancy(
                    "manifest",
                    "head",
                    "manifest",
                    "the portfolio's manifest was deleted outside the app, so deleted or "
                    "rolled-back records cannot be ruled out",
                )
            ]
        listed: dict[str, dict[str, tuple[object, str]]] = defaultdict(dict)
        marks = ", ".join("?" * len(wanted))
        where = "" if set(wanted) >= set(TABLES) else f" WHERE tbl IN ({marks})"
        for tbl, rid, version, dig in raw_rows(
            conn,
            f"SELECT tbl, id, version, digest FROM record_manifest{where}",
            wanted if where else (),
        ):
            listed[str(tbl)][str(rid)] = (version, str(dig))
        found: list[Discrepancy] = []
        for table in wanted:
            in_file = files.get(table, {})
            in_list = listed.get(table, {})
            count, sealed_xor = head.aggregate(table)
            list_xor = _xor(self.term(table, rid, v, d) for rid, (v, d) in in_list.items())
            list_ok = list_xor == sealed_xor and len(in_list) == count
            if list_ok and _same(in_file, in_list):
                continue
            file_xor = _xor(
                self.term(table, rid, r.version, r.digest) for rid, r in in_file.items()
            )
            if file_xor == sealed_xor and len(in_file) == count:
                if not list_ok:  # only the record list was edited; the records are as saved
                    found.append(
                        Discrepancy(
                            table,
                            "*",
                            "list",
                            f"the list of {table} in the manifest was edited outside the app "
                            f"(the {table} themselves are as saved)",
                        )
                    )
                continue
            named = _name_differences(table, in_file, in_list) if list_ok else []
            if named:
                found.extend(named)
            else:
                found.append(
                    Discrepancy(
                        table,
                        "*",
                        "unknown",
                        f"{table}: records were deleted, brought back or rolled back outside "
                        f"the app, and the manifest's list was edited too, so the app cannot "
                        f"tell which ({count} expected, {len(in_file)} in the file)",
                    )
                )
        for kind, slot_digest in slots.items():
            if head.slots.get(kind) not in (None, slot_digest):
                found.append(
                    Discrepancy(
                        "key_slots",
                        kind,
                        "replaced",
                        f"the {kind} key slot was replaced outside the app (an older "
                        f"{'passphrase' if kind == 'passphrase' else 'recovery key'} may have "
                        "been put back)",
                    )
                )
        return found


def _same(in_file: Mapping[str, FileRecord], in_list: Mapping[str, tuple[object, str]]) -> bool:
    if len(in_file) != len(in_list):
        return False
    for rid, record in in_file.items():
        listed = in_list.get(rid)
        if listed is None or listed[0] != record.version or listed[1] != record.digest:
            return False
    return True


def _xor(values: Iterable[int]) -> int:
    result = 0
    for value in values:
        result ^= value
    return result


@dataclass(frozen=True)
class Discrepancy:
    """One way the file differs from the sealed manifest.

    ``kind``: deleted, added, rolled-back, changed (structure), ahead, list, unknown, manifest,
    replaced.
    """

    table: str
    row_id: str
    kind: str
    detail: str


def _name_differences(
    table: str,
    in_file: Mapping[str, FileRecord],
    in_list: Mapping[str, tuple[object, str]],
) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    for rid, (version, dig) in in_list.items():
        record = in_file.get(rid)
        if record is None:
            found.append(Discrepancy(table, rid, "deleted", "deleted outside the app"))
        elif record.version != version:
            if (
                isinstance(record.version, int)
                and isinstance(version, int)
                and record.version < version
            ):
                found.append(
                    Discrepancy(
                        table,
                        rid,
                        "rolled-back",
                        f"rolled back to an older copy (save {record.version}; the latest "
                        f"save was {version})",
                    )
                )
            else:
                found.append(
                    Discrepancy(
                        table,
                        rid,
                        "ahead",
                        f"its save counter was edited ({record.version!r}, expected {version})",
                    )
                )
        elif record.digest != dig:
            found.append(
                Discrepancy(table, rid, "changed", "its plain columns were edited outside the app")
            )
    for rid in in_file:
        if rid not in in_list:
            found.append(
                Discrepancy(
                    table,
                    rid,
                    "added",
                    "not in the manifest: it was deleted in the app and put back from an "
                    "older copy, or added outside the app",
                )
            )
    return found


def next_version(conn: Conn, table: str, row_id: str) -> int:
    """The save counter a record gets now: one more than the file or the manifest says."""
    row = conn.exec_driver_sql(
        f"SELECT version FROM {table} WHERE {id_column(table)} = ?",
        (row_id,),
    ).first()
    listed = conn.exec_driver_sql(
        "SELECT version FROM record_manifest WHERE tbl = ? AND id = ?", (table, row_id)
    ).first()
    known = [v[0] for v in (row, listed) if v is not None and isinstance(v[0], int)]
    return max(known, default=0) + 1


def head_counter(conn: Conn) -> int:
    """The manifest head's change counter (0 when there is none)."""
    rows = raw_rows(conn, "SELECT counter FROM manifest_head WHERE id = 1")
    return rows[0][0] if rows and isinstance(rows[0][0], int) else 0


def slot_digest(header: bytes, wrapped_key: bytes) -> str:
    """What the manifest head remembers of a key slot."""
    return hashlib.sha256(bytes(header) + b"|" + bytes(wrapped_key)).hexdigest()


# ---- the one-off migration of older portfolios ------------------------------------------------

#: Encrypted columns of each record table (format 1 -> format 2 at the migration).
ENCRYPTED: dict[str, tuple[str, ...]] = {
    "profile": ("data",),
    "settings": ("value",),
    "frameworks": ("pack",),
    "events": ("title", "place", "professions", "notes", "attendance"),
    "experiences": ("title", "setting", "supervisor", "notes", "attendance"),
    "entries": ("title", "sections", "tags", "professions"),
    "revisions": ("snapshot",),
    "revision_links": ("link",),
    "attachments": ("filename", "media_type", "data"),
    "feedback": ("data",),
    "entry_index": ("summaries", "terms"),
}
WITH_META = ("events", "experiences", "entries", "attachments")
#: Encrypted fields older rows may hold as NULL (added by a later revision). The migration
#: writes them out, so after it a NULL in such a field is a change made outside the app.
_EMPTY_FIELDS = {"attendance": b'{"hours":null,"confirmed_by":""}'}


def has_sealed_records(conn: Conn) -> bool:
    """Whether any record is already in format 2 (then a missing head is tampering)."""
    for table, columns in ENCRYPTED.items():
        column = columns[0]
        row = conn.exec_driver_sql(
            f"SELECT 1 FROM {table} WHERE substr({column}, 1, 1) = x'02' LIMIT 1"
        ).first()
        if row is not None:
            return True
    return False


def needs_sealing(conn: Conn) -> bool:
    """True for a portfolio written before the integrity migration (no head, no format 2)."""
    head = conn.exec_driver_sql("SELECT 1 FROM manifest_head").first()
    return head is None and not has_sealed_records(conn)


def migrate_to_sealed(
    conn: Conn,
    cipher: FieldCipher,
    manifest: Manifest,
    slots: Mapping[str, str],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-encrypt every record with its save counter, seal its structure, build the manifest.

    Runs in the caller's transaction: a crash leaves the portfolio exactly as it was, and the
    next unlock starts again. The structure sealed is what the file says now (the app cannot
    know of changes made before this version). A record that does not decrypt is left as it
    is and stays reported as damaged. Returns how many records were sealed.
    """
    links = read_links(conn)
    total = sum(
        int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()) for t in ENCRYPTED
    )
    done = sealed_count = 0
    cipher.accept_legacy = True
    try:
        for table, fields in ENCRYPTED.items():
            id_col = id_column(table)
            plain_columns = [c for c, _k in SPEC[table]]
            columns = [id_col, *fields, *plain_columns]
            rows = conn.exec_driver_sql(f"SELECT {', '.join(columns)} FROM {table}").all()
            for raw in rows:
                done += 1
                values = dict(zip(columns, raw, strict=True))
                rid = str(values[id_col])
                try:
                    plain = {
                        name: _EMPTY_FIELDS[name]
                        if values[name] is None and name in _EMPTY_FIELDS
                        else cipher.decrypt(
                            bytes(values[name]), table=table, row_id=rid, field=name
                        )
                        for name in fields
                    }
                except (DamagedRecordError, TypeError):
                    continue
                updates: dict[str, bytes | int] = {
                    name: cipher.encrypt(
                        plain[name], table=table, row_id=rid, field=name, version=1
                    )
                    for name in fields
                }
                updates["version"] = 1
                if table in WITH_META:
                    if table == "entries":
                        values.update(links.get(rid, {}))
                    updates["meta"] = cipher.encrypt_json(
                        structure(table, values), table=table, row_id=rid, field="meta", version=1
                    )
                assignments = ", ".join(f"{name} = ?" for name in updates)
                conn.exec_driver_sql(
                    f"UPDATE {table} SET {assignments} WHERE {id_col} = ?",
                    (*updates.values(), values[id_col]),
                )
                sealed_count += 1
                if progress and done % 200 == 0:
                    progress(done, total)
    finally:
        cipher.accept_legacy = False
    manifest.rebuild(conn, scan_file(conn), slots)
    if progress:
        progress(total, total)
    return sealed_count


def reencrypt_all(
    conn: Conn,
    old: FieldCipher,
    new: FieldCipher,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Re-encrypt every field of every record from ``old`` to ``new`` (passphrase rotation).

    Runs in the caller's transaction, one record at a time (an attachment may be 50 MB). A
    record that does not decrypt cannot be re-encrypted and is left as it is (it stays
    reported as damaged). Returns how many records were re-encrypted.
    """
    total = sum(
        int(conn.exec_driver_sql(f"SELECT count(*) FROM {t}").scalar_one()) for t in ENCRYPTED
    )
    done = rewritten = 0
    for table, fields in ENCRYPTED.items():
        names = (*fields, "meta") if table in WITH_META else fields
        id_col = id_column(table)
        ids = [r[0] for r in conn.exec_driver_sql(f"SELECT {id_col} FROM {table}")]
        for raw_id in ids:
            done += 1
            row = conn.exec_driver_sql(
                f"SELECT version, {', '.join(names)} FROM {table} WHERE {id_col} = ?",
                (raw_id,),
            ).first()
            if row is None:
                continue
            version, blobs = row[0], row[1:]
            rid = str(raw_id)
            try:
                if not isinstance(version, int):
                    raise DamagedRecordError("save counter damaged")
                updates = [
                    new.encrypt(
                        old.decrypt(
                            bytes(blob), table=table, row_id=rid, field=name, version=version
                        ),
                        table=table,
                        row_id=rid,
                        field=name,
                        version=version,
                    )
                    for name, blob in zip(names, blobs, strict=True)
                ]
            except (DamagedRecordError, TypeError):
                continue
            assignments = ", ".join(f"{name} = ?" for name in names)
            conn.exec_driver_sql(
                f"UPDATE {table} SET {assignments} WHERE {id_col} = ?",
                (*updates, raw_id),
            )
            rewritten += 1
            if progress and done % 100 == 0:
                progress(done, total)
    if progress:
        progress(total, total)
    return rewritten


def rekey_manifest(conn: Conn, new: Manifest, slots: Mapping[str, str], counter: int) -> None:
    """Recompute the sealed head under a new key from the manifest's own (verified) list."""
    tables: dict[str, dict[str, Any]] = {t: {"count": 0, "xor": "0"} for t in TABLES}
    xors: dict[str, int] = defaultdict(int)
    for tbl, rid, version, dig in conn.exec_driver_sql(
        "SELECT tbl, id, version, digest FROM record_manifest"
    ):
        xors[str(tbl)] ^= new.term(str(tbl), str(rid), version, str(dig))
        tables.setdefault(str(tbl), {"count": 0, "xor": "0"})
        tables[str(tbl)]["count"] += 1
    for tbl, value in xors.items():
        tables[tbl]["xor"] = format(value, "x")
    new.write_head(conn, Head(counter, tables, dict(slots)))
