"""What a one-entry verb still catches, with sqlite3 as the attacker's tool (not our code).

``portfolio show/add/edit/delete/search/list`` open with ``load="lazy"``: the manifest head,
the key slots, the small tables (profile, settings, framework packs, events, experiences,
imported feedback) and the search index's segments are checked against the keyed manifest at
unlock; saved versions, their chain links and attachments are checked whole before a verb
first uses them; an entry is checked when it is read, against the save counter and digest
its (authenticated) index segment holds. Anything they cannot vouch for makes them read and
check everything, so the findings are named exactly as a full open names them.

What they do not look at: entries they do not read. Those moves are caught by a full open
(the app, ``check``, ``export``); the last tests here say so explicitly.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.errors import DamagedRecordError, NotFoundError
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.core.storage.index_store import bucket_of

PASS = "correct horse battery staple"


@pytest.fixture
def folder(tmp_path: Path) -> dict[str, str]:
    """Two entries, a plan answered by the first, an event; returns the ids."""
    data_dir = tmp_path / "p"
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Zoë Student"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round on ward 5")
        plan = service.add_entry(EntryDraft(kind=EntryKind.PLAN, title="Plan for the round"))
        first = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title="Handover reflection",
                sections=(Section("What?", "first text", "what"),),
                event_ids=(event.id,),
                plan_id=plan.id,
                competencies=(CompetencyLink("ipec-2023", "VE3", 2),),
            )
        )
        second = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Second note"))
        first = service.save_entry(first.replace(title="Handover reflection v2"))
    return {
        "dir": str(data_dir),
        "first": first.id,
        "second": second.id,
        "plan": plan.id,
        "event": event.id,
    }


def _sql(folder: dict[str, str], statement: str, params: tuple[object, ...] = ()) -> None:
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    db.execute(statement, params)
    db.commit()
    db.close()


def _lazy(folder: dict[str, str]) -> PortfolioService:
    return PortfolioService.open(Path(folder["dir"]), PASS, load="lazy")


def _messages(service: PortfolioService) -> str:
    return "\n".join(f.message for f in service.integrity_findings)


def test_an_untouched_portfolio_stays_lazy(folder: dict[str, str]) -> None:
    with _lazy(folder) as service:
        assert service.load_mode == "lazy"
        assert service.get_entry(folder["first"]).title == "Handover reflection v2"
        assert [e.id for e in service.reflections_for_plan(folder["plan"])] == [folder["first"]]
        assert {s.id for s in service.search_summaries("handover")} == {folder["first"]}
        saved = service.save_entry(service.get_entry(folder["second"]).replace(title="Edited"))
        added = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Third"))
        service.delete_entry(added.id)
        assert service.load_mode == "lazy"  # nothing made it read everything
        assert service.integrity_findings == []
    with PortfolioService.open(Path(folder["dir"]), PASS) as full:
        assert full.full_check().ok
        assert full.get_entry(saved.id).title == "Edited"
        assert {s.id for s in full.summaries()} == {
            folder["first"],
            folder["second"],
            folder["plan"],
        }


def test_an_edited_status_of_the_entry_read_is_named_and_the_saved_value_used(
    folder: dict[str, str],
) -> None:
    _sql(folder, "UPDATE entries SET status = 'ready' WHERE id = ?", (folder["first"],))
    with _lazy(folder) as service:
        assert service.load_mode == "lazy"
        entry = service.get_entry(folder["first"])
        assert entry.status is EntryStatus.DRAFT  # the sealed (saved) value
        assert service.load_mode == "all"  # the row did not match its index stamp
        assert "status: saved as 'draft'" in _messages(service)


def test_a_retired_status_written_outside_the_app_makes_a_lazy_open_read_everything(
    folder: dict[str, str],
) -> None:
    """'reviewed' is the status the 0008 step retires at unlock: a row that says it (put back
    outside the app) is read to retire it, does not match its index stamp, and so the whole
    portfolio is read and the edit named, before any verb runs."""
    _sql(folder, "UPDATE entries SET status = 'reviewed' WHERE id = ?", (folder["second"],))
    with _lazy(folder) as service:
        assert service.load_mode == "all"
        assert "status: saved as 'draft'" in _messages(service)
        assert service.notices == []  # nothing re-saved over the finding


def test_a_whole_entry_rolled_back_is_named(folder: dict[str, str], tmp_path: Path) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _lazy(folder) as service:
        entry = service.get_entry(folder["first"])
        service.save_entry(entry.replace(title="Handover reflection v3"))
    columns = "version, meta, title, sections, tags, professions, status, updated"
    old = sqlite3.connect(old_copy)
    row = old.execute(f"SELECT {columns} FROM entries WHERE id = ?", (folder["first"],)).fetchone()
    old.close()
    assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
    _sql(folder, f"UPDATE entries SET {assignments} WHERE id = ?", (*row, folder["first"]))
    with _lazy(folder) as service:
        service.get_entry(folder["first"])
        rolled = [f for f in service.integrity_findings if f.kind == "rolled-back"]
        assert [f.row_id for f in rolled] == [folder["first"]]


def test_an_entry_deleted_outside_the_app_is_named(folder: dict[str, str]) -> None:
    _sql(folder, "DELETE FROM entries WHERE id = ?", (folder["second"],))
    with _lazy(folder) as service:
        with pytest.raises(NotFoundError):
            service.get_entry(folder["second"])
        deleted = [f for f in service.integrity_findings if f.kind == "deleted"]
        assert [f.row_id for f in deleted] == [folder["second"]]


def test_a_deleted_entry_put_back_is_named(folder: dict[str, str], tmp_path: Path) -> None:
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _lazy(folder) as service:
        service.delete_entry(folder["second"])
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    db.execute("ATTACH DATABASE ? AS old", (str(old_copy),))
    db.execute("INSERT INTO entries SELECT * FROM old.entries WHERE id = ?", (folder["second"],))
    db.commit()
    db.close()
    with _lazy(folder) as service:
        service.get_entry(folder["second"])  # not in the index: everything is checked
        added = [f for f in service.integrity_findings if f.kind == "added"]
        assert [f.row_id for f in added] == [folder["second"]]


def test_a_listing_notices_entries_deleted_or_rolled_back_outside_the_app(
    folder: dict[str, str],
) -> None:
    _sql(folder, "DELETE FROM entries WHERE id = ?", (folder["second"],))
    with _lazy(folder) as service:
        listed = {s.id for s in service.summaries()}
        assert folder["second"] not in listed
        assert service.load_mode == "all"
        assert "deleted outside the app" in _messages(service)


def test_a_damaged_index_segment_is_rebuilt_from_the_entries_and_said(
    folder: dict[str, str],
) -> None:
    """A changed byte in a segment's ciphertext is not in any digest: the segment fails to
    decrypt when it is used, everything is read and checked, and the index is rebuilt from
    the entries the manifest vouches for (it is derived data); the damage is reported."""
    bucket = bucket_of(folder["first"])
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    (raw,) = db.execute("SELECT summaries FROM entry_index WHERE id = ?", (bucket,)).fetchone()
    blob = bytearray(raw)
    blob[41] ^= 0x01
    db.execute("UPDATE entry_index SET summaries = ? WHERE id = ?", (bytes(blob), bucket))
    db.commit()
    db.close()
    with _lazy(folder) as service:
        assert service.get_entry(folder["first"]).title == "Handover reflection v2"
        assert service.load_mode == "all"
        assert [d.table for d in service.damaged] == ["entry_index"]
        assert "rebuilt" in service.damaged[0].describe()
    with _lazy(folder) as service:
        assert service.get_entry(folder["first"]).title == "Handover reflection v2"
        assert service.load_mode == "lazy" and service.damaged == []


@pytest.mark.parametrize(
    "move",
    [
        "DELETE FROM entry_index WHERE id != 'head' AND rowid = "
        "(SELECT max(rowid) FROM entry_index)",
        "DELETE FROM entry_index WHERE id = 'head'",
        "UPDATE entry_index SET version = version + 1 WHERE id = 'head'",
        "DELETE FROM manifest_head",
    ],
    ids=["segment-deleted", "head-deleted", "counter-edited", "manifest-gone"],
)
def test_a_tampered_search_index_makes_the_verb_check_everything(
    folder: dict[str, str], move: str
) -> None:
    _sql(folder, move)
    with _lazy(folder) as service:
        assert service.load_mode == "all"
        assert service.integrity_findings  # named, as a full open names it
        assert service.get_entry(folder["first"]).title == "Handover reflection v2"


def test_an_older_index_segment_copied_back_is_named(
    folder: dict[str, str], tmp_path: Path
) -> None:
    """The index cannot be rolled back to hide a later save (its counter is in the manifest)."""
    old_copy = tmp_path / "old.db"
    shutil.copy(Path(folder["dir"]) / DB_NAME, old_copy)
    with _lazy(folder) as service:
        service.save_entry(service.get_entry(folder["first"]).replace(title="Later title"))
    bucket = bucket_of(folder["first"])
    old = sqlite3.connect(old_copy)
    row = old.execute(
        "SELECT version, summaries, terms FROM entry_index WHERE id = ?", (bucket,)
    ).fetchone()
    old.close()
    _sql(
        folder,
        "UPDATE entry_index SET version = ?, summaries = ?, terms = ? WHERE id = ?",
        (*row, bucket),
    )
    with _lazy(folder) as service:
        assert service.load_mode == "all"
        assert any(f.table == "entry_index" for f in service.integrity_findings)
        assert service.get_entry(folder["first"]).title == "Later title"


def test_a_segment_moved_to_another_bucket_does_not_decrypt(folder: dict[str, str]) -> None:
    buckets = {bucket_of(folder["first"]), bucket_of(folder["second"])}
    assert len(buckets) == 2  # (fixed ids would make this a test of luck; these are random)
    a, b = sorted(buckets)
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    row = db.execute(
        "SELECT version, summaries, terms FROM entry_index WHERE id = ?", (a,)
    ).fetchone()
    db.execute(
        "UPDATE entry_index SET version = ?, summaries = ?, terms = ? WHERE id = ?", (*row, b)
    )
    db.commit()
    db.close()
    with _lazy(folder) as service:
        assert service.load_mode == "all"
        assert any(f.table == "entry_index" for f in service.integrity_findings)


def test_a_damaged_ciphertext_is_named_when_read_and_then_by_lists(folder: dict[str, str]) -> None:
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    (raw,) = db.execute("SELECT sections FROM entries WHERE id = ?", (folder["second"],)).fetchone()
    blob = bytearray(raw)
    blob[20] ^= 0xFF
    db.execute("UPDATE entries SET sections = ? WHERE id = ?", (bytes(blob), folder["second"]))
    db.commit()
    db.close()
    with (
        _lazy(folder) as service,
        pytest.raises(DamagedRecordError, match="failed its integrity check"),
    ):
        service.get_entry(folder["second"])
    with _lazy(folder) as service:  # remembered: the list names it instead of showing it
        assert folder["second"] not in {s.id for s in service.summaries()}
        assert [d.row_id for d in service.damaged_entries()] == [folder["second"]]
        assert "Second note" in service.damaged_entries()[0].describe()


def test_the_export_reads_and_checks_everything_first(folder: dict[str, str]) -> None:
    from portfolio_app.core.export.errors import IntegrityFindingsPendingError
    from portfolio_app.core.services.export_service import prepare_export

    _sql(folder, "UPDATE entries SET status = 'ready' WHERE id = ?", (folder["second"],))
    with _lazy(folder) as service:
        assert service.integrity_findings == []  # the lazy open did not read that entry
        with pytest.raises(IntegrityFindingsPendingError, match="Second note"):
            prepare_export(service, sign=False)


def test_what_a_one_entry_verb_does_not_look_at(folder: dict[str, str]) -> None:
    """Scope, said plainly: reading entry A does not check entry B. Editing B's status or
    links outside the app goes unnoticed by ``show A``, ``search`` and ``list`` (which show
    the values the app saved, from the index) and is named by any full open."""
    _sql(folder, "UPDATE entries SET status = 'ready' WHERE id = ?", (folder["second"],))
    with _lazy(folder) as service:
        assert service.get_entry(folder["first"]).title == "Handover reflection v2"
        (listed,) = [s for s in service.summaries() if s.id == folder["second"]]
        assert listed.status is EntryStatus.DRAFT  # the saved value, not the edited one
        assert service.load_mode == "lazy" and service.integrity_findings == []
    with PortfolioService.open(Path(folder["dir"]), PASS) as full:
        assert "status: saved as 'draft'" in _messages(full)


# ---- the records timeline and review added: what a lazy verb checks before using them -------


def _with_feedback_and_evidence(folder: dict[str, str], tmp_path: Path) -> str:
    """One sealed feedback record naming the first entry (as an import writes it), the
    statuses the app sets, and an evidence file; returns the feedback record's id."""
    from datetime import UTC, datetime

    from portfolio_app.core.storage.feedback_repository import FeedbackRepository

    evidence = tmp_path / "certificate.txt"
    evidence.write_text("Attendance certificate", encoding="utf-8")
    record_id = "f" * 32
    with _lazy(folder) as service:
        service.add_attachment(folder["first"], evidence)
        repo = FeedbackRepository(service.store())
        service.mark_submitted([folder["second"]])
        service.set_statuses_by_app(
            {folder["first"]: EntryStatus.FEEDBACK_RECEIVED},
            also=lambda conn: repo.write_in(
                conn,
                record_id,
                datetime(2026, 4, 2, 9, 0, tzinfo=UTC),
                {"format": 1, "entries": {folder["first"]: {"text": "Well noticed."}}},
            ),
        )
        assert service.load_mode == "lazy"  # statuses set by the app read entries on demand
    with _lazy(folder) as service:
        statuses = {s.id: s.status for s in service.summaries()}
        assert statuses[folder["first"]] is EntryStatus.FEEDBACK_RECEIVED
        assert statuses[folder["second"]] is EntryStatus.SUBMITTED
        assert service.load_mode == "lazy" and service.integrity_findings == []
    return record_id


