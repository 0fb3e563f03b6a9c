"""QA regressions: small wording slips a student reads on the way in."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QStatusBar
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.unlock_dialog import strength_text


@pytest.mark.parametrize(
    ("passphrase", "expected"),
    [
        ("river lantern copper meadow", "Strength: strong. Thousands of years to guess offline."),
        (
            "Tr0ub4dor&3",
            "Strength: fair. About 1 year to guess offline. A few more words would make it "
            "much stronger.",
        ),
        ("abc", "Strength: too short. Use at least 8 characters; four random words work well."),
        (
            "password123",
            "Strength: too easy to guess. Someone with a copy of the portfolio file could find "
            "it in less than a second. This is a very common password. Add more "
            "words; four random words work well.",
        ),
    ],
)
def test_strength_hint_says_the_strength_once(passphrase: str, expected: str) -> None:
    # It used to read "Strength: strong. Strong." and "Strength: fair. Fair: a few more..."
    assert strength_text(passphrase) == expected


def test_unlocked_status_counts_one_entry_in_the_singular(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Only note"))
    app: AppController = make_controller(data_dir)  # type: ignore[operator]
    window = app.open_session(service)
    status = window.findChild(QStatusBar)
    assert status is not None
    assert status.currentMessage() == "Unlocked. 1 entry."
