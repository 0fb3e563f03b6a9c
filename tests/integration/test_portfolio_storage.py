"""The service on real SQLite files: persistence, tampering, damage, locking, migrations."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import (
    CorruptDatabaseError,
    PortfolioExistsError,
    PortfolioInUseError,
    PortfolioNotFoundError,
    ValidationError,
    VaultHeaderError,
    WrongPassphraseError,
)
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.database import DB_NAME, SCHEMA_HEAD, schema_version

PASSPHRASE = "correct horse battery staple"
DATA = Path(__file__).parent.parent / "data"


def _draft(title: str, body: str = "body text", **kw: object) -> EntryDraft:
    return EntryDraft(
        kind=kw.pop("kind", EntryKind.REFLECTION),  # type: ignore[arg-type]
        title=title,
        sections=(Section("What?", body, "what"),),
        **kw,  # type: ignore[arg-type]
    )


def _sql(
    data_dir: Path, statement: str, params: tuple[object, ...] = ()
) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        rows = conn.execute(statement, params).fetchall()
        conn.commit()
        return rows
    finally:
        conn.close()


def test_entries_events_and_profile_survive_reopen(
    service: PortfolioService, data_dir: Path
) -> None:
    event = service.add_event(
        EventKind.SCHWARTZ_ROUND, "Round on end of life", place="Lecture theatre"
    )
    experience = service.add_experience(ExperienceKind.HOSPITAL_PLACEMENT, "Ward placement")
    entry = service.add_entry(
        _draft(
            "After the round",
            tags=("emotion", "Emotion", " roles "),
            event_ids=(event.id,),
            experience_ids=(experience.id,),
        )
    )
    assert entry.tags == ("emotion", "roles")
    service.close()
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        again = reopened.get_entry(entry.id)
        assert again.title == "After the round"
        assert again.event_ids == (event.id,)
        assert again.experience_ids == (experience.id,)
        assert reopened.get_event(event.id).place == "Lecture theatre"
        assert reopened.profile.name == "Zoë Ñúñez"
        assert reopened.damaged == []
    finally:
        reopened.close()


def test_wrong_passphrase_has_its_own_message(service: PortfolioService, data_dir: Path) -> None:
    service.close()
    with pytest.raises(WrongPassphraseError, match="does not unlock"):
        PortfolioService.open(data_dir, "not the passphrase")


def test_recovery_key_unlocks_and_resets_passphrase(data_dir: Path, profile: Profile) -> None:
    svc, recovery = PortfolioService.create(data_dir, PASSPHRASE, profile)
    svc.close()
    with PortfolioService.open(data_dir, recovery_key=recovery) as opened:
        opened.change_passphrase("a brand new passphrase")
    with PortfolioService.open(data_dir, "a brand new passphrase") as opened:
        assert opened.profile.student_id == "STU-2025-0042"
    with pytest.raises(WrongPassphraseError):
        PortfolioService.open(data_dir, PASSPHRASE)


def test_passphrase_change_does_not_reencrypt_entries(
    service: PortfolioService, data_dir: Path
) -> None:
    service.add_entry(_draft("Kept"))
    before = _sql(data_dir, "SELECT title FROM entries")
    service.change_passphrase("another good passphrase")
    assert _sql(data_dir, "SELECT title FROM entries") == before


def test_edited_header_is_reported_as_damaged_header(
    service: PortfolioService, data_dir: Path
) -> None:
    service.close()
    header = _sql(data_dir, "SELECT header FROM key_slots WHERE kind='passphrase'")[0][0]
    assert isinstance(header, bytes)
    edited = header.replace(b'"t":1', b'"t":2')
    assert edited != header
    _sql(data_dir, "UPDATE key_slots SET header=? WHERE kind='passphrase'", (edited,))
    with pytest.raises(VaultHeaderError, match="damaged or was edited"):
        PortfolioService.open(data_dir, PASSPHRASE)


def test_tampered_entry_is_reported_and_others_stay_readable(
    service: PortfolioService, data_dir: Path
) -> None:
    good = service.add_entry(_draft("Good one"))
    bad = service.add_entry(_draft("Bad one"))
    service.close()
    raw = _sql(data_dir, "SELECT sections FROM entries WHERE id=?", (bad.id,))[0][0]
    assert isinstance(raw, bytes)
    blob = bytearray(raw)
    blob[20] ^= 0xFF
    _sql(data_dir, "UPDATE entries SET sections=? WHERE id=?", (bytes(blob), bad.id))
    with PortfolioService.open(data_dir, PASSPHRASE) as opened:
        assert [e.id for e in opened.entries()] == [good.id]
        assert [d.row_id for d in opened.damaged] == [bad.id]
        assert "integrity check" in opened.damaged[0].reason
        assert opened.integrity_check()


def test_swapping_ciphertexts_between_rows_is_detected(
    service: PortfolioService, data_dir: Path
) -> None:
    first = service.add_entry(_draft("First"))
    second = service.add_entry(_draft("Second"))
    service.close()
    t1 = _sql(data_dir, "SELECT title FROM entries WHERE id=?", (first.id,))[0][0]
    t2 = _sql(data_dir, "SELECT title FROM entries WHERE id=?", (second.id,))[0][0]
    _sql(data_dir, "UPDATE entries SET title=? WHERE id=?", (t2, first.id))
    _sql(data_dir, "UPDATE entries SET title=? WHERE id=?", (t1, second.id))
    with PortfolioService.open(data_dir, PASSPHRASE) as opened:
        assert opened.entries() == []
        assert {d.row_id for d in opened.damaged} == {first.id, second.id}


def test_swapping_ciphertexts_between_fields_is_detected(
    service: PortfolioService, data_dir: Path
) -> None:
    entry = service.add_entry(_draft("Fields"))
    service.close()
    tags = _sql(data_dir, "SELECT tags FROM entries WHERE id=?", (entry.id,))[0][0]
    _sql(data_dir, "UPDATE entries SET professions=? WHERE id=?", (tags, entry.id))
    with PortfolioService.open(data_dir, PASSPHRASE) as opened:
        assert opened.entries() == []
        assert "professions" in opened.damaged[0].reason


def test_corrupted_database_file_gets_a_clear_error(
    service: PortfolioService, data_dir: Path
) -> None:
    service.close()
    db = data_dir / DB_NAME
    db.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(CorruptDatabaseError, match="not a portfolio database"):
        PortfolioService.open(data_dir, PASSPHRASE)


def test_damaged_pages_give_a_clear_error(service: PortfolioService, data_dir: Path) -> None:
    for i in range(30):
        service.add_entry(_draft(f"Entry {i}", "x" * 2000))
    service.close()
    db = data_dir / DB_NAME
    raw = bytearray(db.read_bytes())
    for offset in range(4096, len(raw), 7):  # keep the header, scramble the pages
        raw[offset] ^= 0x5A
    db.write_bytes(bytes(raw))
    with pytest.raises((CorruptDatabaseError, VaultHeaderError)):
        PortfolioService.open(data_dir, PASSPHRASE)


def test_missing_folder_and_missing_portfolio(tmp_path: Path) -> None:
    with pytest.raises(PortfolioNotFoundError, match="does not exist"):
        PortfolioService.open(tmp_path / "nowhere", PASSPHRASE)
    (tmp_path / "empty").mkdir()
    with pytest.raises(PortfolioNotFoundError, match="no portfolio"):
        PortfolioService.open(tmp_path / "empty", PASSPHRASE)


def test_create_refuses_to_overwrite(
    service: PortfolioService, data_dir: Path, profile: Profile
) -> None:
    service.close()
    with pytest.raises(PortfolioExistsError):
        PortfolioService.create(data_dir, PASSPHRASE, profile)


def test_short_passphrase_is_refused(data_dir: Path, profile: Profile) -> None:
    with pytest.raises(ValidationError, match="at least 8"):
        PortfolioService.create(data_dir, "short", profile)
    assert not (data_dir / DB_NAME).exists()


def test_second_open_is_refused_while_first_is_open(
    service: PortfolioService, data_dir: Path
) -> None:
    with pytest.raises(PortfolioInUseError, match="already open"):
        PortfolioService.open(data_dir, PASSPHRASE)
    service.close()
    PortfolioService.open(data_dir, PASSPHRASE).close()


def test_autosaves_coalesce_into_one_revision_and_restore_works(service: PortfolioService) -> None:
    entry = service.add_entry(_draft("Draft", "first words"))
    for words in ("first words and more", "first words and even more"):
        entry = service.save_entry(
            entry.replace(sections=(Section("What?", words, "what"),)), autosave=True
        )
    revisions = service.revisions(entry.id)
    assert len(revisions) == 1
    assert revisions[0].entry.sections[0].body == "first words and even more"
    entry = service.save_entry(entry.replace(title="Checkpoint"))
    assert len(service.revisions(entry.id)) == 2
    oldest = service.revisions(entry.id)[-1]
    restored = service.restore_revision(oldest)
    assert restored.title == "Draft"
    assert len(service.revisions(entry.id)) == 3


def test_status_moves_follow_the_rules(service: PortfolioService) -> None:
    entry = service.add_entry(_draft("Status"))
    for by_app in (EntryStatus.SUBMITTED, EntryStatus.FEEDBACK_RECEIVED):
        with pytest.raises(ValidationError, match="set"):
            service.set_status(entry.id, by_app)
        with pytest.raises(ValidationError):
            service.add_entry(_draft("Sneaky", status=by_app))
    service.set_status(entry.id, EntryStatus.READY)
    assert service.mark_submitted([entry.id])[0].status is EntryStatus.SUBMITTED
    revisions = len(service.revisions(entry.id))
    # the app's status changes add no saved version; the student can reopen the entry
    assert len(service.revisions(entry.id)) == revisions
    assert service.set_status(entry.id, EntryStatus.DRAFT).status is EntryStatus.DRAFT


def test_delete_then_restore_brings_entry_back(service: PortfolioService, data_dir: Path) -> None:
    entry = service.add_entry(_draft("Deleted"))
    removed = service.delete_entry(entry.id)
    assert service.entry_count() == 0
    service.restore_entry(removed)
    service.close()
    with PortfolioService.open(data_dir, PASSPHRASE) as opened:
        assert opened.get_entry(entry.id).title == "Deleted"


def test_reflection_answers_plan_and_plan_rules(service: PortfolioService) -> None:
    plan = service.add_entry(_draft("Before the SBAR simulation", kind=EntryKind.PLAN))
    reflection = service.add_entry(_draft("After the SBAR simulation", plan_id=plan.id))
    assert service.reflections_for_plan(plan.id) == [reflection]
    with pytest.raises(ValidationError):
        service.add_entry(_draft("Answering a reflection", plan_id=reflection.id))


def test_unknown_event_is_refused_and_nothing_stored(service: PortfolioService) -> None:
    from portfolio_app.core.domain.ids import EventId

    with pytest.raises(ValidationError, match="no event"):
        service.add_entry(_draft("Orphan", event_ids=(EventId("nope"),)))
    assert service.entry_count() == 0


def test_search_matches_all_words_tags_and_kinds(service: PortfolioService) -> None:
    service.add_entry(_draft("Handover practice", "SBAR with readback", tags=("sbar",)))
    service.add_entry(_draft("Medicines review", "pharmacist and GP", kind=EntryKind.NOTE))
    assert [e.title for e in service.search("readback sbar")] == ["Handover practice"]
    assert [e.title for e in service.search("#sbar")] == ["Handover practice"]
    assert [e.title for e in service.search("kind:note")] == ["Medicines review"]
    assert service.search("readback pharmacist") == []


def test_attachments_are_encrypted_and_read_back(
    service: PortfolioService, data_dir: Path, tmp_path: Path
) -> None:
    entry = service.add_entry(_draft("With evidence"))
    evidence = tmp_path / "certificate.txt"
    evidence.write_text("ATTACHMENT-CANARY-42", encoding="utf-8")
    info = service.add_attachment(entry.id, evidence)
    assert service.read_attachment(info.id) == b"ATTACHMENT-CANARY-42"
    assert b"ATTACHMENT-CANARY-42" not in (data_dir / DB_NAME).read_bytes()


def test_first_schema_database_is_migrated_after_a_backup(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copy(DATA / "portfolio-schema-0001.db", data_dir / DB_NAME)
    assert schema_version(data_dir / DB_NAME) == "0001"
    with PortfolioService.open(data_dir, "schema one passphrase") as opened:
        assert schema_version(data_dir / DB_NAME) == SCHEMA_HEAD
        entry = opened.entries()[0]
        assert entry.title == "What the round taught me"
        event = opened.get_event(entry.event_ids[0])
        assert event.kind is EventKind.SCHWARTZ_ROUND
        assert event.attended is True
        assert opened.profile.name == "Łukasz Wróbel"
        opened.set_final_reflection("new in schema 2")
        assert opened.final_reflection == "new in schema 2"
    backups = list((data_dir / "backups").glob("portfolio-*-before-schema-*.db"))
    assert len(backups) == 1
    assert schema_version(backups[0]) == "0001"


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from portfolio_app.core.storage.database import make_engine, upgrade_schema
    from portfolio_app.core.storage.records import Base

    db = tmp_path / DB_NAME
    database = make_engine(db)
    upgrade_schema(database, db, backup_dir=tmp_path / "b")
    database.dispose()
    engine = create_engine(f"sqlite:///{db}")  # Alembic compares through SQLAlchemy
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_database_from_a_newer_app_is_refused(service: PortfolioService, data_dir: Path) -> None:
    service.close()
    _sql(data_dir, "UPDATE alembic_version SET version_num='9999'")
    with pytest.raises(Exception, match="newer version"):
        PortfolioService.open(data_dir, PASSPHRASE)


def test_change_passphrase_checks_the_current_one(
    service: PortfolioService, data_dir: Path
) -> None:
    assert service.check_passphrase(PASSPHRASE)
    assert not service.check_passphrase("something else entirely")
    with pytest.raises(WrongPassphraseError, match="current passphrase"):
        service.change_passphrase("a new passphrase here", current_passphrase="wrong one!")
    service.change_passphrase("a new passphrase here", current_passphrase=PASSPHRASE)
    service.close()
    PortfolioService.open(data_dir, "a new passphrase here").close()


def test_attendance_hours_and_confirmer_survive_reopen_and_old_rows_have_none(
    tmp_path: Path,
) -> None:
    """Hours and who confirmed them (revision 0004) round-trip; rows without them read as None."""
    import sqlite3

    from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
    from portfolio_app.core.domain.errors import ValidationError

    data_dir = tmp_path / "hours"
    service, _key = PortfolioService.create(data_dir, PASSPHRASE, Profile(name="Student"))
    event = service.add_event(
        EventKind.PATIENT_CARER_GROUP, "Session", hours=2.5, confirmed_by="Session lead"
    )
    placement = service.add_experience(
        ExperienceKind.LEICESTER_MODEL_PLACEMENT,
        "Leicester Model placement",
        hours=37.5,
        confirmed_by="Practice assessor",
    )
    legacy = service.add_event(EventKind.IPL_WORKSHOP, "Before hours were recorded")
    with pytest.raises(ValidationError, match="between 0 and 120"):
        service.add_event(EventKind.IPL_WORKSHOP, "Too long", hours=130)
    with pytest.raises(ValidationError, match="must be a number"):
        service.add_experience(ExperienceKind.OTHER, "Nonsense", hours=float("nan"))
    assert (legacy.hours, legacy.confirmed_by) == (None, "")
    service.close()
    # Rows from before revision 0004 hold no attendance: the integrity migration (0005) writes
    # an empty one for them (tests/integration/test_tamper_at_rest.py opens such a file), so
    # in a sealed portfolio a NULL attendance is a field removed outside the app: damaged.
    with sqlite3.connect(data_dir / "portfolio.db") as conn:
        conn.execute("UPDATE events SET attendance = NULL WHERE id = ?", (legacy.id,))
    again = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        got = again.get_event(event.id)
        assert (got.hours, got.confirmed_by) == (2.5, "Session lead")
        exp = again.get_experience(placement.id)
        assert (exp.hours, exp.confirmed_by) == (37.5, "Practice assessor")
        assert [(d.row_id, d.reason) for d in again.damaged] == [
            (legacy.id, f"events record {legacy.id}: field 'attendance' is missing")
        ]
    finally:
        again.close()
