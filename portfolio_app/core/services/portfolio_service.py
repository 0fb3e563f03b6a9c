"""The open portfolio: the only API the GUI and the command line use to read and change it.

Contract:
- ``create`` and ``open`` take the folder's lock; ``close`` (also on lock or quit) drops the
  data key and every decrypted cache and releases the lock.
- Every method that changes something is one SQLite transaction, committed before it returns
  (autosave relies on this), and then updates the in-memory caches.
- Reads (listing, search, filters) run on the decrypted caches and the search index:
  nothing decrypted is written.
- How much is read at unlock depends on ``open(load=...)``:
  ``"all"`` checks every record against the keyed manifest and decrypts every entry (export,
  check, coverage, archive); ``"index"`` checks every record but decrypts only the search
  index, entries being decrypted when opened (the app); ``"lazy"`` checks the small tables and
  the search index, and each entry when it is read (the command line's one-entry verbs). Any
  disagreement a lighter mode meets makes it do what ``"all"`` does, so findings are never
  hidden by choosing a mode; SECURITY.md says what each mode checks.
- Not thread-safe: the GUI calls it from one thread, except for long read-only work (export)
  that receives copies of the data.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from portfolio_app.core.bulk import paused_gc
from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import (
    LEGACY_REVIEWED,
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
    check_status_move,
    normalise_tags,
)
from portfolio_app.core.domain.entry_filter import (
    EntryFilter,
    filter_entries,
    newest_first,
    parse_query,
)
from portfolio_app.core.domain.entry_index import (
    EntryIndex,
    EntrySummary,
    SearchResult,
    search_terms,
    summary_record,
)
from portfolio_app.core.domain.errors import (
    CorruptDatabaseError,
    DamagedRecordError,
    NotFoundError,
    PortfolioError,
    PortfolioExistsError,
    PortfolioNotFoundError,
    ValidationError,
    WrongPassphraseError,
)
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.domain.ids import (
    AttachmentId,
    EntryId,
    EventId,
    ExperienceId,
    new_id,
)
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.domain.records import (
    AttachmentInfo,
    DamagedRecord,
    IntegrityFinding,
    Revision,
    StructureChange,
    noun_for,
)
from portfolio_app.core.passphrase_strength import check_new_passphrase
from portfolio_app.core.storage import chain_repository, integrity
from portfolio_app.core.storage.attachment_repository import AttachmentRepository
from portfolio_app.core.storage.catalogue_repository import CatalogueRepository
from portfolio_app.core.storage.database import (
    DB_NAME,
    check_is_sqlite,
    make_engine,
    upgrade_schema,
)
from portfolio_app.core.storage.entry_repository import EntryRepository, RevisionAction
from portfolio_app.core.storage.file_modes import private_dir, private_file, tighten_folder
from portfolio_app.core.storage.index_store import IndexStore, Segment, bucket_of
from portfolio_app.core.storage.lock_file import PortfolioLock
from portfolio_app.core.storage.store import Store, sqlite_integrity_problems
from portfolio_app.core.storage.vault_repository import (
    VaultRepository,
    read_key_slots,
    write_slot_rows,
)
from portfolio_app.core.timeline.chain import (
    EntryTimeline,
    Link,
    canonical_time,
    chain_problems,
    content_digest,
    private_digest,
    summarise,
)
from portfolio_app.core.vault import kdf
from portfolio_app.core.vault.field_cipher import FieldCipher
from portfolio_app.core.vault.kdf import KdfParams
from portfolio_app.core.vault.key_slots import (
    KeySlot,
    make_passphrase_slot,
    make_recovery_slot,
    new_data_key,
    new_recovery_key,
    unlock_passphrase_slot,
    unlock_recovery_slot,
    vault_id_of,
)

if TYPE_CHECKING:
    from portfolio_app.core.evidence.files import EvidenceFile
    from portfolio_app.core.services.archive_import import ArchiveContents

#: Autosaves within this window of the newest revision update it instead of adding one, so a
#: typing session leaves a readable history rather than one revision per keystroke batch.
REVISION_COALESCE = timedelta(minutes=10)

Progress = Callable[[int, int, str], None]
LoadMode = Literal["all", "index", "lazy"]
#: What ``load="lazy"`` checks in full at unlock: small tables the verbs need whole.
SMALL_TABLES = (
    "profile",
    "settings",
    "frameworks",
    "events",
    "experiences",
    "feedback",
    "entry_index",
)


@dataclass(frozen=True)
class EntryDraft:
    """What is needed to start a new entry."""

    kind: EntryKind
    title: str
    template_id: str = "free"
    sections: tuple[Section, ...] = ()
    status: EntryStatus = EntryStatus.DRAFT
    occurred_on: datetime | None = None
    plan_id: EntryId | None = None
    event_ids: tuple[EventId, ...] = ()
    experience_ids: tuple[ExperienceId, ...] = ()
    professions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    competencies: tuple[CompetencyLink, ...] = ()


@dataclass
class CheckReport:
    """What :meth:`PortfolioService.full_check` found."""

    sqlite_problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    damaged: list[DamagedRecord] = field(default_factory=list)
    findings: list[IntegrityFinding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not (self.sqlite_problems or self.damaged or self.findings)

    def problems(self) -> list[str]:
        """One line per problem."""
        lines = [f"SQLite: {p}" for p in self.sqlite_problems]
        lines.extend(f"damaged: {d.describe()}" for d in self.damaged)
        lines.extend(f"changed outside the app: {f.message}" for f in self.findings)
        return lines


def portfolio_exists(data_dir: Path) -> bool:
    """Whether a portfolio database is in the folder."""
    return (data_dir / DB_NAME).is_file()


class PortfolioService:
    """An unlocked portfolio. Build one with :meth:`create` or :meth:`open`."""

    def __init__(self, data_dir: Path, store: Store, lock: PortfolioLock, vault_id: str) -> None:
        self.data_dir = data_dir
        self._store: Store | None = store
        self._lock = lock
        self.vault_id = vault_id
        #: Decrypted entries: every readable one when ``_complete``, else those read so far.
        self._entries: dict[EntryId, Entry] = {}
        self._complete = True
        self._mode: LoadMode = "all"
        self._texts: dict[str, str] = {}
        #: The search index in memory (summaries and terms), once something needed it.
        self._index: EntryIndex | None = None
        #: Decrypted segments of the stored index, for checking single entries (lazy mode).
        self._segments: dict[str, Segment] = {}
        self._frozen_gc = False
        #: Tables checked against the manifest since unlock, in lazy mode (the small ones at
        #: unlock, others when first used).
        self._checked_tables: set[str] = set()
        self._events: dict[EventId, Event] = {}
        self._experiences: dict[ExperienceId, Experience] = {}
        self._imported_frameworks: dict[str, Framework] = {}
        self.damaged: list[DamagedRecord] = []
        #: Changes made to the file outside the app, found at unlock; the signed export
        #: refuses to run until the student has seen them (acknowledge_integrity_findings).
        self.integrity_findings: list[IntegrityFinding] = []
        self._changes: list[StructureChange] = []
        self._profile: Profile | None = None
        self._timeline_info: dict[str, object] | None = None
        #: One-off messages for the student from this unlock (a status migration...).
        self.notices: list[str] = []
        #: Imported tutor feedback, decrypted on first use (``feedback_service``).
        self.feedback_cache: list[Any] | None = None

    # ---- life cycle ----------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        data_dir: Path,
        passphrase: str,
        profile: Profile,
        *,
        kdf_params: KdfParams | None = None,
    ) -> tuple[PortfolioService, str]:
        """Make a new portfolio; returns it open, and the recovery key to show once."""
        check_new_passphrase(passphrase)
        profile.validate()
        kdf_params = kdf_params or kdf.default_params()
        private_dir(data_dir)
        db_path = data_dir / DB_NAME
        if db_path.exists():
            raise PortfolioExistsError(
                f"there is already a portfolio in {data_dir}; open it, or choose another folder"
            )
        lock = PortfolioLock(data_dir)
        lock.acquire()
        try:
            private_file(db_path)  # 0600 before SQLite opens it: -wal and -shm inherit it
            engine = make_engine(db_path)
            upgrade_schema(engine, db_path, backup_dir=data_dir / "backups")
            data_key = new_data_key()
            vault_id = new_id()
            recovery_key = new_recovery_key()
            slots = [
                make_passphrase_slot(data_key, passphrase, kdf_params, vault_id),
                make_recovery_slot(data_key, recovery_key, vault_id),
            ]
            store = Store(engine, FieldCipher(data_key))
            with store.write() as conn:
                store.manifest.rebuild(conn, {}, {})
                IndexStore(store).rebuild(conn, [])
            VaultRepository(store).write_key_slots(slots)
            VaultRepository(store).write_profile(profile)
            VaultRepository(store).set_setting(
                chain_repository.TIMELINE_SETTING,
                chain_repository.timeline_setting(datetime.now(UTC), "new"),
            )
        except BaseException:
            lock.release()
            raise
        service = cls(data_dir, store, lock, vault_id)
        service._profile = profile
        return service, recovery_key

    @classmethod
    def open(
        cls,
        data_dir: Path,
        passphrase: str | None = None,
        *,
        recovery_key: str | None = None,
        progress: Progress | None = None,
        load: LoadMode = "all",
    ) -> PortfolioService:
        """Unlock an existing portfolio with its passphrase (or recovery key) and load it.

        ``load`` says how much is read now (see the module docstring); the default reads and
        checks everything.
        """
        db_path = data_dir / DB_NAME
        if not data_dir.is_dir():
            raise PortfolioNotFoundError(
                f"the folder {data_dir} does not exist; create a portfolio with "
                "'portfolio init', or pass the right --data-dir"
            )
        if not db_path.is_file():
            raise PortfolioNotFoundError(
                f"there is no portfolio in {data_dir}; create one with 'portfolio init', "
                "or pass the right --data-dir"
            )
        check_is_sqlite(db_path)
        lock = PortfolioLock(data_dir)
        lock.acquire()
        try:
            tighten_folder(data_dir)
            engine = make_engine(db_path)
            if progress:
                progress(0, 3, "Checking the portfolio file")
            upgrade_schema(engine, db_path, backup_dir=data_dir / "backups")
            slots = read_key_slots(engine)
            if progress:
                progress(1, 3, "Deriving the key from your passphrase")
            data_key = _unlock(slots, passphrase, recovery_key)
            store = Store(engine, FieldCipher(data_key))
            for i in range(len(data_key)):
                data_key[i] = 0
            service = cls(data_dir, store, lock, vault_id_of(slots["passphrase"]))
            service._seal_if_older(slots, progress)
            service._chain_if_older(progress)
            if progress:
                progress(2, 3, "Decrypting your entries")
            if load == "lazy":
                service._load_lazy()
            elif load == "index":
                service._load_listing()
            else:
                service._load()
            service._retire_legacy_statuses()
            if progress:
                progress(3, 3, "Ready")
        except BaseException:
            lock.release()
            raise
        return service

    def _seal_if_older(self, slots: dict[str, KeySlot], progress: Progress | None) -> None:
        """First unlock after the integrity migration's schema step: seal every record.

        One transaction (after the automatic backup the schema step took): killed halfway,
        the portfolio stays as it was and the next unlock starts again.
        """
        store = self._require_store()
        with store.read() as conn:
            if not integrity.needs_sealing(conn):
                return

        def report(done: int, total: int) -> None:
            if progress:
                progress(1, 3, f"Sealing your portfolio against tampering ({done} of {total})")

        with store.write() as conn:
            integrity.migrate_to_sealed(
                conn, store.cipher, store.manifest, _slot_digests(slots), report
            )

    def _chain_if_older(self, progress: Progress | None) -> None:
        """First unlock after the timeline migration's schema step: link the saved history.

        One transaction, after the automatic backup the schema step took; it only adds link
        records (see ``chain_repository.build_chains``), so it hides nothing the manifest
        check after it would report.
        """
        store = self._require_store()
        with store.read() as conn:
            if not chain_repository.needs_build(conn, store.manifest):
                return

        def report(done: int, total: int) -> None:
            if progress:
                progress(1, 3, f"Chaining your revision history ({done} of {total})")

        with store.write() as conn:
            chain_repository.build_chains(conn, store, report)

    def _load(self, *, everything: bool = False) -> None:
        """Check every record against the manifest and decrypt every entry (``load="all"``).

        Entries the manifest vouches for are built from their plain columns; suspect ones (and
        all of them with ``everything``, for ``portfolio check``) from their sealed structure.
        A missing or stale search index is rebuilt here when nothing is pending.
        """
        store = self._require_store()
        self._start_load()
        files, discrepancies = self._check_tables(integrity.TABLES)
        suspects = None if everything else _suspects(discrepancies, "entries")
        loaded = EntryRepository(store).load_all(files["entries"], suspects)
        entries: list[Entry] = loaded.records
        self.damaged.extend(loaded.damaged)
        self._changes.extend(loaded.changes)
        self._entries = {e.id: e for e in entries}
        self._complete = True
        self._mode = "all"
        self._texts = {e.id: e.searchable_text() for e in entries}
        self._finish_load(discrepancies, files)
        self._repair_index(discrepancies, files)

    def _load_listing(self) -> None:
        """Check every record against the manifest; decrypt the search index, not the entries
        (``load="index"``, the app's list). Entries are decrypted when opened.

        The list must show what ``load="all"`` would: entries the manifest does not vouch
        for, or whose row is not what the index says, are decrypted now (and their findings
        named); entries gone from the file leave the list. An index that is missing, stale or
        itself changed outside the app means everything is decrypted instead.

        The objects made here (some 10^5: the index and the file's stamps) live as long as the
        session: they are made with the cyclic collector paused and then frozen out of its
        reach (``gc.freeze``; ``close`` thaws them), so no later collection in the app walks
        them all again (each such walk was a ~50 ms stall on the GUI thread).
        """
        with paused_gc():
            self._load_listing_now()
            self._frozen_gc = True
            gc.freeze()

    def _load_listing_now(self) -> None:
        store = self._require_store()
        self._start_load()
        files, discrepancies = self._check_tables(integrity.TABLES)
        suspects = _suspects(discrepancies, "entries")
        index = self._stored_index(discrepancies) if suspects is not None else None
        if index is None or suspects is None:
            self._load_after_check(files, discrepancies)
            return
        file_entries = files["entries"]
        stamps = {rid: (i.version, i.digest) for seg in index[1] for rid, i in seg.items()}
        redo = set(suspects)
        for rid, record in file_entries.items():
            if stamps.get(rid) != (record.version, record.digest):
                redo.add(rid)
        memory, marks = index[0], index[2]
        for rid in set(stamps) - set(file_entries):
            memory.remove(rid)
        for rid, (reason, label) in marks.items():
            if rid in file_entries:
                redo.discard(rid)  # known: it does not decrypt
                memory.remove(rid)
                self.damaged.append(DamagedRecord("entries", rid, reason, label))
        self._entries = {}
        self._complete = False
        self._mode = "index"
        self._texts = {}
        if redo:
            loaded = EntryRepository(store).load_all(file_entries, suspects, only=sorted(redo))
            self.damaged.extend(loaded.damaged)
            self._changes.extend(loaded.changes)
            for entry in loaded.records:
                self._entries[entry.id] = entry
                memory.put(entry)
            for bad in loaded.damaged:
                memory.remove(bad.row_id)
        with paused_gc():
            memory.prepare_filters()
        self._index = memory
        self._finish_load(discrepancies, files)
        stale = [e for e in self._entries.values() if e.id not in suspects]
        if stale and not discrepancies:
            self._reindex(stale, files)

    def _load_lazy(self) -> None:
        """Check the small tables and the search index; entries one by one when read
        (``load="lazy"``). Anything out of place, or an index that is not ready, and this
        does what ``load="all"`` does instead."""
        store = self._require_store()
        self._start_load()
        files, discrepancies = self._check_tables(SMALL_TABLES)
        try:
            with store.read() as conn:
                ready = IndexStore(store).state(conn) == "ready"
        except DamagedRecordError:
            ready = False
        if discrepancies or not ready:
            self._load_after_check(None, None)
            return
        self._entries = {}
        self._complete = False
        self._mode = "lazy"
        self._checked_tables = set(SMALL_TABLES)
        self._texts = {}
        self._finish_load(discrepancies, files)
        if self._changes or any(d.table in SMALL_TABLES for d in self.damaged):
            self._load_after_check(None, None)

    def _load_after_check(
        self,
        files: dict[str, dict[str, integrity.FileRecord]] | None,
        discrepancies: list[integrity.Discrepancy] | None,
    ) -> None:
        """Fall back to ``load="all"`` (reusing a full check already made)."""
        if files is None or discrepancies is None:
            self._load()
            return
        store = self._require_store()
        self._start_load(profile=False)
        suspects = _suspects(discrepancies, "entries")
        loaded = EntryRepository(store).load_all(files["entries"], suspects)
        self.damaged.extend(loaded.damaged)
        self._changes.extend(loaded.changes)
        self._entries = {e.id: e for e in loaded.records}
        self._complete = True
        self._mode = "all"
        self._texts = {e.id: e.searchable_text() for e in loaded.records}
        self._finish_load(discrepancies, files)
        self._repair_index(discrepancies, files)

    def _start_load(self, *, profile: bool = True) -> None:
        store = self._require_store()
        if profile:
            self.damaged = []
            self._changes = []
            try:
                self._profile = VaultRepository(store).read_profile()
            except DamagedRecordError as exc:
                self._profile = Profile(name="(profile damaged)")
                self.damaged.append(DamagedRecord("profile", "1", exc.user_message))
        else:
            self.damaged = [d for d in self.damaged if d.table == "profile"]
            self._changes = []
        self._index = None
        self._segments = {}

    def _check_tables(
        self, tables: Sequence[str]
    ) -> tuple[dict[str, dict[str, integrity.FileRecord]], list[integrity.Discrepancy]]:
        """What the file holds of these tables, and how it differs from the manifest."""
        store = self._require_store()
        slots = _slot_digests(read_key_slots(store.engine))
        with store.read() as conn:
            files = integrity.scan_file(conn, tables)
            discrepancies = store.manifest.verify(conn, files, slots, tables)
        return files, discrepancies

    def _finish_load(
        self,
        discrepancies: list[integrity.Discrepancy],
        files: dict[str, dict[str, integrity.FileRecord]],
    ) -> None:
        """Events, experiences and framework packs; name what changed outside the app."""
        store = self._require_store()
        loaded = CatalogueRepository(store).load_events()
        self.damaged.extend(loaded.damaged)
        self._changes.extend(loaded.changes)
        self._events = {e.id: e for e in loaded.records}
        loaded = CatalogueRepository(store).load_experiences()
        self.damaged.extend(loaded.damaged)
        self._changes.extend(loaded.changes)
        self._experiences = {e.id: e for e in loaded.records}
        self._label_damaged()
        self._name_findings(discrepancies, files)
        packs, bad = VaultRepository(store).load_framework_packs()
        self.damaged.extend(bad)
        self._imported_frameworks = {}
        if not packs:
            return
        from portfolio_app.core.framework_packs import parse_framework_pack

        for pack_id, raw in packs.items():
            try:
                framework = parse_framework_pack(raw, source_name=pack_id)
            except PortfolioError as exc:
                self.damaged.append(DamagedRecord("frameworks", pack_id, exc.user_message))
                continue
            self._imported_frameworks[framework.id] = framework

    # ---- the search index ---------------------------------------------------------------------

    def _stored_index(
        self, discrepancies: list[integrity.Discrepancy]
    ) -> tuple[EntryIndex, list[dict[str, Any]], dict[str, list[str]]] | None:
        """The stored index in memory, with each segment's stamps; None when it cannot be
        used (missing, stale, damaged, or changed outside the app)."""
        if any(d.table in ("entry_index", "manifest") for d in discrepancies):
            return None
        store = self._require_store()
        indexes = IndexStore(store)
        try:
            with store.read() as conn:
                if indexes.state(conn) != "ready":
                    return None
                segments = indexes.read_all(conn)
                marks = indexes.damaged(conn)
        except DamagedRecordError:
            return None
        with paused_gc():
            memory = EntryIndex(
                (item.record, item.terms) for seg in segments for item in seg.entries.values()
            )
        return memory, [seg.entries for seg in segments], marks

    def _repair_index(
        self,
        discrepancies: list[integrity.Discrepancy],
        files: dict[str, dict[str, integrity.FileRecord]],
    ) -> None:
        """After a full load: rebuild a missing or stale index, or one that disagrees with
        entries the manifest vouches for, and remember entries that cannot be decrypted.
        Only when nothing is pending: the index is built from records the manifest vouches
        for, never from changes not yet accepted."""
        if discrepancies or self._changes:
            return
        store = self._require_store()
        indexes = IndexStore(store)
        file_entries = files["entries"]
        damaged = {d.row_id: [d.reason, d.label] for d in self.damaged if d.table == "entries"}
        try:
            with store.read() as conn:
                ready = indexes.state(conn) == "ready"
                segments = indexes.read_all(conn, with_terms=False) if ready else []
                marks = indexes.damaged(conn) if ready else {}
        except DamagedRecordError as exc:
            ready, segments, marks = False, [], {}
            self.damaged.append(
                DamagedRecord(
                    "entry_index",
                    "*",
                    f"{exc.user_message}; the search index was rebuilt from the entries",
                    "the search index",
                )
            )
        if ready and set(marks) == set(damaged):
            stamps = {
                rid: (i.version, i.digest) for seg in segments for rid, i in seg.entries.items()
            }
            expected = {
                rid: (r.version, r.digest) for rid, r in file_entries.items() if rid not in damaged
            }
            if stamps == expected:
                return
        with store.write() as conn:
            indexes.rebuild(conn, _stamped(self._entries.values(), file_entries), damaged)

    def _reindex(
        self, entries: list[Entry], files: dict[str, dict[str, integrity.FileRecord]]
    ) -> None:
        """Bring stale index entries up to date (rows the manifest vouches for)."""
        store = self._require_store()
        file_entries = files["entries"]
        with store.write() as conn:
            IndexStore(store).maintain(conn, put=list(_stamped(entries, file_entries)))

    def close(self) -> None:
        """Drop keys and decrypted data, release the lock. Safe to call twice."""
        if self._frozen_gc:
            self._frozen_gc = False
            gc.unfreeze()
        if self._store is not None:
            self._store.cipher.forget_key()
            self._store.engine.dispose()
            self._store = None
        self._entries.clear()
        self._texts.clear()
        self._index = None
        self._segments = {}
        self._events.clear()
        self._experiences.clear()
        self._imported_frameworks.clear()
        self._profile = None
        self._timeline_info = None
        self.feedback_cache = None
        self.notices = []
        self.integrity_findings = []
        self._changes = []
        self.damaged = []
        self._lock.release()

    @property
    def is_open(self) -> bool:
        """False once closed or locked."""
        return self._store is not None

    def __enter__(self) -> PortfolioService:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def store(self) -> Store:
        """The open store, for services that keep their own records (feedback import)."""
        return self._require_store()

    def _require_store(self) -> Store:
        if self._store is None:
            raise PortfolioError("the portfolio is locked; unlock it first")
        return self._store

    # ---- passphrase and recovery -----------------------------------------------------------

    def change_passphrase(
        self,
        new_passphrase: str,
        *,
        current_passphrase: str | None = None,
        kdf_params: KdfParams | None = None,
    ) -> None:
        """Re-wrap the data key under a new passphrase; no entry is re-encrypted.

        With ``current_passphrase`` the change happens only if it unlocks the portfolio (the
        GUI asks for it, so an unattended unlocked window cannot be taken over).
        """
        check_new_passphrase(new_passphrase)
        if current_passphrase is not None and not self.check_passphrase(current_passphrase):
            raise WrongPassphraseError(
                "the current passphrase is not right, so nothing was changed"
            )
        kdf_params = kdf_params or kdf.default_params()
        store = self._require_store()
        data_key = self._data_key_copy()
        slot = make_passphrase_slot(data_key, new_passphrase, kdf_params, self.vault_id)
        VaultRepository(store).write_key_slots([slot])

    def rotate_keys(
        self,
        passphrase: str,
        *,
        current_passphrase: str | None = None,
        kdf_params: KdfParams | None = None,
        progress: Progress | None = None,
    ) -> str:
        """Re-encrypt everything under a new random data key; returns the new recovery key.

        For when the old passphrase (or a copy of the file with it) may be known to someone:
        a passphrase change alone re-wraps the same data key, so the old passphrase plus an old
        copy of the key slots would still open everything written afterwards. Entries,
        saved versions, events, experiences, attachments, settings (final reflection, signing
        identity), the profile and the manifest are re-encrypted, and new key slots (this
        ``passphrase``, a new recovery key) are written, in ONE SQLite transaction: killed at
        any point, the portfolio opens either as before (old passphrase) or as after.

        ``passphrase`` is the new passphrase, or the current one (renewing the recovery key
        with rotation); with ``current_passphrase`` nothing happens unless it is right.
        """
        if current_passphrase is not None and not self.check_passphrase(current_passphrase):
            raise WrongPassphraseError(
                "the current passphrase is not right, so nothing was changed"
            )
        if passphrase != current_passphrase:
            check_new_passphrase(passphrase)
        if self.integrity_findings:
            raise ValidationError(
                "the portfolio was changed outside the app; deal with those changes first "
                "('portfolio check'), then rotate the keys"
            )
        store = self._require_store()
        kdf_params = kdf_params or kdf.default_params()
        report = progress or (lambda _d, _t, _m: None)
        report(0, 100, "Making the new key")
        new_key = new_data_key()
        recovery = new_recovery_key()
        slots = [
            make_passphrase_slot(new_key, passphrase, kdf_params, self.vault_id),
            make_recovery_slot(new_key, recovery, self.vault_id),
        ]
        new_cipher = FieldCipher(new_key)
        for i in range(len(new_key)):
            new_key[i] = 0
        new_store = Store(store.engine, new_cipher)

        def step(done: int, total: int) -> None:
            report(
                5 + int(90 * done / max(total, 1)),
                100,
                f"Re-encrypting records ({done} of {total})",
            )

        try:
            with store.write() as conn:
                counter = integrity.head_counter(conn)
                integrity.reencrypt_all(conn, store.cipher, new_cipher, step)
                write_slot_rows(conn, slots)
                digests: dict[str, str] = {
                    s.kind: integrity.slot_digest(s.header, s.wrapped_key) for s in slots
                }
                integrity.rekey_manifest(conn, new_store.manifest, digests, counter)
        except BaseException:
            new_cipher.forget_key()
            raise
        store.cipher.forget_key()
        self._store = new_store
        report(100, 100, "Done")
        return recovery

    def check_passphrase(self, passphrase: str) -> bool:
        """Whether ``passphrase`` unlocks this portfolio (takes one key derivation)."""
        store = self._require_store()
        try:
            key = unlock_passphrase_slot(read_key_slots(store.engine)["passphrase"], passphrase)
        except WrongPassphraseError:
            return False
        return bytes(key) == store.cipher.data_key_for_rewrap()

    def new_recovery_key(self) -> str:
        """Replace the recovery key (the old one stops working); returns the new one, shown once."""
        store = self._require_store()
        recovery = new_recovery_key()
        slot = make_recovery_slot(self._data_key_copy(), recovery, self.vault_id)
        VaultRepository(store).write_key_slots([slot])
        return recovery

    def _data_key_copy(self) -> bytes:
        # The AESGCM object does not expose its key; re-derive it from the slot we unlocked with
        # would need the passphrase, so the cipher keeps a private copy for re-wrapping only.
        store = self._require_store()
        return store.cipher.data_key_for_rewrap()

    # ---- profile ---------------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        """The student's profile."""
        self._require_store()
        assert self._profile is not None
        return self._profile

    def update_profile(self, profile: Profile) -> None:
        """Change the profile."""
        profile.validate()
        VaultRepository(self._require_store()).write_profile(profile)
        self._profile = profile

    # ---- entries ---------------------------------------------------------------------------

    @property
    def load_mode(self) -> LoadMode:
        """How much was read at unlock ("all" once a lighter mode had to read everything)."""
        return self._mode

    def entries(self) -> list[Entry]:
        """All readable entries, newest first (by when they happened, else when written).

        In a lighter mode this reads and checks everything first (as ``load="all"``).
        """
        self._require_store()
        self._ensure_complete()
        return sorted(self._entries.values(), key=newest_first, reverse=True)

    def summaries(self) -> list[EntrySummary]:
        """Every readable entry without its text, newest first (from the search index)."""
        return self._memory_index().summaries()

    def entry_ids(self) -> set[EntryId]:
        """The ids of every readable entry (from the search index in a lighter mode)."""
        if self._complete:
            return set(self._entries)
        return set(self._memory_index().ids())

    def entry_count(self) -> int:
        """How many readable entries there are."""
        if self._complete:
            return len(self._entries)
        return len(self._memory_index())

    def get_entry(self, entry_id: str) -> Entry:
        """One entry by id (a unique prefix of at least 4 characters also works, for the CLI)."""
        self._require_store()
        entry = self._entries.get(EntryId(entry_id))
        if entry is not None:
            return entry
        if not self._complete:
            return self._read_entry(self._resolve_id(entry_id))
        if len(entry_id) >= 4:
            found = [e for i, e in self._entries.items() if i.startswith(entry_id)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise NotFoundError(
                    f"'{entry_id}' matches {len(found)} entries; give more of the id"
                )
        self._raise_missing(entry_id)

    def get_summary(self, entry_id: str) -> EntrySummary:
        """One entry's summary (no text decrypted when the index is loaded)."""
        if self._index is not None:
            summary = self._index.get(entry_id)
            if summary is not None:
                return summary
        return EntrySummary.of(self.get_entry(entry_id))

    def _raise_missing(self, entry_id: str) -> NoReturn:
        for record in self.damaged:
            if record.table == "entries" and record.row_id.startswith(entry_id):
                raise DamagedRecordError(f"entry {record.describe()}; see 'portfolio check'")
        raise NotFoundError(f"there is no entry with id '{entry_id}'")

    def _resolve_id(self, entry_id: str) -> EntryId:
        """The full id of an entry named by id or unique prefix (lighter modes)."""
        repo = EntryRepository(self._require_store())
        if repo.exists(entry_id) or len(entry_id) < 4:
            return EntryId(entry_id)
        found = repo.ids_with_prefix(entry_id)
        if len(found) > 1:
            raise NotFoundError(f"'{entry_id}' matches more than one entry; give more of the id")
        return EntryId(found[0] if found else entry_id)

    def _read_entry(self, entry_id: EntryId) -> Entry:
        """Decrypt one entry, trusted only if its row is exactly what the index (checked
        against the manifest at unlock) says the app last wrote. Anything else (a row
        deleted, brought back, rolled back or edited outside the app, or an index that does
        not know it) and the whole portfolio is read and checked as ``load="all"`` does, so
        the findings are named."""
        store = self._require_store()
        cached = self._entries.get(entry_id)
        if cached is not None:
            return cached
        if self._mode == "index" and self._index is not None and entry_id not in self._index:
            self._raise_missing(entry_id)  # the listing load already named what is missing
        repo = EntryRepository(store)
        row = repo.read_one(entry_id)
        stamp = self._stamp_of(entry_id)
        if row is None and stamp is None:
            self._raise_missing(entry_id)
        if row is None or stamp is None or stamp != (row[0]["version"], row[1]):
            self._ensure_complete()
            entry = self._entries.get(entry_id)
            if entry is None:
                self._raise_missing(entry_id)
            return entry
        try:
            entry = repo.decode_vouched(row[0])
        except (DamagedRecordError, ValueError, KeyError, TypeError) as exc:
            reason = exc.user_message if isinstance(exc, PortfolioError) else "unreadable entry"
            damaged = self._labelled(DamagedRecord("entries", entry_id, reason))
            if all(d.row_id != entry_id for d in self.damaged):
                self.damaged.append(damaged)
            self._remember_damage(damaged)
            raise DamagedRecordError(f"entry {damaged.describe()}; see 'portfolio check'") from exc
        self._entries[entry.id] = entry
        return entry

    def _remember_damage(self, record: DamagedRecord) -> None:
        """Note in the search index that an entry does not decrypt, so lists name it."""
        store = self._require_store()
        try:
            with store.write() as conn:
                IndexStore(store).mark_damaged(conn, {record.row_id: [record.reason, record.label]})
        except DamagedRecordError:
            pass  # an index that does not decrypt is rebuilt at the next full read
        self._segments.pop(bucket_of(record.row_id), None)
        if self._index is not None:
            self._index.remove(record.row_id)

    def _stamp_of(self, entry_id: str) -> tuple[int, str] | None:
        """(save counter, digest) the stored index holds for an entry's row."""
        bucket = bucket_of(entry_id)
        segment = self._segments.get(bucket)
        if segment is None:
            store = self._require_store()
            try:
                with store.read() as conn:
                    segment = IndexStore(store).read_bucket(conn, bucket, with_terms=False)
            except DamagedRecordError:
                return None  # checked at unlock, so this is new damage: read everything
            self._segments[bucket] = segment
        indexed = segment.entries.get(entry_id)
        return (indexed.version, indexed.digest) if indexed else None

    def _check_table_now(self, table: str) -> None:
        """In a lighter mode, check a whole table against the manifest before using it (its
        rows are not decrypted); anything out of place and everything is read and checked."""
        if self._mode != "lazy" or table in self._checked_tables:
            return  # "all" and "index" checked every table at unlock
        _files, discrepancies = self._check_tables((table,))
        if discrepancies:
            self._load()
        else:
            self._checked_tables.add(table)

    def _ensure_complete(self) -> None:
        """Read and check everything (a lighter mode met something it cannot vouch for, or a
        caller needs every entry)."""
        if not self._complete:
            self._load()

    def _memory_index(self) -> EntryIndex:
        """The search index in memory: from the stored index, or from the entries."""
        self._require_store()
        if self._index is not None:
            return self._index
        if not self._complete:
            store = self._require_store()
            try:
                with store.read() as conn:
                    segments = IndexStore(store).read_all(conn)
            except DamagedRecordError:
                segments = None
            if segments is not None and self._index_matches_file(segments):
                with paused_gc():
                    self._index = EntryIndex(
                        (i.record, i.terms) for seg in segments for i in seg.entries.values()
                    )
                return self._index
            self._ensure_complete()
        with paused_gc():
            self._index = EntryIndex(
                (summary_record(e), search_terms(e)) for e in self._entries.values()
            )
        return self._index

    def _index_matches_file(self, segments: list[Segment]) -> bool:
        """Whether the file holds exactly the entry rows, at the save counters, that the
        index lists (a cheap look at ids and counters: deleted, brought back and rolled-back
        entries show here; the index's own segments were checked against the manifest)."""
        listed = {rid: i.version for seg in segments for rid, i in seg.entries.items()}
        return listed == EntryRepository(self._require_store()).stamps()

    def add_entry(self, draft: EntryDraft) -> Entry:
        """Create and save a new entry (as a draft or ready: the app sets the other statuses)."""
        check_status_move(EntryStatus.DRAFT, draft.status)
        now = datetime.now(UTC)
        entry = Entry(
            id=EntryId(new_id()),
            kind=draft.kind,
            title=draft.title.strip(),
            sections=draft.sections or (Section(heading="Reflection", body="", key="body"),),
            status=draft.status,
            template_id=draft.template_id,
            created=now,
            updated=now,
            occurred_on=draft.occurred_on,
            plan_id=draft.plan_id,
            event_ids=draft.event_ids,
            experience_ids=draft.experience_ids,
            professions=normalise_tags(draft.professions),
            tags=normalise_tags(draft.tags),
            competencies=draft.competencies,
        )
        entry = _in_utc(entry)
        self._check_entry(entry)
        EntryRepository(self._require_store()).save(
            entry, is_new=True, revision=RevisionAction("new")
        )
        self._remember(entry)
        return entry

    def save_entry(self, entry: Entry, *, autosave: bool = False) -> Entry:
        """Save changes to an existing entry; returns it with its new ``updated`` time.

        With ``autosave`` the newest revision is updated in place when it is recent, so the
        history keeps one version per working session; otherwise a new revision is added.
        """
        old = self._lookup(entry.id)
        if old is None:
            raise NotFoundError(f"there is no entry with id '{entry.id}'")
        check_status_move(old.status, entry.status)
        entry = entry.replace(
            title=entry.title.strip(),
            tags=normalise_tags(entry.tags),
            professions=normalise_tags(entry.professions),
            updated=datetime.now(UTC),
            created=old.created,
        )
        entry = _in_utc(entry)
        self._check_entry(entry)
        repo = EntryRepository(self._require_store())
        action = RevisionAction("new")
        if autosave:
            # Coalesce into the newest version only while the session goes on, and never
            # into a version an export has published (its hash is in a signed file).
            latest = repo.latest_revision(entry.id)
            published = self.published_until()
            if (
                latest
                and timedelta(0) <= entry.updated - latest[1] < REVISION_COALESCE
                and (published is None or latest[1] > published)
            ):
                action = RevisionAction("update", latest[0])
        repo.save(entry, is_new=False, revision=action)
        self._remember(entry)
        return entry

    def set_status(self, entry_id: str, status: EntryStatus) -> Entry:
        """Move an entry between draft and ready by hand (or back from a status the app set);
        'submitted' and 'feedback received' are refused (see :meth:`set_statuses_by_app`)."""
        entry = self.get_entry(entry_id)
        return self.save_entry(entry.replace(status=status))

    def set_statuses_by_app(
        self,
        changes: Mapping[str, EntryStatus],
        *,
        also: Callable[[Any], None] | None = None,
    ) -> list[Entry]:
        """Statuses only the app sets, for many entries in one transaction.

        A signed export marks what it exported ``SUBMITTED``; importing a tutor's countersigned
        PDF marks entries with feedback ``FEEDBACK_RECEIVED`` and writes the feedback itself in
        the same transaction (``also(conn)``), so an import is all or nothing. No saved version
        is added and ``updated`` is kept: the text did not change. Unknown ids are skipped.
        Returns the entries changed.
        """
        store = self._require_store()
        known = self._readable_entries(changes)
        changed = [
            known[EntryId(i)].replace(status=status)
            for i, status in changes.items()
            if EntryId(i) in known and known[EntryId(i)].status is not status
        ]
        if not changed and also is None:
            return []
        with store.write() as conn:
            EntryRepository(store).update_in(conn, changed)
            if also is not None:
                also(conn)
        for entry in changed:
            self._remember(entry)
        return changed

    def mark_submitted(self, entry_ids: Sequence[str]) -> list[Entry]:
        """After a signed export: its draft and ready entries are now submitted (entries that
        already had feedback keep that status)."""
        known = self._readable_entries(entry_ids)
        return self.set_statuses_by_app(
            {
                i: EntryStatus.SUBMITTED
                for i in entry_ids
                if EntryId(i) in known
                and known[EntryId(i)].status in (EntryStatus.DRAFT, EntryStatus.READY)
            }
        )

    def _readable_entries(self, entry_ids: Iterable[str]) -> dict[EntryId, Entry]:
        """The entries with these ids that are in the portfolio and decrypt (read on demand
        in a lighter mode, each checked as any entry read then); others are left out."""
        found: dict[EntryId, Entry] = {}
        for raw in entry_ids:
            entry = self._entries.get(EntryId(raw))
            if entry is None and not self._complete:
                try:
                    entry = self._lookup(raw)
                except DamagedRecordError:
                    entry = None
            if entry is not None:
                found[entry.id] = entry
        return found

    def _retire_legacy_statuses(self) -> None:
        """Entries a student marked "reviewed" by hand (before 0.9) become "ready" again.

        That status never meant a tutor had seen the entry, so it is not carried over as
        "feedback received". Done once, at the first unlock with this version, in one
        transaction without new saved versions, and said in :attr:`notices`. Postponed while
        the file holds changes made outside the app (re-saving would hide them).
        """
        if self.integrity_findings:
            return
        store = self._require_store()
        with store.read() as conn:
            rows = integrity.raw_rows(
                conn, "SELECT id FROM entries WHERE status = ?", (LEGACY_REVIEWED,)
            )
        if not rows:
            return
        known = self._readable_entries(str(r[0]) for r in rows)
        if self.integrity_findings or not known:  # reading one made it read and check all
            return
        ids = list(known)
        with store.write() as conn:
            EntryRepository(store).update_in(conn, list(known.values()))
        for entry in known.values():
            self._remember(entry)
        one = len(ids) == 1
        self.notices.append(
            f"{len(ids)} {'entry was' if one else 'entries were'} marked 'Reviewed' by hand in "
            f"an earlier version and now {'reads' if one else 'read'} 'Ready for review': "
            f"'Reviewed' never meant a tutor had seen {'it' if one else 'them'}. 'Feedback "
            "received' is now set only by importing your tutor's countersigned PDF."
        )

    def delete_entry(self, entry_id: str) -> Entry:
        """Delete an entry and return it (so the GUI can offer undo via :meth:`restore_entry`)."""
        entry = self.get_entry(entry_id)
        relinked = [other.replace(plan_id=None) for other in self.reflections_for_plan(entry.id)]
        EntryRepository(self._require_store()).delete(entry.id, relinked=relinked)
        self._forget(entry.id)
        for other in relinked:
            self._remember(other)
        return entry

    def restore_entry(self, entry: Entry) -> Entry:
        """Put back a deleted entry with the same id (undo of delete)."""
        if self._exists(entry.id):
            raise ValidationError("that entry is already in the portfolio")
        entry = entry.replace(
            event_ids=tuple(e for e in entry.event_ids if e in self._events),
            experience_ids=tuple(e for e in entry.experience_ids if e in self._experiences),
            plan_id=entry.plan_id if entry.plan_id and self._exists(entry.plan_id) else None,
        )
        entry = _in_utc(entry)
        EntryRepository(self._require_store()).save(
            entry, is_new=True, revision=RevisionAction("new")
        )
        self._remember(entry)
        return entry

    def add_entries_bulk(
        self, entries: Sequence[Entry], progress: Callable[[int, int], None] | None = None
    ) -> None:
        """Insert many prepared entries in one transaction (archive import, demo, benchmarks)."""
        known = {e.id for e in entries}
        frameworks = {f.id: f for f in self.frameworks()}
        for entry in entries:
            self._check_entry(entry, known_entries=known, frameworks=frameworks)
        entries = [_in_utc(e) for e in entries]
        EntryRepository(self._require_store()).insert_many(entries, progress)
        for entry in entries:
            self._remember(entry)

    def _remember(self, entry: Entry) -> None:
        """A saved entry: update every cache that holds it."""
        self._entries[entry.id] = entry
        if self._complete:
            self._texts[entry.id] = entry.searchable_text()
        if self._index is not None:
            self._index.put(entry)
        self._segments.pop(bucket_of(entry.id), None)

    def _forget(self, entry_id: str) -> None:
        self._entries.pop(EntryId(entry_id), None)
        self._texts.pop(entry_id, None)
        if self._index is not None:
            self._index.remove(entry_id)
        self._segments.pop(bucket_of(entry_id), None)

    def _lookup(self, entry_id: str) -> Entry | None:
        """An entry by exact id, or None when there is none (decrypted on demand)."""
        entry = self._entries.get(EntryId(entry_id))
        if entry is not None or self._complete:
            return entry
        try:
            return self._read_entry(EntryId(entry_id))
        except NotFoundError:
            return None

    def _exists(self, entry_id: str) -> bool:
        if entry_id in self._entries:
            return True
        if self._complete:
            return False
        if self._index is not None:
            return entry_id in self._index
        return self._lookup(entry_id) is not None

    def _check_entry(
        self,
        entry: Entry,
        known_entries: set[EntryId] | None = None,
        frameworks: dict[str, Framework] | None = None,
        known_links: Collection[str] = (),
    ) -> None:
        """``known_*``: records written in the same transaction (a bulk insert, an import)."""
        entry.validate()
        for event_id in entry.event_ids:
            if event_id not in self._events and event_id not in known_links:
                raise ValidationError(f"there is no event with id '{event_id}'")
        for experience_id in entry.experience_ids:
            if experience_id not in self._experiences and experience_id not in known_links:
                raise ValidationError(f"there is no experience with id '{experience_id}'")
        if entry.plan_id is not None:
            known = known_entries and entry.plan_id in known_entries
            plan = None if known else self._lookup(entry.plan_id)
            if plan is None and not known:
                raise ValidationError(f"there is no plan with id '{entry.plan_id}'")
            if plan is not None and plan.kind is not EntryKind.PLAN:
                raise ValidationError("a reflection can only answer a plan")
        if not entry.competencies:
            return
        if frameworks is None:
            frameworks = {f.id: f for f in self.frameworks()}
        for link in entry.competencies:
            framework = frameworks.get(link.framework_id)
            if framework is None:
                raise ValidationError(
                    f"unknown framework '{link.framework_id}'; see 'portfolio frameworks list'"
                )
            if framework.find(link.code) is None:
                raise ValidationError(
                    f"unknown competency code '{link.code}' in {framework.short_name}; "
                    "see 'portfolio frameworks list'"
                )

    def search(self, query: str) -> list[Entry]:
        """Entries matching what the student typed (see entry_filter.parse_query)."""
        return self.filter(parse_query(query))

    def filter(self, flt: EntryFilter) -> list[Entry]:
        """Entries passing a filter, newest first (decrypting only the matches when the
        search index answers)."""
        if self._complete or flt.extra:
            return filter_entries(
                self.entries(), flt, texts=self._texts, event_kind_of=self._event_kind_of
            )
        return [self.get_entry(s.id) for s in self.find(flt)]

    def search_summaries(self, query: str) -> list[EntrySummary]:
        """:meth:`search` without decrypting the matching entries (the index answers)."""
        return self.find(parse_query(query))

    def find(self, flt: EntryFilter) -> list[EntrySummary]:
        """Summaries of the entries passing a filter, newest first, from the search index."""
        if flt.extra:
            return [EntrySummary.of(e) for e in self.filter(flt)]
        return self._memory_index().search(
            flt, event_kind_of=self._event_kind_of, text_of=self.search_text
        )

    def find_ids(self, flt: EntryFilter, *, within: Iterable[str] | None = None) -> list[EntryId]:
        """Ids of the entries passing a filter, newest first (``within``: only among these,
        e.g. the previous keystroke's matches); no summary objects are made."""
        if flt.extra:
            found = [e.id for e in self.filter(flt)]
            return found if within is None else [i for i in found if i in set(within)]
        return self._memory_index().search_ids(
            flt, event_kind_of=self._event_kind_of, text_of=self.search_text, within=within
        )

    def find_result(
        self, flt: EntryFilter, *, previous: SearchResult | None = None
    ) -> SearchResult:
        """:meth:`find_ids` as a result the next search can narrow (search-as-you-type);
        ``previous`` must come from this portfolio's index with nothing saved since."""
        if flt.extra:
            raise ValidationError("this filter needs full entries; use filter()")
        return self._memory_index().search_result(
            flt, event_kind_of=self._event_kind_of, text_of=self.search_text, previous=previous
        )

    def search_text(self, entry_id: str) -> str:
        """An entry's searchable text (decrypted on demand; phrases need it)."""
        text = self._texts.get(entry_id)
        if text is None:
            text = self.get_entry(entry_id).searchable_text()
            if self._complete:
                self._texts[entry_id] = text
        return text

    def _event_kind_of(self, event_id: str) -> str | None:
        event = self._events.get(EventId(event_id))
        return event.kind.value if event else None

    def all_tags(self) -> dict[str, int]:
        """Every free tag with how many entries use it (one pass, no per-tag scans)."""
        counts: dict[str, int] = {}
        items: Iterable[Entry | EntrySummary] = (
            self._entries.values() if self._complete else self.summaries()
        )
        for entry in items:
            for tag in entry.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: kv[0].casefold()))

    def reflections_for_plan(self, plan_id: str) -> list[Entry]:
        """Reflections written against a plan.

        In a lighter mode the file's indexed ``plan_id`` column finds them and each is then
        checked like any entry read on demand; a link removed outside the app shows up in
        a full check (the other entry's row no longer matches the manifest).
        """
        if self._complete:
            return [e for e in self._entries.values() if e.plan_id == plan_id]
        if self._index is not None:
            ids = [s.id for s in self._index if s.plan_id == plan_id]
        else:
            repo = EntryRepository(self._require_store())
            ids = [EntryId(i) for i in repo.ids_answering(plan_id)]
        found = [self._read_entry(i) for i in ids]
        if self._mode == "all":  # reading one of them made it read and check everything
            found = list(self._entries.values())
        return [e for e in found if e.plan_id == plan_id]

    # ---- revisions -------------------------------------------------------------------------

    def revisions(self, entry_id: str) -> list[Revision]:
        """Earlier versions of an entry, newest first."""
        entry = self.get_entry(entry_id)
        self._check_table_now("revisions")
        revisions, damaged = EntryRepository(self._require_store()).revisions(entry.id)
        self.damaged.extend(d for d in damaged if d not in self.damaged)
        return revisions

    def restore_revision(self, revision: Revision) -> Entry:
        """Make an earlier version current again (the current one stays in history)."""
        current = self.get_entry(revision.entry_id)
        restored = revision.entry.replace(
            id=current.id,
            status=current.status,
            event_ids=tuple(e for e in revision.entry.event_ids if e in self._events),
            experience_ids=tuple(
                e for e in revision.entry.experience_ids if e in self._experiences
            ),
            plan_id=revision.entry.plan_id
            if revision.entry.plan_id and self._exists(revision.entry.plan_id)
            else None,
        )
        return self.save_entry(restored)

    # ---- the timeline (revision hash chain) ----------------------------------------------

    def timeline_info(self) -> dict[str, object]:
        """When and how this portfolio's chain started, and until when versions were published
        by an export (the vault's ``timeline`` setting; empty if it is missing)."""
        if self._timeline_info is None:
            try:
                raw = self.get_secret_setting(chain_repository.TIMELINE_SETTING)
                value = json.loads(raw) if raw else {}
            except (DamagedRecordError, ValueError):
                value = {}
            self._timeline_info = value if isinstance(value, dict) else {}
        return dict(self._timeline_info)

    def published_until(self) -> datetime | None:
        """Versions saved up to this time may be in a signed export (see mark_published)."""
        value = self.timeline_info().get("published_until")
        try:
            return datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            return datetime.max.replace(tzinfo=UTC)  # unreadable: treat everything as published

    def timelines(self, entry_ids: Sequence[str]) -> dict[EntryId, EntryTimeline]:
        """The chain of each entry (that has one): links, head salt, summary, problems."""
        store = self._require_store()
        with store.read() as conn:
            found = chain_repository.ChainStore(store).links_of(conn, list(entry_ids))
        result: dict[EntryId, EntryTimeline] = {}
        for raw_id, stored in found.items():
            if not stored:
                continue
            entry_id = EntryId(raw_id)
            entry = self._readable_entries([entry_id]).get(entry_id)
            links = tuple(s.link for s in stored)
            problems = chain_problems(entry_id, links)
            if (
                entry is not None
                and private_digest(chain_repository.content_of(entry)) != stored[-1].private
            ):
                problems.append("the entry changed after its newest saved version")
            summary = summarise(links, canonical_time(entry.created) if entry else None)
            result[entry_id] = EntryTimeline(
                entry_id, links, stored[-1].salt, summary, tuple(problems)
            )
        return result

    def chain_links(self, entry_id: str) -> dict[str, Link]:
        """The chain link of each saved version of an entry, by revision id."""
        entry = self.get_entry(entry_id)
        self._check_table_now(chain_repository.TABLE)
        store = self._require_store()
        with store.read() as conn:
            found = chain_repository.ChainStore(store).links_of(conn, [entry.id])
        return {s.revision_id: s.link for s in found.get(entry.id, [])}

    def record_current_versions(self, entry_ids: Sequence[str], now: datetime) -> int:
        """Before an export: give every entry whose current state is not its newest saved
        version (links changed by deleting an event, say) a version now (``export``), so
        each exported head hashes to the text exported. Returns how many were added."""
        store = self._require_store()
        known = self._readable_entries(entry_ids)
        ids = [EntryId(i) for i in entry_ids if EntryId(i) in known]
        with store.read() as conn:  # one read for all the chains, not one per entry
            chains = chain_repository.ChainStore(store).links_of(conn, ids)
        repo = EntryRepository(store)
        added = 0
        for entry_id in ids:
            entry = known[entry_id]
            links = chains.get(entry_id)
            current = private_digest(chain_repository.content_of(entry))
            if not links or links[-1].private != current:
                repo.record_version(entry, now, origin="export")
                added += 1
        return added

    def mark_published(self, until: datetime) -> None:
        """An export put the chain heads of versions saved up to ``until`` into a signed file:
        from now on those versions are never updated in place (autosave coalescing)."""
        info = self.timeline_info()
        previous = self.published_until()
        if previous is not None and previous >= until:
            return
        info["published_until"] = until.astimezone(UTC).isoformat()
        info.setdefault("format", 1)
        self.set_secret_setting(chain_repository.TIMELINE_SETTING, json.dumps(info).encode("utf-8"))
        self._timeline_info = info

    # ---- events and experiences ------------------------------------------------------------

    def events(self) -> list[Event]:
        """All events, newest first."""
        self._require_store()
        return sorted(self._events.values(), key=lambda e: (e.on is None, e.on), reverse=True)

    def get_event(self, event_id: str) -> Event:
        """One event."""
        event = self._events.get(EventId(event_id))
        if event is None:
            matches = [
                e for i, e in self._events.items() if len(event_id) >= 4 and i.startswith(event_id)
            ]
            if len(matches) == 1:
                return matches[0]
            raise NotFoundError(f"there is no event with id '{event_id}'")
        return event

    def add_event(
        self,
        kind: EventKind,
        title: str,
        *,
        on: object = None,
        place: str = "",
        professions_present: Sequence[str] = (),
        notes: str = "",
        attended: bool = True,
        hours: float | None = None,
        confirmed_by: str = "",
    ) -> Event:
        """Record an IPL event (with the hours attended and who confirmed them, if known)."""
        from datetime import date as date_type

        event = Event(
            id=EventId(new_id()),
            kind=kind,
            title=title.strip(),
            on=on if isinstance(on, date_type) else None,
            place=place.strip(),
            professions_present=normalise_tags(list(professions_present)),
            notes=notes,
            attended=attended,
            hours=hours,
            confirmed_by=confirmed_by.strip(),
        )
        event.validate()
        CatalogueRepository(self._require_store()).save_event(event, is_new=True)
        self._events[event.id] = event
        return event

    def save_event(self, event: Event) -> Event:
        """Change an event."""
        if event.id not in self._events:
            raise NotFoundError(f"there is no event with id '{event.id}'")
        event.validate()
        CatalogueRepository(self._require_store()).save_event(event, is_new=False)
        self._events[event.id] = event
        return event

    def delete_event(self, event_id: str) -> Event:
        """Delete an event; its entries stay, without the link."""
        event = self.get_event(event_id)
        self._ensure_complete()
        relinked = [
            entry.replace(event_ids=tuple(e for e in entry.event_ids if e != event.id))
            for entry in self._entries.values()
            if event.id in entry.event_ids
        ]
        CatalogueRepository(self._require_store()).delete_event(event.id, relinked=relinked)
        del self._events[event.id]
        for entry in list(self._entries.values()):
            if event.id in entry.event_ids:
                self._remember(
                    entry.replace(event_ids=tuple(e for e in entry.event_ids if e != event.id))
                )
        return event

    def experiences(self) -> list[Experience]:
        """All experiences, newest first."""
        self._require_store()
        return sorted(
            self._experiences.values(),
            key=lambda e: (e.starts_on is None, e.starts_on),
            reverse=True,
        )

    def get_experience(self, experience_id: str) -> Experience:
        """One experience."""
        experience = self._experiences.get(ExperienceId(experience_id))
        if experience is None:
            matches = [
                e
                for i, e in self._experiences.items()
                if len(experience_id) >= 4 and i.startswith(experience_id)
            ]
            if len(matches) == 1:
                return matches[0]
            raise NotFoundError(f"there is no experience with id '{experience_id}'")
        return experience

    def add_experience(
        self,
        kind: ExperienceKind,
        title: str,
        *,
        setting: str = "",
        supervisor: str = "",
        starts_on: object = None,
        ends_on: object = None,
        notes: str = "",
        hours: float | None = None,
        confirmed_by: str = "",
    ) -> Experience:
        """Record a placement or other experience (with its hours and who confirmed them)."""
        from datetime import date as date_type

        experience = Experience(
            id=ExperienceId(new_id()),
            kind=kind,
            title=title.strip(),
            setting=setting.strip(),
            supervisor=supervisor.strip(),
            starts_on=starts_on if isinstance(starts_on, date_type) else None,
            ends_on=ends_on if isinstance(ends_on, date_type) else None,
            notes=notes,
            hours=hours,
            confirmed_by=confirmed_by.strip(),
        )
        experience.validate()
        CatalogueRepository(self._require_store()).save_experience(experience, is_new=True)
        self._experiences[experience.id] = experience
        return experience

    def save_experience(self, experience: Experience) -> Experience:
        """Change an experience."""
        if experience.id not in self._experiences:
            raise NotFoundError(f"there is no experience with id '{experience.id}'")
        experience.validate()
        CatalogueRepository(self._require_store()).save_experience(experience, is_new=False)
        self._experiences[experience.id] = experience
        return experience

    def delete_experience(self, experience_id: str) -> Experience:
        """Delete an experience; its entries stay, without the link."""
        experience = self.get_experience(experience_id)
        self._ensure_complete()
        relinked = [
            entry.replace(
                experience_ids=tuple(x for x in entry.experience_ids if x != experience.id)
            )
            for entry in self._entries.values()
            if experience.id in entry.experience_ids
        ]
        CatalogueRepository(self._require_store()).delete_experience(
            experience.id, relinked=relinked
        )
        del self._experiences[experience.id]
        for entry in list(self._entries.values()):
            if experience.id in entry.experience_ids:
                self._remember(
                    entry.replace(
                        experience_ids=tuple(x for x in entry.experience_ids if x != experience.id)
                    )
                )
        return experience

    # ---- frameworks ------------------------------------------------------------------------

    def frameworks(self) -> list[Framework]:
        """Built-in packs, then the ones the student imported."""
        from portfolio_app.core.framework_packs import load_builtin_frameworks

        builtin = load_builtin_frameworks()
        ids = {f.id for f in builtin}
        return [*builtin, *(f for f in self._imported_frameworks.values() if f.id not in ids)]

    def imported_frameworks(self) -> list[Framework]:
        """The packs the student imported (not the built-in ones)."""
        self._require_store()
        return list(self._imported_frameworks.values())

    def get_framework(self, framework_id: str) -> Framework:
        """One framework pack by id."""
        for framework in self.frameworks():
            if framework.id == framework_id:
                return framework
        raise NotFoundError(
            f"there is no framework '{framework_id}'; see 'portfolio frameworks list'"
        )

    def import_framework(self, data: bytes, *, source_name: str) -> Framework:
        """Validate and store a framework pack (Mahara .matrix JSON shape)."""
        from portfolio_app.core.framework_packs import (
            framework_to_matrix_json,
            parse_framework_pack,
        )

        framework = parse_framework_pack(data, source_name=source_name)
        from portfolio_app.core.framework_packs import load_builtin_frameworks

        if framework.id in {f.id for f in load_builtin_frameworks()}:
            raise ValidationError(
                f"'{framework.id}' is a built-in framework and cannot be replaced; "
                "give the pack another id or name"
            )
        VaultRepository(self._require_store()).save_framework_pack(
            framework.id, framework_to_matrix_json(framework)
        )
        self._imported_frameworks[framework.id] = framework
        return framework

    # ---- attachments -----------------------------------------------------------------------

    def add_attachment(self, entry_id: str, path: Path) -> AttachmentInfo:
        """Check a file (kind from its content, size, no links; ``core.evidence.files``) and
        encrypt it into the portfolio as evidence for an entry, in one transaction: on any
        refusal (``ValidationError`` saying why) nothing is stored."""
        from portfolio_app.core.evidence.files import read_evidence_file

        entry = self.get_entry(entry_id)
        return self._store_evidence(entry.id, read_evidence_file(path))

    def add_attachment_data(self, entry_id: str, name: str, data: bytes) -> AttachmentInfo:
        """The same for bytes that did not come from a path (a paste in the GUI)."""
        from portfolio_app.core.evidence.files import EvidenceFile, check_content, clean_name

        entry = self.get_entry(entry_id)
        clean = clean_name(name)
        if not clean:
            raise ValidationError("the file has no usable name")
        return self._store_evidence(entry.id, EvidenceFile(clean, check_content(clean, data), data))

    def _store_evidence(self, entry_id: EntryId, evidence: EvidenceFile) -> AttachmentInfo:
        from portfolio_app.core.evidence.files import (
            MAX_BYTES_PER_ENTRY,
            MAX_FILES_PER_ENTRY,
            describe_size,
        )

        existing = self.attachments(entry_id)
        if len(existing) >= MAX_FILES_PER_ENTRY:
            raise ValidationError(
                f"this entry already has {len(existing)} evidence files, the most it can have; "
                "remove one first"
            )
        total = sum(a.size for a in existing) + len(evidence.data)
        if total > MAX_BYTES_PER_ENTRY:
            raise ValidationError(
                f"this entry's evidence would come to {describe_size(total)}; an entry can hold "
                f"at most {describe_size(MAX_BYTES_PER_ENTRY)}"
            )
        for other in existing:
            if other.filename == evidence.name and other.size == len(evidence.data):
                raise ValidationError(f"'{evidence.name}' is already attached to this entry")
        return AttachmentRepository(self._require_store()).add(
            entry_id, evidence.name, evidence.media_type, evidence.data
        )

    def attachments(self, entry_id: str | None = None) -> list[AttachmentInfo]:
        """Attachments of one entry, or of all."""
        entry = EntryId(self.get_entry(entry_id).id) if entry_id else None
        self._check_table_now("attachments")
        return AttachmentRepository(self._require_store()).list_for(entry)

    def read_attachment(self, attachment_id: str) -> bytes:
        """Decrypt an attachment's bytes."""
        return AttachmentRepository(self._require_store()).read(AttachmentId(attachment_id))

    def delete_attachment(self, attachment_id: str) -> None:
        """Remove an attachment."""
        AttachmentRepository(self._require_store()).delete(AttachmentId(attachment_id))

    # ---- settings kept inside the vault ----------------------------------------------------

    def get_secret_setting(self, key: str) -> bytes | None:
        """Read a value stored encrypted in the portfolio (identity, final reflection...)."""
        return VaultRepository(self._require_store()).get_setting(key)

    def set_secret_setting(self, key: str, value: bytes) -> None:
        """Store a value encrypted in the portfolio."""
        VaultRepository(self._require_store()).set_setting(key, value)

    @property
    def final_reflection(self) -> str:
        """The student's closing overall reflection (Markdown)."""
        raw = self.get_secret_setting("final_reflection")
        return raw.decode("utf-8") if raw else ""

    def set_final_reflection(self, text: str) -> None:
        """Store the closing overall reflection."""
        self.set_secret_setting("final_reflection", text.encode("utf-8"))

    # ---- integrity: what changed outside the app ---------------------------------------------

    def _label(self, table: str, row_id: str) -> str:
        """What a record was, in words, as far as the app can tell."""
        store = self._require_store()
        if table == "entries":
            known = self._entries.get(EntryId(row_id)) or (
                self._index.get(row_id) if self._index is not None else None
            )
            title = known.title if known else EntryRepository(store).newest_readable_title(row_id)
            return f"entry '{title}' ({row_id[:8]})" if title else f"entry {row_id[:8]}"
        if table == "events" and EventId(row_id) in self._events:
            return f"event '{self._events[EventId(row_id)].title}' ({row_id[:8]})"
        if table == "experiences" and ExperienceId(row_id) in self._experiences:
            return f"experience '{self._experiences[ExperienceId(row_id)].title}' ({row_id[:8]})"
        if table == "revisions":
            owner = EntryRepository(store).revision_owner(row_id)
            if owner:
                return f"a saved version ({row_id[:8]}) of {self._label('entries', owner)}"
        if table == "settings":
            return {
                "final_reflection": "the final reflection",
                "identity": "the signing identity",
            }.get(row_id, f"the setting '{row_id}'")
        if table == "profile":
            return "your profile"
        return f"{noun_for(table)} {row_id[:8]}"

    def _label_damaged(self) -> None:
        self.damaged = [self._labelled(record) for record in self.damaged]

    def _labelled(self, record: DamagedRecord) -> DamagedRecord:
        """A damaged entry with what it was, as far as the app can tell."""
        if record.table != "entries" or record.label:
            return record
        repo = EntryRepository(self._require_store())
        title = repo.newest_readable_title(record.row_id)
        plain = repo.plain_description(record.row_id)
        label = f"'{title}', from its history; {plain}" if title else plain
        return DamagedRecord(record.table, record.row_id, record.reason, label)

    def _name_findings(
        self,
        discrepancies: list[integrity.Discrepancy],
        files: dict[str, dict[str, integrity.FileRecord]],
    ) -> None:
        """Turn the manifest's discrepancies and the structure changes into sentences."""
        by_record: dict[tuple[str, str], list[StructureChange]] = {}
        for change in self._changes:
            by_record.setdefault((change.table, change.row_id), []).append(change)
        findings: list[IntegrityFinding] = []
        named: set[tuple[str, str]] = set()
        for item in discrepancies:
            key = (item.table, item.row_id)
            if item.kind == "changed" and item.table == "revisions":
                findings.append(self._revision_finding(item.row_id, files))
            elif item.kind == "changed" and item.table == "attachments":
                findings.append(self._attachment_finding(item.row_id))
            elif item.kind == "changed" and key in by_record:
                findings.append(_change_finding(self._label(*key), by_record[key]))
            elif item.row_id in ("*", "head"):
                findings.append(IntegrityFinding(item.table, item.row_id, item.kind, item.detail))
            else:
                findings.append(
                    IntegrityFinding(
                        item.table,
                        item.row_id,
                        item.kind,
                        f"{self._label(*key)}: {item.detail}",
                    )
                )
            named.add(key)
        for key, changes in by_record.items():
            if key not in named:
                findings.append(_change_finding(self._label(*key), changes))
        self.integrity_findings = findings

    def _revision_finding(
        self, revision_id: str, files: dict[str, dict[str, integrity.FileRecord]]
    ) -> IntegrityFinding:
        repo = EntryRepository(self._require_store())
        owner = repo.revision_owner(revision_id)
        record = files["revisions"].get(revision_id)
        now_under = str(record.structure.get("entry_id")) if record else ""
        if owner and now_under and owner != now_under:
            return IntegrityFinding(
                "revisions",
                revision_id,
                "moved",
                f"a saved version ({revision_id[:8]}) of {self._label('entries', owner)} was "
                f"moved to {self._label('entries', now_under)} outside the app",
            )
        return IntegrityFinding(
            "revisions",
            revision_id,
            "changed",
            f"{self._label('revisions', revision_id)}: its save time was edited outside the app",
        )

    def _attachment_finding(self, attachment_id: str) -> IntegrityFinding:
        loaded = AttachmentRepository(self._require_store()).load()
        for info in loaded.records:
            if info.id == attachment_id:
                moved = [c for c in loaded.changes if c.row_id == attachment_id]
                detail = "; ".join(
                    f"{c.column} was {_shown(c.saved)} when saved, the file says {_shown(c.found)}"
                    for c in moved
                )
                return IntegrityFinding(
                    "attachments",
                    attachment_id,
                    "moved" if any(c.column == "entry_id" for c in moved) else "changed",
                    f"attachment '{info.filename}' ({attachment_id[:8]}) of "
                    f"{self._label('entries', info.entry_id)}: "
                    f"{detail or 'edited outside the app'}",
                )
        return IntegrityFinding(
            "attachments", attachment_id, "changed", f"attachment {attachment_id[:8]} was edited"
        )

    def acknowledge_integrity_findings(self) -> int:
        """The student has seen the findings: keep the portfolio as it now is.

        Plain columns that disagree with their seal get the sealed (saved) values back; a
        saved version or attachment moved to another entry goes back to its own entry (or is
        removed when that entry is gone); the manifest is then re-based on the records the file
        holds, so deletions and rollbacks the student accepts stop being reported. Returns how
        many findings were acknowledged. The CLI (``check --accept``) and the GUI both use it.
        """
        store = self._require_store()
        count = len(self.integrity_findings)
        entry_ids = {c.row_id for c in self._changes if c.table == "entries"}
        event_ids = {c.row_id for c in self._changes if c.table == "events"}
        experience_ids = {c.row_id for c in self._changes if c.table == "experiences"}
        attachments = AttachmentRepository(store).load()
        revisions = EntryRepository(store).check_all_revisions()
        repo = EntryRepository(store)
        # Saved values go back, without links to records that are gone from the file (a plan
        # or event deleted outside the app): the foreign keys would refuse them.
        kept = [
            self._entries[EntryId(i)].replace(
                plan_id=plan
                if (plan := self._entries[EntryId(i)].plan_id) and repo.exists(plan)
                else None,
                event_ids=tuple(
                    e for e in self._entries[EntryId(i)].event_ids if e in self._events
                ),
                experience_ids=tuple(
                    x for x in self._entries[EntryId(i)].experience_ids if x in self._experiences
                ),
            )
            for i in entry_ids
            if EntryId(i) in self._entries
        ]
        for entry in kept:
            self._remember(entry)
        index = self._memory_index()
        with store.write() as conn:
            repo.update_in(conn, kept)
            catalogue = CatalogueRepository(store)
            for event_id in event_ids:
                if EventId(event_id) in self._events:
                    catalogue.save_event_in(conn, self._events[EventId(event_id)])
            for experience_id in experience_ids:
                if ExperienceId(experience_id) in self._experiences:
                    catalogue.save_experience_in(
                        conn, self._experiences[ExperienceId(experience_id)]
                    )
            for table, items in (("revisions", revisions), ("attachments", attachments)):
                for change in items.changes:
                    if change.column != "entry_id":
                        continue
                    owner = str(change.saved)
                    if self._exists(owner):
                        conn.exec_driver_sql(
                            f"UPDATE {table} SET entry_id = ? WHERE id = ?",
                            (owner, change.row_id),
                        )
                    else:
                        conn.exec_driver_sql(
                            f"DELETE FROM {table} WHERE id = ?",
                            (change.row_id,),
                        )
            chain_repository.ChainStore(store).restore_index(conn)
            slots = _slot_digests(read_key_slots(store.engine))
            # The search index is rebuilt from what the student now keeps (it is only ever
            # built from records the manifest vouches for), then the manifest re-based.
            written = integrity.scan_file(conn, ("entries",))["entries"]
            IndexStore(store).rebuild_records(
                conn,
                (
                    (record, terms, version, written[record[0]].digest)
                    for record, terms in index.items()
                    if record[0] in written
                    and isinstance(version := written[record[0]].version, int)
                ),
            )
            store.manifest.rebuild(
                conn, integrity.scan_file(conn), slots, counter=integrity.head_counter(conn)
            )
        self.integrity_findings = []
        self._changes = []
        self._segments = {}
        return count

    @property
    def has_read_everything(self) -> bool:
        """Whether every record is read and checked (``load="all"``, or after
        :meth:`read_everything`): then whole-portfolio work starts at once."""
        return self._complete

    def read_everything(self) -> None:
        """Read and check every record now, as ``load="all"`` does (a lighter mode has only
        checked what it read). Whole-portfolio work (export, archive, coverage) calls this
        before looking at the findings."""
        self._require_store()
        self._ensure_complete()

    def damaged_for_export(self) -> list[DamagedRecord]:
        """Damaged records an export would otherwise silently leave out."""
        self.read_everything()
        relevant = {"entries", "events", "experiences", "profile", "frameworks"}
        found = [d for d in self.damaged if d.table in relevant]
        try:
            self.final_reflection  # noqa: B018 (decrypting is the check)
        except DamagedRecordError as exc:
            found.append(DamagedRecord("settings", "final_reflection", exc.user_message))
        return found

    # ---- health ------------------------------------------------------------------------------

    def full_check(self) -> CheckReport:
        """Check everything: SQLite's integrity, key slots, every record of every type
        (decrypted and its binding checked) and the manifest. Slow on purpose
        (``portfolio check``): it decrypts every revision, attachment and setting."""
        store = self._require_store()
        report = CheckReport(sqlite_problems=sqlite_integrity_problems(store.engine))
        self._load(everything=True)
        for kind, slot in read_key_slots(store.engine).items():
            try:
                slot.header_fields()
                report.counts["key slots"] = report.counts.get("key slots", 0) + 1
            except PortfolioError as exc:
                report.damaged.append(DamagedRecord("key_slots", kind, exc.user_message))
        report.counts["profile"] = 0 if any(d.table == "profile" for d in self.damaged) else 1
        report.counts["entries"] = len(self._entries)
        report.counts["events"] = len(self._events)
        report.counts["experiences"] = len(self._experiences)
        report.counts["framework packs"] = len(self._imported_frameworks)
        report.damaged.extend(self.damaged)
        revisions = EntryRepository(store).check_all_revisions()
        report.counts["saved versions"] = len(revisions.records)
        report.damaged.extend(revisions.damaged)
        report.counts["history links"] = self._check_chains(revisions.records, report.damaged)
        attachments = AttachmentRepository(store).load()
        report.damaged.extend(attachments.damaged)
        readable = 0
        for info in attachments.records:
            try:
                AttachmentRepository(store).read(info.id)
                readable += 1
            except DamagedRecordError as exc:
                report.damaged.append(
                    DamagedRecord("attachments", info.id, exc.user_message, f"'{info.filename}'")
                )
        report.counts["attachments"] = readable
        vault = VaultRepository(store)
        settings = 0
        for key in vault.setting_keys():
            try:
                value = vault.get_setting(key)
                if key == "identity" and value is not None:
                    json.loads(value)
                settings += 1
            except (DamagedRecordError, ValueError) as exc:
                reason = exc.user_message if isinstance(exc, PortfolioError) else "unreadable"
                report.damaged.append(
                    DamagedRecord("settings", key, reason, self._label("settings", key))
                )
        report.counts["settings"] = settings
        from portfolio_app.core.storage.feedback_repository import FeedbackRepository

        imports, bad_imports, _moved = FeedbackRepository(store).load()
        report.counts["tutor feedback imports"] = len(imports)
        report.damaged.extend(bad_imports)
        report.findings = list(self.integrity_findings)
        report.counts["manifest"] = 0 if any(f.table == "manifest" for f in report.findings) else 1
        seen: set[tuple[str, str]] = set()
        unique = []
        for record in report.damaged:
            if (record.table, record.row_id) not in seen:
                seen.add((record.table, record.row_id))
                unique.append(record)
        report.damaged = unique
        return report

    def _check_chains(self, revisions: list[Revision], damaged: list[DamagedRecord]) -> int:
        """Every saved version has a link, every entry's links form an intact chain, and each
        link's content digest is its version's text. Returns how many links check."""
        store = self._require_store()
        found: list[DamagedRecord] = []
        with store.read() as conn:
            chains = chain_repository.ChainStore(store).links_of(conn, None, found)
        damaged.extend(found)
        by_revision = {s.revision_id: s for links in chains.values() for s in links}
        good = 0
        for revision in revisions:
            stored = by_revision.get(revision.id)
            label = self._label("entries", revision.entry_id)
            if stored is None:
                damaged.append(
                    DamagedRecord(
                        "revision_links",
                        revision.id,
                        "this saved version has no link in the entry's history chain",
                        label,
                    )
                )
                continue
            content = chain_repository.content_of(revision.entry)
            if content_digest(content, stored.salt) != stored.link.content:
                damaged.append(
                    DamagedRecord(
                        "revision_links",
                        revision.id,
                        "its history link does not match the saved version's text",
                        label,
                    )
                )
                continue
            good += 1
        for entry_id, links in chains.items():
            problems = chain_problems(entry_id, [s.link for s in links])
            if problems:
                damaged.append(
                    DamagedRecord(
                        "revision_links",
                        entry_id,
                        "its history chain is broken: " + "; ".join(problems),
                        self._label("entries", entry_id),
                    )
                )
        return good

    def integrity_check(self) -> list[str]:
        """Every problem :meth:`full_check` finds, one line each; empty when all is well."""
        return self.full_check().problems()

    def damaged_entries(self) -> list[DamagedRecord]:
        """Entries that cannot be decrypted (listed as damaged by list, search and check).

        In a lighter mode: those met so far, and those the search index remembers from
        earlier full reads (an entry damaged since is named once something reads it).
        """
        found = [d for d in self.damaged if d.table == "entries"]
        if self._mode == "lazy":
            store = self._require_store()
            seen = {d.row_id for d in found}
            try:
                with store.read() as conn:
                    marks = IndexStore(store).damaged(conn)
            except DamagedRecordError:
                marks = {}
            present = EntryRepository(store).stamps() if marks else {}
            found.extend(
                DamagedRecord("entries", rid, reason, label)
                for rid, (reason, label) in marks.items()
                if rid not in seen and rid in present
            )
        return found

    def import_archive_contents(
        self, contents: ArchiveContents, progress: Progress | None = None
    ) -> dict[str, int]:
        """Add what a checked archive holds, in ONE transaction (``archive_import``).

        Into a portfolio with no entries, events or experiences yet, the archive's profile
        and final reflection replace the ones made at ``init``; into one that has some, they
        are left as they are (the counts say so) and the archive's records are added beside
        the student's own. Any id already in the portfolio refuses the whole import. Returns
        counts of what was added.
        """
        from portfolio_app.core.framework_packs import (
            framework_to_matrix_json,
            load_builtin_frameworks,
            parse_framework_pack,
        )
        from portfolio_app.core.services.archive_import import ArchiveImportError

        store = self._require_store()
        report = progress or (lambda _d, _t, _m: None)
        self.read_everything()
        fresh = not (self._entries or self._events or self._experiences)
        clashes = (
            sum(e.id in self._entries for e in contents.entries)
            + sum(e.id in self._events for e in contents.events)
            + sum(x.id in self._experiences for x in contents.experiences)
        )
        if clashes:
            raise ArchiveImportError(
                f"{clashes} record(s) of this archive are already in the portfolio (was it "
                "imported before?); nothing was imported"
            )
        builtin = {f.id for f in load_builtin_frameworks()}
        packs = []
        for pack_id, raw in contents.packs:
            framework = parse_framework_pack(raw, source_name=f"the archive's pack {pack_id}")
            if framework.id not in builtin:
                packs.append(framework)
        frameworks = {f.id: f for f in self.frameworks()}
        frameworks.update({f.id: f for f in packs})
        known = {e.id for e in contents.entries}
        links = {e.id for e in contents.events} | {x.id for x in contents.experiences}
        for entry in contents.entries:
            try:
                self._check_entry(
                    entry, known_entries=known, frameworks=frameworks, known_links=links
                )
            except ValidationError as exc:
                raise ArchiveImportError(
                    f"entry '{entry.title[:40]}' ({entry.id}): {exc.user_message}; nothing was "
                    "imported"
                ) from exc
        entries = [_in_utc(e) for e in contents.entries]
        # plans first: a reflection's plan must be in the file before it (foreign key)
        entries.sort(key=lambda e: e.kind is not EntryKind.PLAN)
        total = len(entries)

        def step(done: int, _total: int) -> None:
            report(30 + 60 * done // max(total, 1), 100, f"Saving entries ({done:,} of {total:,})")

        vault = VaultRepository(store)
        catalogue = CatalogueRepository(store)
        files = AttachmentRepository(store)
        with store.write() as conn:
            for framework in packs:
                vault.save_framework_pack_in(
                    conn, framework.id, framework_to_matrix_json(framework)
                )
            if fresh:
                vault.write_profile_in(conn, contents.profile)
            for event in contents.events:
                catalogue.save_event_in(conn, event, is_new=True)
            for experience in contents.experiences:
                catalogue.save_experience_in(conn, experience, is_new=True)
            report(30, 100, "Saving entries")
            EntryRepository(store).insert_many_in(conn, entries, step)
            report(90, 100, "Saving attached files")
            for item in contents.files:
                files.add_in(
                    conn,
                    item.entry_id,
                    item.filename,
                    item.media_type,
                    item.data,
                    attachment_id=item.id,
                    added=item.added,
                )
            final_kept = bool(contents.final_reflection) and (fresh or not self.final_reflection)
            if final_kept:
                vault.set_setting_in(
                    conn, "final_reflection", contents.final_reflection.encode("utf-8")
                )
        if fresh:
            self._profile = contents.profile
        for framework in packs:
            self._imported_frameworks[framework.id] = framework
        for event in contents.events:
            self._events[event.id] = event
        for experience in contents.experiences:
            self._experiences[experience.id] = experience
        with paused_gc():
            for entry in entries:
                self._remember(entry)
        report(100, 100, "Done")
        return {
            "entries": len(entries),
            "events": len(contents.events),
            "experiences": len(contents.experiences),
            "attachments": len(contents.files),
            "framework_packs": len(packs),
            "profile": int(fresh),
            "final_reflection": int(final_kept),
        }

    def snapshot_json(self) -> dict[str, object]:
        """Everything readable, as plain data (the base of portfolio.json and archives)."""
        from portfolio_app.core.domain.serialisation import (
            entry_to_dict,
            event_to_dict,
            experience_to_dict,
            profile_to_dict,
        )

        return {
            "format": "reflective-portfolio/1",
            "profile": profile_to_dict(self.profile),
            "events": [event_to_dict(e) for e in self.events()],
            "experiences": [experience_to_dict(e) for e in self.experiences()],
            "entries": [entry_to_dict(e) for e in self.entries()],
            "final_reflection": self.final_reflection,
        }


def _stamped(
    entries: Iterable[Entry], files: dict[str, integrity.FileRecord]
) -> Iterator[tuple[Entry, int, str]]:
    """Entries with their rows' save counter and digest (what the index records)."""
    for entry in entries:
        record = files.get(entry.id)
        if record is not None and isinstance(record.version, int):
            yield entry, record.version, record.digest


def _in_utc(entry: Entry) -> Entry:
    """The entry with its times in UTC (as they come back from the file), so the index and a
    scan agree on the day an entry is about."""
    changes: dict[str, object] = {}
    for name in ("created", "updated", "occurred_on"):
        value = getattr(entry, name)
        if value is not None and value.tzinfo is not None and value.utcoffset():
            changes[name] = value.astimezone(UTC)
    return entry.replace(**changes) if changes else entry


def _unlock(
    slots: dict[str, KeySlot], passphrase: str | None, recovery_key: str | None
) -> bytearray:
    if recovery_key is not None:
        slot = slots.get("recovery")
        if slot is None:
            raise CorruptDatabaseError("this portfolio has no recovery key")
        return unlock_recovery_slot(slot, recovery_key)
    if passphrase is None:
        raise ValidationError("a passphrase is needed to unlock the portfolio")
    return unlock_passphrase_slot(slots["passphrase"], passphrase)


def _suspects(discrepancies: list[integrity.Discrepancy], table: str) -> set[str] | None:
    """Records of ``table`` the manifest cannot vouch for (None: all of them)."""
    suspects: set[str] = set()
    for item in discrepancies:
        if item.table == "manifest" or (item.table == table and item.kind == "unknown"):
            return None
        if item.table == table and item.row_id != "*":
            suspects.add(item.row_id)
    return suspects


def _slot_digests(slots: dict[str, KeySlot]) -> dict[str, str]:
    return {kind: integrity.slot_digest(s.header, s.wrapped_key) for kind, s in slots.items()}


def _shown(value: object) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return (
            ", ".join(str(v if not isinstance(v, list) else ":".join(map(str, v))) for v in value)
            or "none"
        )
    return f"'{value}'"


_COLUMN_WORDS = {
    "status": "status",
    "kind": "kind",
    "created": "creation time",
    "updated": "last saved time",
    "occurred_on": "date",
    "on_date": "date",
    "starts_on": "start date",
    "ends_on": "end date",
    "attended": "attendance",
    "plan_id": "plan it answers",
    "event_ids": "linked events",
    "experience_ids": "linked experiences",
    "competencies": "competency claims and self-ratings",
    "template_id": "template",
    "entry_id": "entry it belongs to",
    "saved": "save time",
    "added": "time added",
    "size": "size",
}


def _change_finding(label: str, changes: list[StructureChange]) -> IntegrityFinding:
    parts = [
        f"{_COLUMN_WORDS.get(c.column, c.column)}: saved as {_shown(c.saved)}, "
        f"the file now says {_shown(c.found)}"
        for c in changes
    ]
    first = changes[0]
    return IntegrityFinding(
        first.table,
        first.row_id,
        "changed",
        f"{label} was edited outside the app: {'; '.join(parts)} (the saved values are shown)",
    )


def dumps(value: object) -> str:
    """Pretty JSON for the CLI and exports."""
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)
