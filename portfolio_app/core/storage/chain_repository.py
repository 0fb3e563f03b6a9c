"""The links of every entry's revision hash chain, sealed and counted like every record.

One ``revision_links`` row per saved version (its id is the revision's id). The link itself
(``core.timeline.chain.Link`` plus its salt and the vault-only digests that tell an edit from
a re-save) is one encrypted JSON field, bound to its row and save counter like every field;
``entry_id`` and ``seq`` are plain columns so the head of a chain is one indexed lookup, and
are sealed inside the link, so an edited column is noticed (and never trusted: the head is
checked against its seal before a new link is made on it). Each write updates the keyed
manifest in the same transaction (``core.storage.integrity``).

:func:`build_chains` is the one-off step for portfolios whose history was saved before the
chain existed: it links every saved version, oldest first, marked ``upgrade``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import DamagedRecordError
from portfolio_app.core.domain.records import DamagedRecord
from portfolio_app.core.domain.serialisation import entry_from_dict, entry_to_dict
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.integrity import Manifest
from portfolio_app.core.storage.store import Conn, Store
from portfolio_app.core.storage.vault_repository import VaultRepository
from portfolio_app.core.timeline.chain import (
    ORIGINS,
    Link,
    content_digest,
    entry_content,
    make_link,
    new_salt,
    private_digest,
)

TABLE = "revision_links"
RECORD_FORMAT = 1
#: The setting that says when and how the chain of this portfolio started.
TIMELINE_SETTING = "timeline"


@dataclass(frozen=True)
class StoredLink:
    """A decrypted link with what only the vault keeps (salt, unsalted digests)."""

    revision_id: str
    link: Link
    salt: str
    private: str
    prev_private: str | None

    @property
    def seq(self) -> int:
        """Its place in the chain (from its seal)."""
        return self.link.seq


def content_of(entry: Entry) -> dict[str, Any]:
    """The content the chain covers for an entry (``core.timeline.chain.entry_content``)."""
    return entry_content(entry_to_dict(entry))


class ChainStore:
    """Reads and writes links inside the caller's transaction (or a read connection)."""

    def __init__(self, store: Store) -> None:
        self._cipher = store.cipher
        self._manifest = store.manifest

    # ---- reading ---------------------------------------------------------------------------

    def _decode(self, row: tuple[Any, ...]) -> StoredLink:
        rid, version, entry_id, seq, blob = row
        rid = str(rid)
        if not isinstance(version, int) or not isinstance(blob, bytes):
            raise DamagedRecordError(f"history link {rid[:8]}: its seal is missing")
        data = self._cipher.decrypt_json(
            blob, table=TABLE, row_id=rid, field="link", version=version
        )
        if not isinstance(data, dict) or data.get("format") != RECORD_FORMAT:
            raise DamagedRecordError(f"history link {rid[:8]} is unreadable")
        try:
            link = Link(
                entry_id=str(data["entry"]),
                seq=int(data["seq"]),
                prev=str(data["prev"]) if data.get("prev") else None,
                saved=str(data["saved"]),
                content=str(data["content"]),
                edit=bool(data["edit"]),
                origin=str(data["origin"]),
                hash=str(data["hash"]),
            )
            stored = StoredLink(
                revision_id=str(data["revision"]),
                link=link,
                salt=str(data["salt"]),
                private=str(data["private"]),
                prev_private=str(data["prev_private"]) if data.get("prev_private") else None,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise DamagedRecordError(f"history link {rid[:8]} is unreadable") from exc
        if stored.revision_id != rid or link.origin not in ORIGINS:
            raise DamagedRecordError(f"history link {rid[:8]} belongs to another saved version")
        del entry_id, seq  # the plain index; callers compare it with the seal where it matters
        return stored

    def head(self, conn: Conn, entry_id: str) -> StoredLink | None:
        """The newest link of an entry's chain, checked against its seal (None: no chain).

        The plain ``seq`` only finds a candidate; if its seal disagrees (an edited index), every
        link of the entry is decrypted and the highest sealed ``seq`` wins. A head that does
        not decrypt raises ``DamagedRecordError``.
        """
        rows = integrity.raw_rows(
            conn,
            f"SELECT id, version, entry_id, seq, link FROM {TABLE} "
            "WHERE entry_id = ? ORDER BY seq DESC LIMIT 1",
            (entry_id,),
        )
        if not rows:
            return None
        stored = self._decode(rows[0])
        if stored.link.entry_id == entry_id and stored.seq == rows[0][3]:
            return stored
        readable = self.links_of(conn, [entry_id]).get(entry_id, [])
        return readable[-1] if readable else None

    def links_of(
        self,
        conn: Conn,
        entry_ids: Iterable[str] | None = None,
        damaged: list[DamagedRecord] | None = None,
    ) -> dict[str, list[StoredLink]]:
        """Every readable link, by the entry its seal names, in sealed ``seq`` order."""
        sql = f"SELECT id, version, entry_id, seq, link FROM {TABLE}"
        params: tuple[Any, ...] = ()
        if entry_ids is not None:
            ids = list(entry_ids)
            if not ids:
                return {}
            result: dict[str, list[StoredLink]] = {}
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                for key, value in self._links_where(
                    conn,
                    f"{sql} WHERE entry_id IN ({', '.join('?' for _ in chunk)})",
                    tuple(chunk),
                    damaged,
                ).items():
                    result.setdefault(key, []).extend(value)
            for value in result.values():
                value.sort(key=lambda s: s.seq)
            return result
        return self._links_where(conn, sql, params, damaged)

    def _links_where(
        self,
        conn: Conn,
        sql: str,
        params: tuple[Any, ...],
        damaged: list[DamagedRecord] | None,
    ) -> dict[str, list[StoredLink]]:
        found: dict[str, list[StoredLink]] = defaultdict(list)
        for row in integrity.raw_rows(conn, sql, params):
            try:
                stored = self._decode(row)
            except DamagedRecordError as exc:
                if damaged is not None:
                    damaged.append(DamagedRecord(TABLE, str(row[0]), exc.user_message))
                continue
            found[stored.link.entry_id].append(stored)
        for value in found.values():
            value.sort(key=lambda s: s.seq)
        return dict(found)

    def can_update_in_place(self, conn: Conn, entry_id: str, revision_id: str) -> bool:
        """Whether an autosave may update ``revision_id`` in place: only the newest version of
        the entry's chain, and only one saved live (a version linked at the upgrade or recorded
        at an export stays as it was)."""
        try:
            head = self.head(conn, entry_id)
        except DamagedRecordError:
            return False
        return head is not None and head.revision_id == revision_id and head.link.origin == "live"

    # ---- writing ---------------------------------------------------------------------------

    def write(self, conn: Conn, stored: StoredLink, *, is_new: bool) -> None:
        rid = stored.revision_id
        version = 1 if is_new else integrity.next_version(conn, TABLE, rid)
        link = stored.link
        blob = self._cipher.encrypt_json(
            {
                "format": RECORD_FORMAT,
                "revision": rid,
                "entry": link.entry_id,
                "seq": link.seq,
                "prev": link.prev,
                "saved": link.saved,
                "content": link.content,
                "edit": link.edit,
                "origin": link.origin,
                "hash": link.hash,
                "salt": stored.salt,
                "private": stored.private,
                "prev_private": stored.prev_private,
            },
            table=TABLE,
            row_id=rid,
            field="link",
            version=version,
        )
        if is_new:
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE} (id, version, entry_id, seq, link) VALUES (?, ?, ?, ?, ?)",
                (rid, version, link.entry_id, link.seq, blob),
            )
        else:
            conn.exec_driver_sql(
                f"UPDATE {TABLE} SET version = ?, entry_id = ?, seq = ?, link = ? WHERE id = ?",
                (version, link.entry_id, link.seq, blob, rid),
            )
        self._manifest.put(conn, TABLE, rid, version, integrity.record_digest(conn, TABLE, rid))

    def next_link(
        self,
        entry: Entry,
        revision_id: str,
        saved: datetime,
        origin: str,
        previous: StoredLink | None,
        *,
        seq: int,
    ) -> StoredLink:
        content = content_of(entry)
        salt = new_salt()
        private = private_digest(content)
        prev_private = previous.private if previous is not None else None
        link = make_link(
            entry.id,
            seq,
            previous.link.hash if previous is not None else None,
            saved,
            content_digest(content, salt),
            edit=prev_private is None or prev_private != private,
            origin=origin,
        )
        return StoredLink(revision_id, link, salt, private, prev_private)

    def append(
        self,
        conn: Conn,
        entry: Entry,
        revision_id: str,
        saved: datetime,
        *,
        origin: str = "live",
    ) -> StoredLink:
        """Add the link of a new saved version on top of the entry's chain.

        Saving never fails because of the chain: if the head cannot be read, the new link
        starts again (``restart``, no ``prev``), which the chain check then reports.
        """
        try:
            previous = self.head(conn, entry.id)
        except DamagedRecordError:
            previous = None
            origin = "restart"
            top = integrity.raw_rows(
                conn, f"SELECT max(seq) FROM {TABLE} WHERE entry_id = ?", (entry.id,)
            )
            seq = (top[0][0] if top and isinstance(top[0][0], int) else 0) + 1
        else:
            seq = previous.seq + 1 if previous is not None else 1
        stored = self.next_link(entry, revision_id, saved, origin, previous, seq=seq)
        self.write(conn, stored, is_new=True)
        return stored

    def rewrite_head(
        self, conn: Conn, entry: Entry, revision_id: str, saved: datetime
    ) -> StoredLink:
        """The newest version was updated in place (autosave within a working session): its
        link is made again over the same previous link. Only ever called for the head."""
        current = self.head(conn, entry.id)
        if current is None or current.revision_id != revision_id:
            raise DamagedRecordError("only the newest saved version of an entry can be updated")
        content = content_of(entry)
        salt = new_salt()
        private = private_digest(content)
        link = make_link(
            entry.id,
            current.seq,
            current.link.prev,
            saved,
            content_digest(content, salt),
            edit=current.prev_private is None or current.prev_private != private,
            origin="live",
        )
        stored = StoredLink(revision_id, link, salt, private, current.prev_private)
        self.write(conn, stored, is_new=False)
        return stored

    def restore_index(self, conn: Conn) -> int:
        """Put the sealed ``entry_id``/``seq`` back where the plain columns were edited
        (the student kept the portfolio after seeing the findings). Returns how many."""
        fixed = 0
        for row in integrity.raw_rows(
            conn, f"SELECT id, version, entry_id, seq, link FROM {TABLE}"
        ):
            try:
                stored = self._decode(row)
            except DamagedRecordError:
                continue
            if row[2] != stored.link.entry_id or row[3] != stored.seq:
                conn.exec_driver_sql(
                    f"UPDATE {TABLE} SET entry_id = ?, seq = ? WHERE id = ?",
                    (stored.link.entry_id, stored.seq, stored.revision_id),
                )
                fixed += 1
        return fixed


