"""The encrypted search index on disk: sealed segments, updated in each entry's transaction.

Layout. Table ``entry_index`` holds one ``head`` row (the index format) and one row per
*bucket* of entries (``00`` to ``ff``, by a CRC of the entry id, so a bucket holds about
1/256 of the entries). A bucket row has two encrypted fields, like any record:

- ``summaries``: JSON ``{"format": 1, "entries": [[version, digest, record], ...]}`` where
  ``record`` is the entry's summary record (``core.domain.entry_index``) and ``version`` /
  ``digest`` are the entry row's save counter and raw-column digest as last written;
- ``terms``: the entries' search terms, one line each, in the same order.

Both are AES-256-GCM under the data key with the usual associated data (table, bucket id,
field, save counter), and each row is counted in the keyed manifest (``integrity``), so a
segment cannot be edited, moved, rolled back, deleted or brought back without the manifest
saying so. Nothing is compressed (no size side channel beyond the ciphertexts' lengths).

Why segments: a save re-encrypts one bucket (a few dozen entries), whatever the size of the
portfolio; unlock decrypts 257 blobs instead of 40,000 fields.

Trust. The index is derived data, written only from records the manifest vouches for: in the
same transaction as every entry write (``put``/``remove``), or rebuilt whole (``rebuild``)
after a full check found nothing unacknowledged. Because each summary carries the entry
row's save counter and digest, a verb that reads one entry can tell from its bucket alone
whether the row is exactly what the app last wrote (see ``PortfolioService``): the bucket is
authenticated by the manifest at open (256 keyed terms, not 10,000).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from portfolio_app.core.bulk import paused_gc
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.entry_index import RECORD_LENGTH, search_terms, summary_record
from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.store import Conn, Store

TABLE = "entry_index"
HEAD = "head"
FORMAT = 1
BUCKETS = 256
_FIELDS = ("summaries", "terms")


def bucket_of(entry_id: str) -> str:
    """The bucket an entry's summary lives in."""
    return format(zlib.crc32(entry_id.encode("utf-8")) & (BUCKETS - 1), "02x")


@dataclass
class Indexed:
    """What the index says of one entry: the row as last written, its summary and terms."""

    version: int
    digest: str
    record: list[Any]
    terms: str


@dataclass
class Segment:
    """One decrypted bucket."""

    bucket: str
    version: int = 0
    entries: dict[str, Indexed] = field(default_factory=dict)


