"""Someone with write access to the file but not the passphrase, using sqlite3 (not our code).

Each move below went unnoticed before the keyed manifest and the sealed structure (issue 8):
the change went straight into the next signed export. Now each is detected at unlock, named
(which record, what changed), the rest stays readable, and the signed export waits until the
student has seen the findings.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import DamagedRecordError, WrongPassphraseError
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.export.errors import DamagedRecordsError, IntegrityFindingsPendingError
from portfolio_app.core.services.export_service import prepare_export
from portfolio_app.core.services.portfolio_service import EntryDraft, LoadMode, PortfolioService
from portfolio_app.core.storage.database import DB_NAME

PASS = "correct horse battery staple"
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def folder(tmp_path: Path) -> dict[str, str]:
    """A portfolio with two entries, an event, a plan, history; returns the ids."""
    data_dir = tmp_path / "p"
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Zoë Student"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round on ward 5")
        first = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title="Handover reflection",
                sections=(Section("What?", "first text", "what"),),
                event_ids=(event.id,),
                competencies=(CompetencyLink("ipec-2023", "VE3", 2),),
            )
        )
        second = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Second note"))
        first = service.save_entry(first.replace(title="Handover reflection v2"))
        first = service.save_entry(first.replace(title="Handover reflection v3"))
    return {"dir": str(data_dir), "first": first.id, "second": second.id, "event": event.id}


def _db(folder: dict[str, str]) -> sqlite3.Connection:
    return sqlite3.connect(Path(folder["dir"]) / DB_NAME)


def _sql(folder: dict[str, str], statement: str, params: tuple[object, ...] = ()) -> None:
    db = _db(folder)
    db.execute(statement, params)
    db.commit()
    db.close()


_LOAD: dict[str, LoadMode] = {"mode": "all"}


@pytest.fixture(autouse=True, params=["all", "index"])
def _load_mode(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every move is detected the same way when the app opens with the search index
    (``load="index"``: every record checked, entries decrypted on demand)."""
    _LOAD["mode"] = request.param
    yield
    _LOAD["mode"] = "all"


def _open(folder: dict[str, str]) -> PortfolioService:
    return PortfolioService.open(Path(folder["dir"]), PASS, load=_LOAD["mode"])


def _messages(service: PortfolioService) -> str:
    return "\n".join(f.message for f in service.integrity_findings)


def test_an_untouched_portfolio_has_no_findings(folder: dict[str, str]) -> None:
    with _open(folder) as service:
        assert service.integrity_findings == []
        assert service.damaged == []
        assert service.full_check().ok