# ---- the one-off build for history saved before the chain existed ---------------------------


@dataclass(frozen=True)
class BuildResult:
    """What :func:`build_chains` did."""

    linked: int
    unreadable: int
    entries: int


def needs_build(conn: Conn, manifest: Manifest) -> bool:
    """True once, for a portfolio whose history predates the chain.

    Not when the timeline setting exists (the chain was started), nor when the sealed
    manifest already counts links (then a missing setting or link is a change made outside
    the app, reported at unlock; building again would paper over it).
    """
    if conn.exec_driver_sql("SELECT 1 FROM settings WHERE key = ?", (TIMELINE_SETTING,)).first():
        return False
    try:
        head = manifest.read_head(conn)
    except integrity.ManifestError:
        return False
    if head is None:
        return False
    count, _xor = head.aggregate(TABLE)
    return count == 0


def timeline_setting(started: datetime, origin: str, **extra: object) -> bytes:
    """The encrypted setting's value: when and how the chain started."""
    return json.dumps(
        {
            "format": 1,
            "chain_started": started.astimezone(UTC).isoformat(),
            "origin": origin,
            **extra,
        }
    ).encode("utf-8")


def build_chains(
    conn: Conn,
    store: Store,
    progress: Callable[[int, int], None] | None = None,
    *,
    now: datetime | None = None,
) -> BuildResult:
    """Link every saved version that has no link yet, per entry oldest first (``upgrade``).

    Runs in the caller's transaction (killed halfway, nothing is kept and the next unlock
    starts again). It only *adds* link records; it never changes a saved version, so it
    cannot hide a change made outside the app (those are reported at unlock as before). A
    saved version that does not decrypt is left out and counted.
    """
    cipher = store.cipher
    chains = ChainStore(store)
    rows = integrity.raw_rows(
        conn,
        "SELECT r.id, r.version, r.entry_id, r.snapshot FROM revisions r "
        f"WHERE NOT EXISTS (SELECT 1 FROM {TABLE} l WHERE l.id = r.id)",
    )
    by_entry: dict[str, list[tuple[datetime, str, Entry]]] = defaultdict(list)
    unreadable = 0
    for raw_id, version, _entry_id, snapshot in rows:
        rid = str(raw_id)
        try:
            if not isinstance(version, int) or not isinstance(snapshot, bytes):
                raise DamagedRecordError("unreadable")
            data = cipher.decrypt_json(
                snapshot, table="revisions", row_id=rid, field="snapshot", version=version
            )
            if not isinstance(data, dict):
                raise DamagedRecordError("unreadable")
            entry = entry_from_dict(data)
            content_of(entry)  # dates must be readable
        except (DamagedRecordError, ValueError, KeyError, TypeError):
            unreadable += 1
            continue
        by_entry[entry.id].append((entry.updated, rid, entry))
    total = sum(len(v) for v in by_entry.values())
    done = 0
    for entry_id, versions in by_entry.items():
        versions.sort(key=lambda item: (item[0], item[1]))
        previous = chains.head(conn, entry_id)
        seq = previous.seq if previous is not None else 0
        for saved, rid, entry in versions:
            seq += 1
            stored = chains.next_link(entry, rid, saved, "upgrade", previous, seq=seq)
            chains.write(conn, stored, is_new=True)
            previous = stored
            done += 1
            if progress and done % 200 == 0:
                progress(done, total)
    VaultRepository(store).set_setting_in(
        conn,
        TIMELINE_SETTING,
        timeline_setting(
            now or datetime.now(UTC),
            "upgrade",
            linked_at_upgrade=done,
            unreadable_at_upgrade=unreadable,
        ),
    )
    if progress:
        progress(total, total)
    return BuildResult(done, unreadable, len(by_entry))
