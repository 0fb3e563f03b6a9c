"""File ▸ Import archive…: the import runs off the GUI thread behind a progress dialog, the list
shows the imported entries after, auto-lock is paused meanwhile, and a bad archive says why
and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.archive_service import write_archive
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs import archive_import_dialog

PASS = "correct horse battery staple"


def _archive(tmp_path: Path, count: int) -> Path:
    service, _ = PortfolioService.create(tmp_path / "source", PASS, Profile(name="Archived"))
    with service:
        event = service.add_event(EventKind.SCHWARTZ_ROUND, "Round")
        for i in range(count):
            service.add_entry(
                EntryDraft(
                    kind=EntryKind.NOTE,
                    title=f"Archived note {i}",
                    sections=(Section("", f"text {i}"),),
                    event_ids=(event.id,),
                )
            )
        return write_archive(service, tmp_path / "archive.zip")


@pytest.fixture
def answer_yes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_args: object) -> object:
        asked.append(text)
        return archive_import_dialog.QMessageBox.StandardButton.Yes

    monkeypatch.setattr(archive_import_dialog.QMessageBox, "question", question)
    return asked


def test_importing_an_archive_fills_the_list(
    open_app: AppController, tmp_path: Path, qtbot: QtBot, answer_yes: list[str]
) -> None:
    path = _archive(tmp_path, 30)
    window = open_app.window
    portfolio = open_app.portfolio
    assert window is not None and portfolio is not None
    action = window.app_actions.get("import_archive")
    assert action.isEnabled() and "Import archive" in action.text()
    statuses: list[str] = []
    portfolio.status_message.connect(statuses.append)
    job = portfolio.open_archive_import(path)
    assert job is not None and job.task is not None
    assert "archive.zip" in answer_yes[0]
    assert not open_app.idle.is_running  # paused while the worker writes
    qtbot.waitUntil(lambda: job.task is None, timeout=20_000)
    assert window.entry_list.proxy.rowCount() == 30
    assert any("Imported 30 entries, 1 events" in s for s in statuses)
    assert portfolio.service.profile.name == "Archived"  # the portfolio had no entries yet
    assert open_app.idle.is_running or open_app.preferences.auto_lock_minutes == 0


def test_a_bad_archive_says_why_and_changes_nothing(
    open_app: AppController,
    tmp_path: Path,
    qtbot: QtBot,
    answer_yes: list[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(b"not a zip at all")
    warnings: list[str] = []
    monkeypatch.setattr(
        archive_import_dialog.QMessageBox,
        "warning",
        lambda _parent, _title, text: warnings.append(text),
    )
    portfolio = open_app.portfolio
    assert portfolio is not None
    before = portfolio.service.entry_count()
    job = portfolio.open_archive_import(bad)
    assert job is not None
    qtbot.waitUntil(lambda: bool(warnings), timeout=20_000)
    assert "not a readable zip archive" in warnings[0]
    assert portfolio.service.entry_count() == before
