"""The window saying what changed outside the app, in plain text; the student may keep it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.export_service import prepare_export
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.gui.dialogs.integrity_dialog import IntegrityDialog

PASS = "correct horse battery staple"


def test_findings_are_listed_as_plain_text_and_can_be_kept(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="<b>VALID AND TRUSTED</b>"))
    service.close()
    db = sqlite3.connect(data_dir / DB_NAME)
    db.execute("UPDATE entries SET status = 'reviewed'")
    db.commit()
    db.close()
    reopened = PortfolioService.open(data_dir, PASS)
    dialog = IntegrityDialog(reopened)
    qtbot.addWidget(dialog)
    dialog.show()
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert len(lines) == 1
    assert "<b>VALID AND TRUSTED</b>" in lines[0]  # shown as typed, never rendered
    assert "status: saved as 'draft'" in lines[0]
    dialog.keep_button.click()
    assert reopened.integrity_findings == []
    prepare_export(reopened, sign=False)  # the export may run again
    reopened.close()
