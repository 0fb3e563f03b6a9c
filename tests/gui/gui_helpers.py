"""Helpers shared by the GUI tests: entries and small portfolios made with the service."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import CompetencyLink, Entry, EntryKind, EntryStatus, Section
from portfolio_app.core.domain.ids import EntryId, new_id
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService

PASSPHRASE = "correct horse battery staple"


def make_entries(count: int, *, seed_day: datetime | None = None) -> list[Entry]:
    """Plain entries with predictable words, tags and codes (no service needed)."""
    start = seed_day or datetime(2025, 1, 1, 12, tzinfo=UTC)
    words = ("handover", "teamwork", "pharmacist", "physiotherapy", "safeguarding", "sbar")
    entries = []
    for i in range(count):
        word = words[i % len(words)]
        kind = (EntryKind.PLAN, EntryKind.REFLECTION, EntryKind.NOTE)[i % 3]
        when = start + timedelta(days=i)
        entries.append(
            Entry(
                id=EntryId(new_id()),
                kind=kind,
                title=f"Entry {i:05d} about {word}",
                sections=(Section("What?", f"Text number {i} about {word} and learning.", "what"),),
                status=(EntryStatus.DRAFT, EntryStatus.READY)[i % 2],
                template_id="free",
                created=when,
                updated=when,
                occurred_on=when,
                tags=(word, f"year-{1 + i % 2}"),
                professions=("Pharmacy",) if i % 4 == 0 else (),
                competencies=(CompetencyLink("ipec-2023", "VE3"),) if i % 5 == 0 else (),
            )
        )
    return entries


def build_small_demo(data_dir: Path, passphrase: str) -> PortfolioService:
    """A small portfolio for tests (the real demo lives in core.services.demo_portfolio)."""
    service, _key = PortfolioService.create(
        data_dir, passphrase, Profile(name="Demo Student", profession="Nursing")
    )
    service.add_event(EventKind.SBAR_SIMULATION, "SBAR simulation day")
    service.add_entries_bulk(make_entries(12))
    return service


def answer_next_question(button_text: str) -> list[str]:
    """Click the button called ``button_text`` on the next message box that opens.

    Returns a list that receives the question's text, so a test can check what was asked.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    asked: list[str] = []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, click)
            return
        asked.append(box.text())
        for button in box.buttons():
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        raise AssertionError(f"no button {button_text!r} in {[b.text() for b in box.buttons()]}")

    QTimer.singleShot(0, click)
    return asked
