"""The revision hash chain in the vault: grown by saves, sealed, built once for older
portfolios, never rewritten under a published export, and tamper-evident with sqlite3."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.export_service import prepare_export
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage import chain_repository
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.core.timeline.chain import check_head_content, links_from_json

PASS = "correct horse battery staple"
DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def service(tmp_path: Path) -> PortfolioService:
    svc, _ = PortfolioService.create(tmp_path / "p", PASS, Profile(name="Sam Student"))
    return svc


def _draft(title: str = "Handover") -> EntryDraft:
    return EntryDraft(
        kind=EntryKind.REFLECTION, title=title, sections=(Section("What?", "first", "what"),)
    )


def _links(service: PortfolioService, entry_id: str) -> list[object]:
    timeline = service.timelines([entry_id])[entry_id]
    return list(timeline.links)


def test_saves_grow_one_chain_per_entry(service: PortfolioService) -> None:
    with service:
        entry = service.add_entry(_draft())
        service.save_entry(entry.replace(title="Handover, second go"))
        service.save_entry(service.get_entry(entry.id).replace(tags=("sbar",)))
        timeline = service.timelines([entry.id])[entry.id]
        links = timeline.links
        assert [link.seq for link in links] == [1, 2, 3]
        assert links[0].prev is None and links[1].prev == links[0].hash
        assert links[2].prev == links[1].hash
        assert all(link.origin == "live" and link.edit for link in links)
        assert timeline.problems == ()
        # The status is not content: a status change is a saved version without an edit.
        service.set_status(entry.id, service.get_entry(entry.id).status.__class__("ready"))
        last = _links(service, entry.id)[-1]
        assert last.seq == 4 and last.edit is False  # type: ignore[attr-defined]
        assert service.full_check().ok
        assert service.timeline_info()["origin"] == "new"


def test_autosave_updates_only_a_live_unpublished_head(service: PortfolioService) -> None:
    with service:
        entry = service.add_entry(_draft())
        first = _links(service, entry.id)[0]
        service.save_entry(entry.replace(title="typing..."), autosave=True)
        (only,) = _links(service, entry.id)
        assert only.seq == 1 and only.hash != first.hash  # type: ignore[attr-defined]
        # An export publishes the head: the next autosave adds a version instead.
        prepare_export(service, sign=False)
        service.save_entry(service.get_entry(entry.id).replace(title="after export"), autosave=True)
        links = _links(service, entry.id)
        assert len(links) == 2 and links[0].hash == only.hash  # type: ignore[attr-defined]
        # A clock set back before the newest version never updates it either.
        entry = service.get_entry(entry.id)
        service.save_entry(entry.replace(title="typing on"), autosave=True)
        assert len(_links(service, entry.id)) == 2  # same session, coalesced into the head
        assert service.full_check().ok


def test_an_entry_changed_without_a_version_gets_one_when_exported(
    service: PortfolioService,
) -> None:
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round")
        entry = service.add_entry(
            EntryDraft(kind=EntryKind.NOTE, title="Note", event_ids=(event.id,))
        )
        service.delete_event(event.id)  # relinks the entry without saving a version
        job = prepare_export(service, sign=False)
        document = extract_portfolio_json_from(job.portfolio_json)
        (exported,) = document["entries"]
        links, problems = links_from_json(entry.id, exported["timeline"]["links"])
        assert problems == [] and links[-1].origin == "export" and exported["event_ids"] == []
        assert check_head_content(exported, links, exported["timeline"]["head_salt"]) is None


def extract_portfolio_json_from(raw: bytes) -> dict[str, object]:
    import json

    value = json.loads(raw)
    assert isinstance(value, dict)
    return value


def _copy_fixture(tmp_path: Path, revision: str = "0005") -> Path:
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copyfile(DATA / f"portfolio-schema-{revision}.db", folder / DB_NAME)
    return folder


def test_an_older_portfolios_history_is_chained_once_after_the_backup(tmp_path: Path) -> None:
    folder = _copy_fixture(tmp_path)
    with PortfolioService.open(folder, "schema five passphrase") as service:
        info = service.timeline_info()
        assert info["origin"] == "upgrade" and info["linked_at_upgrade"] == 3
        timelines = service.timelines([e.id for e in service.entries()])
        by_title = {service.get_entry(k).title: v for k, v in timelines.items()}
        chaplain = by_title["What the chaplain said"]
        assert [link.origin for link in chaplain.links] == ["upgrade", "upgrade"]
        assert chaplain.links[1].prev == chaplain.links[0].hash
        assert chaplain.summary.upgraded == 2
        assert service.full_check().ok
        started = info["chain_started"]
        # Saving afterwards adds a live link on top; the upgraded ones are never updated.
        entry = service.get_entry(chaplain.entry_id)
        service.save_entry(entry.replace(title=entry.title + "!"), autosave=True)
        links = _links(service, entry.id)
        assert [link.origin for link in links] == ["upgrade", "upgrade", "live"]  # type: ignore[attr-defined]
        assert links[:2] == list(chaplain.links)
    assert len(list((folder / "backups").glob("*.db"))) == 1  # the schema step's backup
    with PortfolioService.open(folder, "schema five passphrase") as again:
        assert again.timeline_info()["chain_started"] == started  # built once
        assert again.full_check().ok


def test_an_interrupted_chain_build_leaves_nothing_and_runs_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _copy_fixture(tmp_path)
    real = chain_repository.ChainStore.write
    calls = {"n": 0}

    def failing_write(self: object, *args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # as if killed halfway
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(chain_repository.ChainStore, "write", failing_write)
    with pytest.raises(KeyboardInterrupt):
        PortfolioService.open(folder, "schema five passphrase")
    db = sqlite3.connect(folder / DB_NAME)
    assert db.execute("SELECT count(*) FROM revision_links").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM settings WHERE key = 'timeline'").fetchone() == (0,)
    db.close()
    monkeypatch.setattr(chain_repository.ChainStore, "write", real)
    with PortfolioService.open(folder, "schema five passphrase") as service:
        assert service.timeline_info()["linked_at_upgrade"] == 3
        assert service.full_check().ok


# ---- someone with write access, using sqlite3 ------------------------------------------------


@pytest.fixture
def folder(tmp_path: Path) -> dict[str, str]:
    data_dir = tmp_path / "t"
    service, _ = PortfolioService.create(data_dir, PASS, Profile(name="Sam Student"))
    with service:
        entry = service.add_entry(_draft())
        service.save_entry(entry.replace(title="second"))
        service.save_entry(service.get_entry(entry.id).replace(title="third"))
        other = service.add_entry(_draft("Other"))
    return {"dir": str(data_dir), "entry": entry.id, "other": other.id}


def _sql(folder: dict[str, str], statement: str, params: tuple[object, ...] = ()) -> None:
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    db.execute(statement, params)
    db.commit()
    db.close()


def _open(folder: dict[str, str]) -> PortfolioService:
    return PortfolioService.open(Path(folder["dir"]), PASS)


def test_an_edited_index_is_named_and_the_seal_is_trusted(folder: dict[str, str]) -> None:
    _sql(
        folder,
        "UPDATE revision_links SET seq = 99 WHERE seq = 1 AND entry_id = ?",
        (folder["entry"],),
    )
    with _open(folder) as service:
        text = "\n".join(f.message for f in service.integrity_findings)
        assert "history link" in text and "edited outside the app" in text
        # The next save still chains onto the real head (seq 3), not the forged "99".
        service.save_entry(service.get_entry(folder["entry"]).replace(title="fourth"))
        links = _links(service, folder["entry"])
        assert [link.seq for link in links] == [1, 2, 3, 4]  # type: ignore[attr-defined]
        assert service.timelines([folder["entry"]])[folder["entry"]].problems == ()
        service.acknowledge_integrity_findings()
    with _open(folder) as again:
        assert again.integrity_findings == [] and again.full_check().ok


def test_a_deleted_link_is_named_and_never_rebuilt(folder: dict[str, str]) -> None:
    _sql(folder, "DELETE FROM revision_links WHERE seq = 2 AND entry_id = ?", (folder["entry"],))
    _sql(folder, "DELETE FROM settings WHERE key = 'timeline'")  # try to trigger a rebuild too
    with _open(folder) as service:
        text = "\n".join(f.message for f in service.integrity_findings)
        assert "deleted outside the app" in text
        problems = service.full_check().problems()
        assert any("no link in the entry's history chain" in p for p in problems)
        assert any("does not follow the one before it" in p for p in problems)
        assert len(_links(service, folder["entry"])) == 2  # not quietly rebuilt


def test_a_link_copied_over_another_does_not_decrypt(folder: dict[str, str]) -> None:
    db = sqlite3.connect(Path(folder["dir"]) / DB_NAME)
    blob = db.execute(
        "SELECT link FROM revision_links WHERE entry_id = ?", (folder["other"],)
    ).fetchone()[0]
    db.execute(
        "UPDATE revision_links SET link = ? WHERE seq = 1 AND entry_id = ?",
        (blob, folder["entry"]),
    )
    db.commit()
    db.close()
    with _open(folder) as service:
        problems = service.full_check().problems()
        assert any("history link" in p for p in problems)


def test_a_whole_chain_moved_to_another_entry_is_noticed(folder: dict[str, str]) -> None:
    _sql(
        folder,
        "UPDATE revision_links SET entry_id = ? WHERE entry_id = ?",
        (folder["other"], folder["entry"]),
    )
    with _open(folder) as service:
        assert any("history link" in f.message for f in service.integrity_findings)
        # Links are grouped by the entry their seal names: the other entry's chain is its own.
        assert [link.seq for link in _links(service, folder["other"])] == [1]  # type: ignore[attr-defined]
        service.acknowledge_integrity_findings()  # keeping it puts the sealed index back
        assert [link.seq for link in _links(service, folder["entry"])] == [1, 2, 3]  # type: ignore[attr-defined]
        assert service.full_check().ok


def test_the_time_of_day_plays_no_part_in_which_version_is_newest(
    folder: dict[str, str],
) -> None:
    """A save-time column edited to look newest (or a clock set back) does not move the
    head: the next version follows the sealed order."""
    future = (datetime.now(UTC) + timedelta(days=400)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with _open(folder) as service:
        first_id = next(
            r.id for r in service.revisions(folder["entry"]) if r.entry.title == "Handover"
        )
    _sql(folder, "UPDATE revisions SET saved = ? WHERE id = ?", (future, first_id))
    with _open(folder) as service:
        service.acknowledge_integrity_findings()
        before = _links(service, folder["entry"])
        service.save_entry(service.get_entry(folder["entry"]).replace(title="next"), autosave=True)
        after = _links(service, folder["entry"])
        # The session's autosave went into the sealed head (seq 3), not into the version whose
        # save time now looks newest; the older links are untouched.
        assert [link.seq for link in after] == [1, 2, 3]  # type: ignore[attr-defined]
        assert after[:2] == before[:2] and after[2] != before[2]
        titles = {r.id: r.entry.title for r in service.revisions(folder["entry"])}
        assert titles[first_id] == "Handover" and "next" in titles.values()