class IndexStore:
    """Reads and writes the sealed segments. Writers run inside ``Store.write``."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # ---- reading ---------------------------------------------------------------------------

    def head(self, conn: Conn) -> dict[str, Any] | None:
        """The decrypted head row (format, buckets, entries known to be damaged), or None."""
        rows = integrity.raw_rows(
            conn, f"SELECT version, summaries FROM {TABLE} WHERE id = ?", (HEAD,)
        )
        if not rows:
            return None
        head = self._decrypt_json(HEAD, "summaries", *rows[0])
        return head if isinstance(head, dict) else {}

    def state(self, conn: Conn, head: dict[str, Any] | None = None) -> str:
        """ "ready", "missing" (never built, or cleared) or "stale" (another format)."""
        head = self.head(conn) if head is None else head
        if head is None:
            return "missing"
        if head.get("format") != FORMAT or head.get("buckets") != BUCKETS:
            return "stale"
        return "ready"

    def damaged(self, conn: Conn) -> dict[str, list[str]]:
        """Entries a full read found undecryptable: {id: [reason, label]} (they are not in
        the buckets, so lists built from the index name them instead of showing them)."""
        head = self.head(conn) or {}
        marks = head.get("damaged")
        if not isinstance(marks, dict):
            return {}
        return {
            str(k): [str(x) for x in v]
            for k, v in marks.items()
            if isinstance(v, list) and len(v) == 2
        }

    def read_bucket(self, conn: Conn, bucket: str, *, with_terms: bool = True) -> Segment:
        """One bucket (an empty segment when it has no row)."""
        rows = integrity.raw_rows(
            conn,
            f"SELECT version, summaries, terms FROM {TABLE} WHERE id = ?",
            (bucket,),
        )
        if not rows:
            return Segment(bucket)
        return self._parse(bucket, *rows[0], with_terms=with_terms)

    def read_all(self, conn: Conn, *, with_terms: bool = True) -> list[Segment]:
        """Every bucket that has a row."""
        columns = "id, version, summaries, terms" if with_terms else "id, version, summaries, NULL"
        rows = integrity.raw_rows(conn, f"SELECT {columns} FROM {TABLE} WHERE id != ?", (HEAD,))
        with paused_gc():
            return [
                self._parse(str(rid), version, summaries, terms, with_terms=with_terms)
                for rid, version, summaries, terms in rows
            ]

    def _decrypt_json(self, rid: str, name: str, version: object, blob: object) -> object:
        if not isinstance(version, int) or not isinstance(blob, bytes):
            raise DamagedRecordError(f"search index segment {rid} is damaged")
        return self._store.cipher.decrypt_json(
            blob, table=TABLE, row_id=rid, field=name, version=version
        )

    def _parse(
        self,
        bucket: str,
        version: object,
        summaries: object,
        terms: object,
        *,
        with_terms: bool,
    ) -> Segment:
        data = self._decrypt_json(bucket, "summaries", version, summaries)
        assert isinstance(version, int)  # checked by _decrypt_json
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise DamagedRecordError(f"search index segment {bucket} is in another format")
        items = data.get("entries")
        if not isinstance(items, list):
            raise DamagedRecordError(f"search index segment {bucket} is unreadable")
        lines: list[str] = [""] * len(items)
        if with_terms:
            if not isinstance(terms, bytes):
                raise DamagedRecordError(f"search index segment {bucket} is damaged")
            raw = self._store.cipher.decrypt(
                terms, table=TABLE, row_id=bucket, field="terms", version=version
            )
            lines = raw.decode("utf-8").split("\n") if items else []
            if len(lines) != len(items):
                raise DamagedRecordError(f"search index segment {bucket} is unreadable")
        segment = Segment(bucket, version)
        try:
            for item, line in zip(items, lines, strict=True):
                entry_version, digest, record = item
                if not isinstance(entry_version, int) or not isinstance(digest, str):
                    raise ValueError("bad stamp")
                if len(record) != RECORD_LENGTH or not isinstance(record[0], str):
                    raise ValueError("bad record")  # the fields are checked when used
                segment.entries[record[0]] = Indexed(entry_version, digest, record, line)
        except (ValueError, TypeError) as exc:
            raise DamagedRecordError(f"search index segment {bucket} is unreadable") from exc
        return segment

    # ---- writing (inside Store.write) --------------------------------------------------------

    def maintain(
        self,
        conn: Conn,
        *,
        put: Iterable[tuple[Entry, int, str]] = (),
        remove: Iterable[str] = (),
    ) -> None:
        """Keep a built index in step with entries written in this transaction.

        An index that is missing or stale is left alone (the next full open rebuilds it). A
        segment that fails to decrypt must not stop the student's save: the index is
        dropped instead (it is derived data) and rebuilt at the next full open; the
        manifest still reports any record changed outside the app.
        """
        try:
            head = self.head(conn)
            if self.state(conn, head) != "ready":
                return
            assert head is not None
            items = list(put)
            gone = list(remove)
            self.put_many(conn, items)
            for entry_id in gone:
                self.remove(conn, entry_id)
            marks = head.get("damaged")
            if isinstance(marks, dict):
                touched = {e.id for e, _v, _d in items} | set(gone)
                if touched & set(marks):
                    kept = {k: v for k, v in marks.items() if k not in touched}
                    self._write_head(conn, kept)
        except DamagedRecordError:
            self.clear(conn)

    def mark_damaged(self, conn: Conn, marks: dict[str, list[str]]) -> None:
        """Remember entries found undecryptable ({id: [reason, label]}): their summaries
        leave the buckets and the head names them (only on a ready index)."""
        head = self.head(conn)
        if self.state(conn, head) != "ready" or not marks:
            return
        assert head is not None
        found = head.get("damaged")
        known: dict[str, Any] = found if isinstance(found, dict) else {}
        for entry_id in marks:
            self.remove(conn, entry_id)
        self._write_head(conn, {**known, **marks})

    def _write_head(self, conn: Conn, damaged: dict[str, Any]) -> None:
        payload: dict[str, Any] = {"format": FORMAT, "buckets": BUCKETS}
        if damaged:
            payload["damaged"] = damaged
        self._write_row(conn, HEAD, payload, "")

    def put(self, conn: Conn, entry: Entry, version: int, digest: str) -> None:
        """An entry was written: its summary, terms and stamp replace the old ones."""
        self.put_many(conn, [(entry, version, digest)])

    def put_many(self, conn: Conn, items: Iterable[tuple[Entry, int, str]]) -> None:
        """Several entries written in one transaction (one re-seal per bucket touched)."""
        by_bucket: dict[str, list[tuple[Entry, int, str]]] = {}
        for item in items:
            by_bucket.setdefault(bucket_of(item[0].id), []).append(item)
        for bucket, bucket_items in by_bucket.items():
            segment = self.read_bucket(conn, bucket)
            for entry, version, digest in bucket_items:
                segment.entries[entry.id] = Indexed(
                    version, digest, summary_record(entry), search_terms(entry)
                )
            self._write(conn, segment)

    def remove(self, conn: Conn, entry_id: str) -> None:
        """An entry was deleted."""
        segment = self.read_bucket(conn, bucket_of(entry_id))
        if segment.entries.pop(entry_id, None) is not None:
            self._write(conn, segment)

    def rebuild(
        self,
        conn: Conn,
        items: Iterable[tuple[Entry, int, str]],
        damaged: dict[str, list[str]] | None = None,
    ) -> int:
        """Replace the whole index (missing, stale, or after the findings were accepted).

        The caller passes only entries the manifest vouches for. Returns how many entries
        were indexed.
        """
        return self.rebuild_records(
            conn,
            ((summary_record(e), search_terms(e), version, digest) for e, version, digest in items),
            damaged,
        )

    def rebuild_records(
        self,
        conn: Conn,
        items: Iterable[tuple[list[Any], str, int, str]],
        damaged: dict[str, list[str]] | None = None,
    ) -> int:
        """:meth:`rebuild` from summary records and terms already made (``damaged``: entries
        that could not be read, named in the head)."""
        self.clear(conn)
        segments: dict[str, Segment] = {}
        count = 0
        for record, terms, version, digest in items:
            bucket = bucket_of(record[0])
            segment = segments.setdefault(bucket, Segment(bucket))
            segment.entries[record[0]] = Indexed(version, digest, record, terms)
            count += 1
        for segment in segments.values():
            self._write(conn, segment)
        self._write_head(conn, damaged or {})
        return count

    def clear(self, conn: Conn) -> None:
        """Drop every segment (the index is then "missing" until rebuilt)."""
        manifest = self._store.manifest
        for (rid,) in integrity.raw_rows(conn, f"SELECT id FROM {TABLE}"):
            manifest.remove(conn, TABLE, str(rid))
        conn.exec_driver_sql(f"DELETE FROM {TABLE}")

    def _write(self, conn: Conn, segment: Segment) -> None:
        items = list(segment.entries.values())
        summaries = {
            "format": FORMAT,
            "entries": [[i.version, i.digest, i.record] for i in items],
        }
        self._write_row(conn, segment.bucket, summaries, "\n".join(i.terms for i in items))

    def _write_row(self, conn: Conn, rid: str, summaries: object, terms: str) -> None:
        cipher = self._store.cipher
        version = integrity.next_version(conn, TABLE, rid)
        sealed_summaries = cipher.encrypt_json(
            summaries, table=TABLE, row_id=rid, field="summaries", version=version
        )
        sealed_terms = cipher.encrypt(
            terms.encode("utf-8"), table=TABLE, row_id=rid, field="terms", version=version
        )
        conn.exec_driver_sql(
            f"INSERT OR REPLACE INTO {TABLE} (id, version, summaries, terms) VALUES (?, ?, ?, ?)",
            (rid, version, sealed_summaries, sealed_terms),
        )
        self._store.manifest.put(
            conn, TABLE, rid, version, integrity.record_digest(conn, TABLE, rid)
        )
