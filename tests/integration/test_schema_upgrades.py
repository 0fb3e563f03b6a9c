"""Upgrades: every earlier schema's portfolio opens after a backup; a newer one is left alone.

tests/data/portfolio-schema-NNNN.db are portfolios made by the released code of each schema
(see the make_schema*_portfolio.py scripts beside them). Opening one with today's code must
keep a byte-for-byte copy of the original in ``backups/`` (when the schema changes), upgrade it,
and show everything it held. A portfolio saved by a newer app (a revision this app does not
know) is refused with a message, as the command line and the app show it, and not one byte of
it changes.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import EntryStatus
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.storage.database import DB_NAME, MIGRATIONS_DIR, SCHEMA_HEAD, schema_version

DATA = Path(__file__).parents[1] / "data"


@dataclass(frozen=True)
class Fixture:
    revision: str
    passphrase: str
    student: str
    titles: frozenset[str]
    final_reflection: str


FIXTURES = {
    "0001": Fixture(
        "0001",
        "schema one passphrase",
        "Łukasz Wróbel",
        frozenset({"What the round taught me"}),
        "",
    ),
    "0002": Fixture(
        "0002",
        "schema two passphrase",
        "Σοφία Παπαδοπούλου",
        frozenset({"Before the round", "What the chaplain said"}),
        "Listening is a clinical skill.",
    ),
    "0004": Fixture(
        "0004",
        "schema four passphrase",
        "Aoife Ní Bhriain",
        frozenset({"Before the round", "What the chaplain said"}),
        "Listening is a clinical skill.",
    ),
    "0005": Fixture(
        "0005",
        "schema five passphrase",
        "Ngozi Adébáyọ̀",
        frozenset({"Before the round", "What the chaplain said"}),
        "Listening is a clinical skill.",
    ),
    "0007": Fixture(
        "0007",
        "schema seven passphrase",
        "Þóra Sigurðardóttir",
        frozenset({"Before the round", "What the chaplain said"}),
        "Listening is a clinical skill.",
    ),
    "0008": Fixture(
        "0008",
        "schema eight passphrase",
        "Nguyễn Thị Ánh",
        frozenset({"Before the round", "What the chaplain said"}),
        "Listening is a clinical skill.",
    ),
}


NEWEST = max(FIXTURES)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _dump(path: Path) -> list[str]:
    """The database's full SQL text (schema and every row), read without writing to it."""
    conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def _revisions() -> list[str]:
    found = []
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        match = re.search(r'^revision = "([^"]+)"', path.read_text(encoding="utf-8"), re.M)
        if match:
            found.append(match.group(1))
    return sorted(found)


def test_the_fixtures_are_left_untouched() -> None:
    """No test opens a fixture in place (SQLite would grow -wal/-shm files beside it)."""
    assert sorted(p.name for p in DATA.glob("*.db-*")) == []


def test_there_is_a_fixture_for_every_schema_before_the_current_one() -> None:
    on_disk = sorted(p.stem.removeprefix("portfolio-schema-") for p in DATA.glob("*.db"))
    assert on_disk == sorted(FIXTURES)
    earlier = [revision for revision in _revisions() if revision != SCHEMA_HEAD]
    missing = [revision for revision in earlier if revision not in FIXTURES]
    assert missing == [], (
        "make a fixture with the released code of each earlier schema (tests/data/make_schema*)"
    )


@pytest.mark.parametrize("revision", sorted(FIXTURES))
def test_a_portfolio_of_each_schema_opens_after_an_automatic_backup(
    revision: str, tmp_path: Path
) -> None:
    fixture = FIXTURES[revision]
    source = DATA / f"portfolio-schema-{revision}.db"
    folder = tmp_path / "portfolio"
    folder.mkdir()
    shutil.copyfile(source, folder / DB_NAME)
    # (only the copy is opened: SQLite would leave -wal/-shm files beside the fixture)
    assert schema_version(folder / DB_NAME) == revision
    original_dump = _dump(source)

    with PortfolioService.open(folder, fixture.passphrase) as service:
        assert schema_version(folder / DB_NAME) == SCHEMA_HEAD
        assert service.profile.name == fixture.student
        assert {entry.title for entry in service.entries()} == fixture.titles
        assert service.final_reflection == fixture.final_reflection
        assert service.damaged == []
        assert service.integrity_check() == []
        for entry in service.entries():
            for event_id in entry.event_ids:
                service.get_event(event_id)  # every link still resolves
        if revision in ("0002", "0004", "0005", "0007", "0008"):
            _check_everything_schema_two_held(service)
        if revision == "0007":
            # marked "reviewed" by hand with that code: read as ready, and the student is told
            reflection = next(e for e in service.entries() if e.title == "What the chaplain said")
            assert reflection.status is EntryStatus.READY
            assert any("now reads 'Ready for review'" in notice for notice in service.notices)
        if revision == "0008":
            # the statuses the app set and the imported feedback came through
            statuses = {e.title: e.status for e in service.entries()}
            assert statuses == {
                "Before the round": EntryStatus.SUBMITTED,
                "What the chaplain said": EntryStatus.FEEDBACK_RECEIVED,
            }
            from portfolio_app.core.services.feedback_service import entry_feedback

            (feedback,) = entry_feedback(service, reflection_id(service))
            assert feedback.text == "You noticed who spoke last. Keep doing that."
        if revision in ("0004", "0005", "0007", "0008"):
            hours = {e.title: (e.hours, e.confirmed_by) for e in service.events()}
            assert hours["Schwartz round: when the plan changes"] == (1.5, "Round facilitator")
            (placement,) = service.experiences()
            assert (placement.hours, placement.confirmed_by) == (412.5, "Practice educator")
        # every record was sealed at this first unlock, and the full check agrees
        assert service.integrity_findings == []
        assert service.full_check().ok
        # and it is writable in the new schema
        service.set_final_reflection("written after the upgrade")
    backups = sorted((folder / "backups").glob("*.db")) if (folder / "backups").exists() else []
    if revision == SCHEMA_HEAD:
        assert backups == []  # nothing to upgrade, nothing to back up
    else:
        assert len(backups) == 1
        # SQLite's online backup: the same database page for page, content identical
        assert _dump(backups[0]) == original_dump
        assert schema_version(backups[0]) == revision
    with PortfolioService.open(folder, fixture.passphrase) as again:
        assert again.final_reflection == "written after the upgrade"


