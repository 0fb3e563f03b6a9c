"""The stored search index stays exactly in step with the entries, whatever wrote them.

After each kind of write the app makes (add, edit, autosave, delete with a plan's reflection
relinked, undo of a delete, restoring a version, deleting an event, bulk import, passphrase
change, key rotation, accepting changes made outside the app, an older portfolio's upgrade)
the index must hold, for every entry and nothing else, the summary and terms of the entry as
a full read decrypts it, and the save counter and digest of its row as the file holds it.
A lazy search through a real file must answer what a full scan answers.
"""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.entry_filter import EntryFilter
from portfolio_app.core.domain.entry_index import search_terms, summary_record
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.feedback_service import entries_with_feedback
from portfolio_app.core.services.portfolio_service import EntryDraft, LoadMode, PortfolioService
from portfolio_app.core.storage import integrity
from portfolio_app.core.storage.database import DB_NAME, SCHEMA_HEAD, schema_version
from portfolio_app.core.storage.index_store import IndexStore

PASS = "correct horse battery staple"
DATA = Path(__file__).parents[1] / "data"


def assert_index_matches(data_dir: Path, passphrase: str = PASS) -> None:
    with PortfolioService.open(data_dir, passphrase) as service:
        assert service.integrity_findings == []
        store = service._require_store()
        with store.read() as conn:
            indexes = IndexStore(store)
            assert indexes.state(conn) == "ready"
            stored = {
                rid: item for seg in indexes.read_all(conn) for rid, item in seg.entries.items()
            }
            files = integrity.scan_file(conn, ("entries",))["entries"]
        entries = {e.id: e for e in service.entries()}
        assert set(stored) == set(entries) == set(files)
        for entry_id, entry in entries.items():
            item = stored[entry_id]
            assert item.record == summary_record(entry), entry.title
            assert item.terms == search_terms(entry)
            assert (item.version, item.digest) == (files[entry_id].version, files[entry_id].digest)
        assert service.full_check().ok


def _make(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    data_dir = tmp_path / "p"
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Zoë Student"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round on ward 5")
        plan = service.add_entry(EntryDraft(kind=EntryKind.PLAN, title="Plan for the round"))
        reflection = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title="What the chaplain said",
                sections=(Section("What?", "Everyone\nlistened.", "what"),),
                plan_id=plan.id,
                event_ids=(event.id,),
                tags=("schwartz",),
                competencies=(CompetencyLink("ipec-2023", "VE3", 4),),
            )
        )
    return data_dir, {"event": event.id, "plan": plan.id, "reflection": reflection.id}


def test_every_kind_of_write_keeps_the_index_in_step(tmp_path: Path) -> None:
    data_dir, ids = _make(tmp_path)
    assert_index_matches(data_dir)
    for load in ("all", "index", "lazy"):
        with PortfolioService.open(data_dir, PASS, load=load) as service:  # type: ignore[arg-type]
            entry = service.get_entry(ids["reflection"])
            service.save_entry(entry.replace(title=f"Edited in {load}"))
            service.save_entry(service.get_entry(ids["reflection"]), autosave=True)
            note = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title=f"Note {load}"))
            gone = service.delete_entry(note.id)
            service.restore_entry(gone)
            (older, *_rest) = service.revisions(ids["reflection"])
            service.restore_revision(older)
        assert_index_matches(data_dir)
    with PortfolioService.open(data_dir, PASS, load="lazy") as service:
        service.delete_entry(ids["plan"])  # its reflection loses the link in the same transaction
    assert_index_matches(data_dir)
    with PortfolioService.open(data_dir, PASS, load="index") as service:
        service.delete_event(ids["event"])
        now = datetime.now(UTC)
        service.add_entries_bulk(
            [
                Entry(
                    id=EntryId(f"{i:032x}"),
                    kind=EntryKind.NOTE,
                    title=f"Bulk {i}",
                    sections=(Section("", f"text {i}"),),
                    created=now - timedelta(days=i),
                    updated=now,
                )
                for i in range(300)
            ]
        )
    assert_index_matches(data_dir)
    with PortfolioService.open(data_dir, PASS) as service:
        service.change_passphrase("a new passphrase for the index test")
        service.rotate_keys("a new passphrase for the index test")
    assert_index_matches(data_dir, "a new passphrase for the index test")


def test_accepting_changes_made_outside_rebuilds_the_index_from_what_is_kept(
    tmp_path: Path,
) -> None:
    data_dir, ids = _make(tmp_path)
    db = sqlite3.connect(data_dir / DB_NAME)
    db.execute("UPDATE entries SET status = 'reviewed' WHERE id = ?", (ids["reflection"],))
    db.execute("DELETE FROM entries WHERE id = ?", (ids["plan"],))
    db.commit()
    db.close()
    with PortfolioService.open(data_dir, PASS, load="index") as service:
        assert service.integrity_findings
        service.acknowledge_integrity_findings()
    assert_index_matches(data_dir)
    with PortfolioService.open(data_dir, PASS, load="lazy") as service:
        assert service.load_mode == "lazy"
        assert [s.id for s in service.summaries()] == [ids["reflection"]]
        assert service.get_entry(ids["reflection"]).status is EntryStatus.DRAFT