def test_changed_status_is_named_and_the_saved_value_is_used(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entries SET status = 'reviewed' WHERE id = ?", (folder["first"],))
    with _open(folder) as service:
        text = _messages(service)
        assert "Handover reflection v3" in text and "status: saved as 'draft'" in text
        assert "'reviewed'" in text
        assert service.get_entry(folder["first"]).status is EntryStatus.DRAFT


def test_changed_attendance_is_named(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE events SET attended = 0")
    with _open(folder) as service:
        assert "event 'Round on ward 5'" in _messages(service)
        assert "attendance: saved as yes, the file now says no" in _messages(service)
        assert service.get_event(folder["event"]).attended is True


def test_changed_date_is_named(folder: dict[str, str]) -> None:
    _sql(
        folder,
        "UPDATE entries SET occurred_on = '2020-01-01 12:00:00.000000' WHERE id = ?",
        (folder["first"],),
    )
    with _open(folder) as service:
        assert "date: saved as empty, the file now says '2020-01-01T12:00:00'" in _messages(service)


def test_changed_competency_claim_and_self_rating_are_named(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entry_competencies SET self_rating = 5")
    _sql(
        folder,
        "INSERT INTO entry_competencies (entry_id, framework_id, code, self_rating) "
        "VALUES (?, 'ipec-2023', 'RR1', NULL)",
        (folder["second"],),
    )
    with _open(folder) as service:
        text = _messages(service)
        assert "saved as ipec-2023:VE3:2, the file now says ipec-2023:VE3:5" in text
        assert "entry 'Second note'" in text and "ipec-2023:RR1" in text
        assert service.get_entry(folder["second"]).competencies == ()


def test_unlinking_an_event_is_named(folder: dict[str, str]) -> None:
    _sql(folder, "DELETE FROM entry_events")
    with _open(folder) as service:
        assert "linked events" in _messages(service)
        assert service.get_entry(folder["first"]).event_ids == (folder["event"],)


def test_a_revision_moved_to_another_entry_is_named(folder: dict[str, str]) -> None:
    _sql(
        folder,
        "UPDATE revisions SET entry_id = ? WHERE id = "
        "(SELECT id FROM revisions WHERE entry_id = ? LIMIT 1)",
        (folder["second"], folder["first"]),
    )
    with _open(folder) as service:
        moved = [f for f in service.integrity_findings if f.kind == "moved"]
        assert len(moved) == 1
        assert "Handover reflection v3" in moved[0].message
        assert "moved to entry 'Second note'" in moved[0].message
        # The moved version does not show up in the other entry's history.
        assert all(r.entry.id == folder["second"] for r in service.revisions(folder["second"]))


def test_an_older_ciphertext_copied_back_over_one_field_is_named(folder: dict[str, str]) -> None:
    # Keep the file as it is now, save once more, then copy the older title ciphertext back.
    db = _db(folder)
    (old_title,) = db.execute(
        "SELECT title FROM entries WHERE id = ?", (folder["first"],)
    ).fetchone()
    db.close()
    with _open(folder) as service:
        entry = service.get_entry(folder["first"])
        service.save_entry(entry.replace(title="Handover reflection v4"))
    _sql(folder, "UPDATE entries SET title = ? WHERE id = ?", (old_title, folder["first"]))
    with _open(folder) as service:
        if _LOAD["mode"] == "index":
            # The list comes from the index; the damage is met when the entry is opened.
            with pytest.raises(DamagedRecordError, match="replaced by an older copy of itself"):
                service.get_entry(folder["first"])
        damaged = [d for d in service.damaged if d.row_id == folder["first"]]
        assert len(damaged) == 1
        assert "replaced by an older copy of itself" in damaged[0].reason
        assert "Handover reflection" in damaged[0].describe()  # named from its history
        assert service.get_entry(folder["second"]).title == "Second note"  # the rest is fine


def test_a_whole_record_rolled_back_to_an_older_copy_is_named(
    folder: dict[str, str], tmp_path: Path
) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _open(folder) as service:
        entry = service.get_entry(folder["first"])
        service.save_entry(entry.replace(title="Handover reflection v4", status=EntryStatus.READY))
    columns = "version, meta, title, sections, tags, professions, status, updated"
    old = sqlite3.connect(old_copy)
    row = old.execute(f"SELECT {columns} FROM entries WHERE id = ?", (folder["first"],)).fetchone()
    old.close()
    assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
    _sql(folder, f"UPDATE entries SET {assignments} WHERE id = ?", (*row, folder["first"]))
    with _open(folder) as service:
        rolled = [f for f in service.integrity_findings if f.kind == "rolled-back"]
        assert len(rolled) == 1
        assert "rolled back to an older copy" in rolled[0].message
        assert "Handover reflection v3" in rolled[0].message


def test_a_deleted_entry_is_named(folder: dict[str, str]) -> None:
    # sqlite3's default is foreign_keys=OFF: the history stays, so the title can be told.
    _sql(folder, "DELETE FROM entries WHERE id = ?", (folder["first"],))
    with _open(folder) as service:
        deleted = [f for f in service.integrity_findings if f.kind == "deleted"]
        assert [f.row_id for f in deleted] == [folder["first"]]
        assert "'Handover reflection v3'" in deleted[0].message
        assert "deleted outside the app" in deleted[0].message


def test_a_deleted_entry_put_back_is_named(folder: dict[str, str], tmp_path: Path) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _open(folder) as service:
        service.delete_entry(folder["second"])
    db = _db(folder)
    db.execute("ATTACH DATABASE ? AS old", (str(old_copy),))
    db.execute("INSERT INTO entries SELECT * FROM old.entries WHERE id = ?", (folder["second"],))
    db.commit()
    db.close()
    with _open(folder) as service:
        added = [f for f in service.integrity_findings if f.kind == "added"]
        assert [f.row_id for f in added] == [folder["second"]]
        assert "'Second note'" in added[0].message
        assert "put back from an older copy" in added[0].message


def test_a_deleted_manifest_is_not_mistaken_for_an_old_portfolio(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entries SET status = 'reviewed'")
    _sql(folder, "DELETE FROM manifest_head")
    with _open(folder) as service:
        assert any(f.table == "manifest" for f in service.integrity_findings)
        assert "status" in _messages(service)  # still named from the sealed structure


def test_an_edited_manifest_list_alone_is_told_apart(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE record_manifest SET version = version + 7 WHERE tbl = 'entries'")
    with _open(folder) as service:
        assert [f.kind for f in service.integrity_findings] == ["list"]
        assert "themselves are as saved" in _messages(service)


def test_a_replaced_passphrase_slot_is_named(folder: dict[str, str], tmp_path: Path) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _open(folder) as service:
        service.change_passphrase("a different long passphrase 42")
    old = sqlite3.connect(old_copy)
    slot = old.execute(
        "SELECT header, checksum, wrapped_key FROM key_slots WHERE kind = 'passphrase'"
    ).fetchone()
    old.close()
    _sql(
        folder,
        "UPDATE key_slots SET header = ?, checksum = ?, wrapped_key = ? WHERE kind = 'passphrase'",
        slot,
    )
    with PortfolioService.open(Path(folder["dir"]), PASS) as service:
        assert any(f.table == "key_slots" for f in service.integrity_findings)


def test_export_waits_for_the_findings_then_runs(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entries SET status = 'reviewed'")
    with _open(folder) as service:
        with pytest.raises(IntegrityFindingsPendingError, match="changed outside the app"):
            prepare_export(service, sign=False)
        assert service.acknowledge_integrity_findings() >= 1
        job = prepare_export(service, sign=False)
        assert job.entry_count == 2
    # Acknowledged: the saved values are back in the file and nothing is reported again.
    with _open(folder) as service:
        assert service.integrity_findings == []
        assert all(e.status is EntryStatus.DRAFT for e in service.entries())
    db = _db(folder)
    assert {r[0] for r in db.execute("SELECT status FROM entries")} == {"draft"}
    db.close()


def test_a_damaged_entry_stops_the_export_unless_left_out(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entries SET sections = X'0200' WHERE id = ?", (folder["second"],))
    with _open(folder) as service:
        if _LOAD["mode"] == "index":  # not decrypted yet: the export reads everything first
            assert service.damaged_entries() == []
        else:
            assert [d.row_id for d in service.damaged_entries()] == [folder["second"]]
        with pytest.raises(DamagedRecordsError, match="Second note"):
            prepare_export(service, sign=False)
        job = prepare_export(service, sign=False, leave_out_damaged=True)
        assert job.entry_count == 1
        assert any("Second note" in text for text in job.content.left_out)


def test_rotation_re_encrypts_everything_under_a_new_key(folder: dict[str, str]) -> None:
    before = (Path(folder["dir"]) / DB_NAME).read_bytes()
    db = _db(folder)
    old_blobs = {
        r[0]
        for r in db.execute(
            "SELECT title FROM entries UNION SELECT snapshot FROM revisions "
            "UNION SELECT value FROM settings UNION SELECT data FROM profile"
        )
    }
    db.close()
    with _open(folder) as service:
        service.set_final_reflection("closing words")
        steps: list[int] = []
        recovery = service.rotate_keys(
            "a brand new long passphrase 7",
            current_passphrase=PASS,
            progress=lambda done, _total, _msg: steps.append(done),
        )
        assert steps[-1] == 100
        assert service.get_entry(folder["first"]).title == "Handover reflection v3"
    assert before != (Path(folder["dir"]) / DB_NAME).read_bytes()
    db = _db(folder)
    new_blobs = {
        r[0]
        for r in db.execute(
            "SELECT title FROM entries UNION SELECT snapshot FROM revisions "
            "UNION SELECT data FROM profile"
        )
    }
    db.close()
    assert not (old_blobs & new_blobs)
    with pytest.raises(WrongPassphraseError):
        PortfolioService.open(Path(folder["dir"]), PASS)
    with PortfolioService.open(Path(folder["dir"]), "a brand new long passphrase 7") as service:
        assert service.full_check().ok
        assert service.final_reflection == "closing words"
        assert len(service.revisions(folder["first"])) == 3
    with PortfolioService.open(Path(folder["dir"]), recovery_key=recovery) as service:
        assert service.entry_count() == 2


def test_rotation_refuses_while_findings_are_unseen(folder: dict[str, str]) -> None:
    _sql(folder, "UPDATE entries SET status = 'reviewed'")
    with _open(folder) as service, pytest.raises(Exception, match="changed outside the app"):
        service.rotate_keys("a brand new long passphrase 7")


def test_an_older_portfolio_is_sealed_at_first_unlock_then_protected(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copy(DATA / "portfolio-schema-0001.db", data_dir / DB_NAME)
    with PortfolioService.open(data_dir, "schema one passphrase") as service:
        assert service.integrity_findings == [] and service.damaged == []
        assert service.full_check().ok
        # Rows from before hours were recorded (revision 0004) read as none.
        assert all((e.hours, e.confirmed_by) == (None, "") for e in service.events())
    assert list((data_dir / "backups").glob("portfolio-*-before-schema-*.db"))
    db = sqlite3.connect(data_dir / DB_NAME)
    assert {r[0][:1] for r in db.execute("SELECT title FROM entries")} == {b"\x02"}
    db.execute("UPDATE events SET attended = 0")
    db.commit()
    db.close()
    with PortfolioService.open(data_dir, "schema one passphrase") as service:
        assert "attendance" in _messages(service)


def test_an_old_format_ciphertext_is_refused_after_the_migration(tmp_path: Path) -> None:
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copy(DATA / "portfolio-schema-0001.db", data_dir / DB_NAME)
    original = sqlite3.connect(DATA / "portfolio-schema-0001.db")
    (entry_id, legacy_title) = original.execute("SELECT id, title FROM entries").fetchone()
    original.close()
    PortfolioService.open(data_dir, "schema one passphrase").close()
    db = sqlite3.connect(data_dir / DB_NAME)
    db.execute("UPDATE entries SET title = ? WHERE id = ?", (legacy_title, entry_id))
    db.commit()
    db.close()
    with PortfolioService.open(data_dir, "schema one passphrase") as service:
        assert [d.row_id for d in service.damaged] == [entry_id]
        assert "old format" in service.damaged[0].reason


def test_a_save_changes_a_constant_number_of_manifest_rows(folder: dict[str, str]) -> None:
    with _open(folder) as service:
        service.add_entries_bulk(
            [
                service.get_entry(folder["second"]).replace(id=f"{i:032x}", title=f"Bulk {i}")
                for i in range(200)
            ]
        )
        db = _db(folder)
        before = {tuple(r) for r in db.execute("SELECT * FROM record_manifest")}
        db.close()
        service.save_entry(service.get_entry(folder["first"]).replace(title="One more save"))
        db = _db(folder)
        after = {tuple(r) for r in db.execute("SELECT * FROM record_manifest")}
        db.close()
    # The entry's row, one revision row, its chain link and the entry's search-index segment
    # changed or appeared; nothing else was rewritten.
    changed = after - before
    assert len(changed) == 4
    assert sorted(r[0] for r in changed) == [
        "entries",
        "entry_index",
        "revision_links",
        "revisions",
    ]


def test_the_schema_migration_keeps_every_link_revision_and_attachment(tmp_path: Path) -> None:
    """Rebuilding tables with foreign keys on would cascade-delete links (it did, once)."""
    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copy(DATA / "portfolio-schema-0001.db", data_dir / DB_NAME)
    tables = ("entry_events", "entry_competencies", "revisions", "entries", "events")
    original = sqlite3.connect(DATA / "portfolio-schema-0001.db")
    before = {t: original.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    original.close()
    assert before["entry_events"] and before["revisions"]
    PortfolioService.open(data_dir, "schema one passphrase").close()
    db = sqlite3.connect(data_dir / DB_NAME)
    after = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    db.close()
    assert after == before


def test_an_interrupted_integrity_migration_leaves_the_file_as_it_was_and_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portfolio_app.core.vault.field_cipher import FieldCipher

    data_dir = tmp_path / "old"
    data_dir.mkdir()
    shutil.copy(DATA / "portfolio-schema-0001.db", data_dir / DB_NAME)
    real_encrypt = FieldCipher.encrypt
    calls = {"n": 0}

    def failing(self: FieldCipher, *args: object, **kwargs: object) -> bytes:
        calls["n"] += 1
        if calls["n"] > 3:  # a crash part-way through re-encrypting
            raise OSError("simulated crash")
        return real_encrypt(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(FieldCipher, "encrypt", failing)
    with pytest.raises(OSError, match="simulated crash"):
        PortfolioService.open(data_dir, "schema one passphrase")
    monkeypatch.undo()
    db = sqlite3.connect(data_dir / DB_NAME)
    assert {r[0][:1] for r in db.execute("SELECT title FROM entries")} == {b"\x01"}
    assert db.execute("SELECT count(*) FROM manifest_head").fetchone() == (0,)
    db.close()
    with PortfolioService.open(data_dir, "schema one passphrase") as service:
        assert service.entries()[0].title == "What the round taught me"
        assert service.full_check().ok