def reflection_id(service: PortfolioService) -> str:
    return next(e.id for e in service.entries() if e.title == "What the chaplain said")


def _check_everything_schema_two_held(service: PortfolioService) -> None:
    by_title = {entry.title: entry for entry in service.entries()}
    plan = by_title["Before the round"]
    reflection = by_title["What the chaplain said"]
    assert reflection.plan_id == plan.id
    assert reflection.tags == ("listening", "schwartz") or set(reflection.tags) == {
        "listening",
        "schwartz",
    }
    assert {(link.code, link.self_rating) for link in reflection.competencies} == {
        ("VE3", 3),
        ("C1", None),
    }
    assert reflection.sections[0].body.endswith("I did too.")
    assert len(service.revisions(reflection.id)) >= 1
    (attachment,) = service.attachments(reflection.id)
    assert service.read_attachment(attachment.id) == b"Attendance certificate, Schwartz round"
    kinds = {event.kind: event for event in service.events()}
    assert kinds[EventKind.SCHWARTZ_ROUND].attended is True
    assert kinds[EventKind.SBAR_SIMULATION].attended is False
    assert [e.title for e in service.experiences()] == ["Community rehabilitation team"]


def _from_a_newer_app(tmp_path: Path) -> Path:
    folder = tmp_path / "newer"
    folder.mkdir()
    shutil.copyfile(DATA / f"portfolio-schema-{NEWEST}.db", folder / DB_NAME)
    with sqlite3.connect(folder / DB_NAME) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.close()
    for suffix in ("-wal", "-shm"):
        assert not (folder / f"{DB_NAME}{suffix}").exists()
    return folder


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file's hash, but SQLite's WAL index (-shm) and an empty WAL, which SQLite makes
    even for a read-only look at a WAL-mode file, and the app's own (emptied) lock file."""
    return {
        p.relative_to(folder).as_posix(): _sha256(p)
        for p in folder.rglob("*")
        if p.is_file()
        and p.name != "portfolio.lock"
        and not p.name.endswith("-shm")
        and not (p.name.endswith("-wal") and p.stat().st_size == 0)
    }


def test_a_portfolio_from_a_newer_app_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    folder = _from_a_newer_app(tmp_path)
    before = _snapshot(folder)
    with pytest.raises(PortfolioError) as caught:
        PortfolioService.open(folder, FIXTURES[NEWEST].passphrase)
    assert "saved by a newer version of Reflective Portfolio" in caught.value.user_message
    assert "update the app" in caught.value.user_message
    assert _snapshot(folder) == before  # same bytes; no backup and nothing written to a WAL
    assert _sha256(folder / DB_NAME) == before[DB_NAME]


def test_the_command_line_refuses_it_with_the_message_and_leaves_it_alone(
    tmp_path: Path,
) -> None:
    folder = _from_a_newer_app(tmp_path)
    before = _snapshot(folder)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(FIXTURES[NEWEST].passphrase + "\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTFOLIO_")}
    for verb in (["list"], ["check"], ["export", str(tmp_path / "out.pdf")]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "portfolio_app",
                "--data-dir",
                str(folder),
                "--passphrase-file",
                str(passphrase),
                *verb,
            ],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 1, (verb, result.stderr)
        assert "saved by a newer version of Reflective Portfolio" in result.stderr
        assert "Traceback" not in result.stderr
    assert _snapshot(folder) == before
    assert not (tmp_path / "out.pdf").exists()
