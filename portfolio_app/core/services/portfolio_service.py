"""The open portfolio: the only API the GUI and the command line use to read and change it.

Contract:
- ``create`` and ``open`` take the folder's lock; ``close`` (also on lock or quit) drops the
  data key and every decrypted cache and releases the lock.
- Every method that changes something is one SQLite transaction, committed before it returns
  (autosave relies on this), and then updates the in-memory caches.
- Reads (listing, search, filters) run on the decrypted caches: nothing decrypted is written.
- Not thread-safe: the GUI calls it from one thread, except for long read-only work (export)
  that receives copies of the data.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
from portfolio_app.core.domain.entry_filter import EntryFilter, filter_entries, parse_query
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

#: Autosaves within this window of the newest revision update it instead of adding one, so a
#: typing session leaves a readable history rather than one revision per keystroke batch.
REVISION_COALESCE = timedelta(minutes=10)

Progress = Callable[[int, int, str], None]


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
        self._entries: dict[EntryId, Entry] = {}
        self._sorted: list[Entry] | None = None  # newest first; rebuilt after any change
        self._texts: dict[str, str] = {}
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
    ) -> PortfolioService:
        """Unlock an existing portfolio with its passphrase (or recovery key) and load it."""
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
        """Decrypt what the app shows and compare the file with the manifest.

        Entries the manifest vouches for are built from their plain columns; suspect ones (and
        all of them with ``everything``, for ``portfolio check``) from their sealed structure.
        """
        store = self._require_store()
        self.damaged = []
        self._changes = []
        try:
            self._profile = VaultRepository(store).read_profile()
        except DamagedRecordError as exc:
            self._profile = Profile(name="(profile damaged)")
            self.damaged.append(DamagedRecord("profile", "1", exc.user_message))
        slots = _slot_digests(read_key_slots(store.engine))
        with store.read() as conn:
            files = integrity.scan_file(conn)
            discrepancies = store.manifest.verify(conn, files, slots)
        suspects = None if everything else _suspects(discrepancies, "entries")
        loaded = EntryRepository(store).load_all(files["entries"], suspects)
        entries: list[Entry] = loaded.records
        self.damaged.extend(loaded.damaged)
        self._changes.extend(loaded.changes)
        self._entries = {e.id: e for e in entries}
        self._sorted = None
        self._texts = {e.id: e.searchable_text() for e in entries}
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

    def close(self) -> None:
        """Drop keys and decrypted data, release the lock. Safe to call twice."""
        if self._store is not None:
            self._store.cipher.forget_key()
            self._store.engine.dispose()
            self._store = None
        self._entries.clear()
        self._sorted = None
        self._texts.clear()
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

    def entries(self) -> list[Entry]:
        """All readable entries, newest first (by when they happened, else when written)."""
        self._require_store()
        return sorted(
            self._entries.values(), key=lambda e: e.occurred_on or e.created, reverse=True
        )

    def entry_count(self) -> int:
        """How many readable entries there are."""
        return len(self._entries)

    def get_entry(self, entry_id: str) -> Entry:
        """One entry by id (a unique prefix of at least 4 characters also works, for the CLI)."""
        self._require_store()
        entry = self._entries.get(EntryId(entry_id))
        if entry is not None:
            return entry
        if len(entry_id) >= 4:
            found = [e for i, e in self._entries.items() if i.startswith(entry_id)]
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise NotFoundError(
                    f"'{entry_id}' matches {len(found)} entries; give more of the id"
                )
        raise NotFoundError(f"there is no entry with id '{entry_id}'")

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
        old = self._entries.get(entry.id)
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
        changed = [
            self._entries[EntryId(i)].replace(status=status)
            for i, status in changes.items()
            if EntryId(i) in self._entries and self._entries[EntryId(i)].status is not status
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
        return self.set_statuses_by_app(
            {
                i: EntryStatus.SUBMITTED
                for i in entry_ids
                if EntryId(i) in self._entries
                and self._entries[EntryId(i)].status in (EntryStatus.DRAFT, EntryStatus.READY)
            }
        )

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
        ids = [EntryId(str(r[0])) for r in rows if EntryId(str(r[0])) in self._entries]
        if not ids:
            return
        with store.write() as conn:
            EntryRepository(store).update_in(conn, [self._entries[i] for i in ids])
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
        relinked = [
            other.replace(plan_id=None)
            for other in self._entries.values()
            if other.plan_id == entry.id
        ]
        EntryRepository(self._require_store()).delete(entry.id, relinked=relinked)
        self._entries.pop(entry.id, None)
        self._texts.pop(entry.id, None)
        self._sorted = None
        for other in list(self._entries.values()):
            if other.plan_id == entry.id:
                self._remember(other.replace(plan_id=None))
        return entry

    def restore_entry(self, entry: Entry) -> Entry:
        """Put back a deleted entry with the same id (undo of delete)."""
        if entry.id in self._entries:
            raise ValidationError("that entry is already in the portfolio")
        entry = entry.replace(
            event_ids=tuple(e for e in entry.event_ids if e in self._events),
            experience_ids=tuple(e for e in entry.experience_ids if e in self._experiences),
            plan_id=entry.plan_id if entry.plan_id in self._entries else None,
        )
        EntryRepository(self._require_store()).save(
            entry, is_new=True, revision=RevisionAction("new")
        )
        self._remember(entry)
        return entry

    def add_entries_bulk(self, entries: Sequence[Entry]) -> None:
        """Insert many prepared entries in one transaction (demo portfolio, benchmarks)."""
        for entry in entries:
            self._check_entry(entry, known_entries={e.id for e in entries})
        EntryRepository(self._require_store()).insert_many(list(entries))
        for entry in entries:
            self._remember(entry)

    def _remember(self, entry: Entry) -> None:
        self._sorted = None
        self._entries[entry.id] = entry
        self._texts[entry.id] = entry.searchable_text()

    def _check_entry(self, entry: Entry, known_entries: set[EntryId] | None = None) -> None:
        entry.validate()
        for event_id in entry.event_ids:
            if event_id not in self._events:
                raise ValidationError(f"there is no event with id '{event_id}'")
        for experience_id in entry.experience_ids:
            if experience_id not in self._experiences:
                raise ValidationError(f"there is no experience with id '{experience_id}'")
        if entry.plan_id is not None:
            plan = self._entries.get(entry.plan_id)
            if plan is None and not (known_entries and entry.plan_id in known_entries):
                raise ValidationError(f"there is no plan with id '{entry.plan_id}'")
            if plan is not None and plan.kind is not EntryKind.PLAN:
                raise ValidationError("a reflection can only answer a plan")
        if not entry.competencies:
            return
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
        """Entries passing a filter, newest first."""
        return filter_entries(
            self.entries(), flt, texts=self._texts, event_kind_of=self._event_kind_of
        )

    def _event_kind_of(self, event_id: str) -> str | None:
        event = self._events.get(EventId(event_id))
        return event.kind.value if event else None

    def all_tags(self) -> dict[str, int]:
        """Every free tag with how many entries use it (one pass, no per-tag scans)."""
        counts: dict[str, int] = {}
        for entry in self._entries.values():
            for tag in entry.tags:
                counts[tag] = counts.get(tag, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: kv[0].casefold()))

    def reflections_for_plan(self, plan_id: str) -> list[Entry]:
        """Reflections written against a plan."""
        return [e for e in self._entries.values() if e.plan_id == plan_id]

    # ---- revisions -------------------------------------------------------------------------

    def revisions(self, entry_id: str) -> list[Revision]:
        """Earlier versions of an entry, newest first."""
        entry = self.get_entry(entry_id)
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
            plan_id=revision.entry.plan_id if revision.entry.plan_id in self._entries else None,
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
            entry = self._entries.get(entry_id)
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
        store = self._require_store()
        with store.read() as conn:
            found = chain_repository.ChainStore(store).links_of(conn, [entry.id])
        return {s.revision_id: s.link for s in found.get(entry.id, [])}

    def record_current_versions(self, entry_ids: Sequence[str], now: datetime) -> int:
        """Before an export: give every entry whose current state is not its newest saved
        version (links changed by deleting an event, say) a version now (``export``), so
        each exported head hashes to the text exported. Returns how many were added."""
        store = self._require_store()
        ids = [EntryId(i) for i in entry_ids if EntryId(i) in self._entries]
        with store.read() as conn:  # one read for all the chains, not one per entry
            chains = chain_repository.ChainStore(store).links_of(conn, ids)
        repo = EntryRepository(store)
        added = 0
        for entry_id in ids:
            entry = self._entries[entry_id]
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
            entry = self._entries.get(EntryId(row_id))
            title = entry.title if entry else EntryRepository(store).newest_readable_title(row_id)
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
        labelled = []
        repo = EntryRepository(self._require_store())
        for record in self.damaged:
            if record.table == "entries" and not record.label:
                title = repo.newest_readable_title(record.row_id)
                plain = repo.plain_description(record.row_id)
                label = f"'{title}', from its history; {plain}" if title else plain
                labelled.append(DamagedRecord(record.table, record.row_id, record.reason, label))
            else:
                labelled.append(record)
        self.damaged = labelled

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
        with store.write() as conn:
            EntryRepository(store).update_in(
                conn, [self._entries[EntryId(i)] for i in entry_ids if EntryId(i) in self._entries]
            )
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
                    if EntryId(owner) in self._entries:
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
            store.manifest.rebuild(
                conn, integrity.scan_file(conn), slots, counter=integrity.head_counter(conn)
            )
        self.integrity_findings = []
        self._changes = []
        return count

    def damaged_for_export(self) -> list[DamagedRecord]:
        """Damaged records an export would otherwise silently leave out."""
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
        """Entries that cannot be decrypted (listed as damaged by list, search and check)."""
        return [d for d in self.damaged if d.table == "entries"]

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