OLDER = {
    "0004": "schema four passphrase",
    "0005": "schema five passphrase",
    "0007": "schema seven passphrase",
    "0008": "schema eight passphrase",
}


@pytest.mark.parametrize("revision", sorted(OLDER))
@pytest.mark.parametrize("load", ["lazy", "index"])
def test_an_older_portfolio_gets_its_index_at_the_first_unlock(
    tmp_path: Path, revision: str, load: LoadMode
) -> None:
    """0004 (before the sealed records), 0005 (sealed, before the chain), 0007 (the chain; an
    entry marked 'reviewed' by hand) and 0008 (feedback and the statuses the app sets) all
    upgrade to the index's schema after a backup, and are searchable from it at once."""
    passphrase = OLDER[revision]
    folder = tmp_path / "portfolio"
    folder.mkdir()
    shutil.copyfile(DATA / f"portfolio-schema-{revision}.db", folder / DB_NAME)
    with PortfolioService.open(folder, passphrase, load=load) as service:
        assert service.load_mode == "all"  # no index yet: it read everything and built one
        assert service.integrity_findings == []
        assert [s.title for s in service.search_summaries("chaplain")] == ["What the chaplain said"]
    assert schema_version(folder / DB_NAME) == SCHEMA_HEAD
    (backup,) = (folder / "backups").glob("*.db")
    assert schema_version(backup) == revision
    assert_index_matches(folder, passphrase)
    with PortfolioService.open(folder, passphrase, load=load) as service:
        assert service.load_mode == load
        assert [s.title for s in service.search_summaries('"everyone listened"')] == [
            "What the chaplain said"
        ]
        assert [s.title for s in service.search_summaries("#schwartz code:ve3")] == [
            "What the chaplain said"
        ]
        statuses = {s.title: s.status for s in service.summaries()}
        if revision == "0008":
            assert statuses == {
                "Before the round": EntryStatus.SUBMITTED,
                "What the chaplain said": EntryStatus.FEEDBACK_RECEIVED,
            }
            found = service.search_summaries("status:feedback-received")
            assert [s.title for s in found] == ["What the chaplain said"]
            assert [s.title for s in service.search_summaries("status:submitted")] == [
                "Before the round"
            ]
            ids = frozenset(entries_with_feedback(service))
            assert [s.title for s in service.find(EntryFilter(only_ids=ids))] == [
                "What the chaplain said"
            ]
        else:  # 'reviewed' (0007, set by hand) reads as ready: nothing is 'reviewed' any more
            assert service.search_summaries("status:reviewed") == []
            assert EntryStatus.SUBMITTED not in statuses.values()
        assert service.load_mode == load  # none of it needed the entries decrypted


WORDS = ("sepsis", "Sepsis", "handover", "straße", "STRASSE", "ward", "e.g.", "o'clock")


@st.composite
def drafts(draw: st.DrawFn) -> list[EntryDraft]:
    result = []
    for _ in range(draw(st.integers(0, 8))):
        words = draw(st.lists(st.sampled_from(WORDS), max_size=6))
        result.append(
            EntryDraft(
                kind=draw(st.sampled_from([EntryKind.NOTE, EntryKind.PLAN])),
                title=draw(st.sampled_from(WORDS)),
                sections=(Section("", draw(st.sampled_from([" ", "\n", "  "])).join(words)),),
                status=draw(st.sampled_from(list(EntryStatus))),
                tags=tuple(draw(st.lists(st.sampled_from(["a", "B", "sepsis"]), max_size=2))),
            )
        )
    return result


QUERIES = (
    "sepsis",
    "SEPS",
    "ss",
    "straße",
    '"sepsis handover"',
    '"ward e.g',
    "#sepsis",
    "#b kind:note",
    "status:draft ward",
    "status:submitted",
    "status:feedback-received #sepsis",
    "status:reviewed",
    "zzz",
    "",
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(drafts())
def test_a_lazy_search_through_the_file_equals_a_full_scan(
    portfolio: list[EntryDraft],
) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "p"
        service, _ = PortfolioService.create(data_dir, PASS, Profile(name="P"))
        with service:
            app_set: dict[str, EntryStatus] = {}
            for draft in portfolio:
                # the student picks draft or ready; the app sets the other two (export, import)
                by_hand = draft.status if not draft.status.set_by_app else EntryStatus.READY
                entry = service.add_entry(dataclasses.replace(draft, status=by_hand))
                if draft.status.set_by_app:
                    app_set[entry.id] = draft.status
            service.set_statuses_by_app(app_set)
        with PortfolioService.open(data_dir, PASS) as full:
            expected = {q: [e.id for e in full.search(q)] for q in QUERIES}
        with PortfolioService.open(data_dir, PASS, load="lazy") as lazy:
            for query in QUERIES:
                assert [s.id for s in lazy.search_summaries(query)] == expected[query], query
            assert lazy.load_mode == "lazy"