def test_statuses_set_by_the_app_and_feedback_keep_a_lazy_verb_lazy(
    folder: dict[str, str], tmp_path: Path
) -> None:
    from portfolio_app.core.services.feedback_service import entry_feedback

    _with_feedback_and_evidence(folder, tmp_path)
    with _lazy(folder) as service:
        (item,) = entry_feedback(service, folder["first"])
        assert item.text == "Well noticed."
        (attachment,) = service.attachments(folder["first"])
        assert service.read_attachment(attachment.id) == b"Attendance certificate"
        assert len(service.chain_links(folder["first"])) == 2  # two saved versions, linked
        assert service.load_mode == "lazy"
    with PortfolioService.open(Path(folder["dir"]), PASS) as full:
        assert full.full_check().ok


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM feedback",
        "UPDATE feedback SET received = '2020-01-01 00:00:00.000000'",
    ],
)
def test_feedback_changed_outside_the_app_is_named_at_a_lazy_unlock(
    folder: dict[str, str], tmp_path: Path, statement: str
) -> None:
    """Feedback is one of the small tables a lazy unlock checks whole (``show`` prints it)."""
    _with_feedback_and_evidence(folder, tmp_path)
    _sql(folder, statement)
    with _lazy(folder) as service:
        assert service.load_mode == "all"
        assert any(f.table == "feedback" for f in service.integrity_findings)


def test_a_history_link_changed_outside_the_app_is_named_before_history_uses_it(
    folder: dict[str, str],
) -> None:
    _sql(folder, "DELETE FROM revision_links WHERE entry_id = ?", (folder["second"],))
    with _lazy(folder) as service:
        assert service.load_mode == "lazy"  # links are not read at a lazy unlock
        service.chain_links(folder["first"])  # 'history' checks the whole table first
        assert service.load_mode == "all"
        assert any(f.table == "revision_links" for f in service.integrity_findings)


def test_an_attachment_moved_outside_the_app_is_named_before_attachments_lists(
    folder: dict[str, str], tmp_path: Path
) -> None:
    _with_feedback_and_evidence(folder, tmp_path)
    _sql(folder, "UPDATE attachments SET entry_id = ?", (folder["second"],))
    with _lazy(folder) as service:
        assert service.attachments(folder["second"]) == []  # the sealed owner is kept
        assert service.load_mode == "all"
        assert "moved" in {f.kind for f in service.integrity_findings}
