"""The revision history dialog: list, read, compare and restore an earlier version."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.history_dialog import (
    NO_DIFFERENCE_TEXT,
    RevisionHistoryDialog,
    revision_diff,
)
from portfolio_app.gui.item_models.revision_table_model import (
    IsCurrentRole,
    RevisionTableModel,
)

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _on_next_modal(handle: Callable[[QWidget], None]) -> None:
    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, run)
            return
        handle(widget)

    QTimer.singleShot(0, run)


def _answer(text: str) -> Callable[[QWidget], None]:
    def click(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if text == "Cancel":
            box.reject()
            return
        next(b for b in box.buttons() if b.text() == text).click()

    return click


def _entry_with_history(service: PortfolioService) -> str:
    entry = service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="First title",
            sections=(Section("What?", "The first words.", "what"),),
            tags=("early",),
        )
    )
    service.save_entry(
        entry.replace(
            title="Second title",
            sections=(Section("What?", "The first words.\nA second thought.", "what"),),
        )
    )
    return entry.id


def test_history_lists_versions_newest_first_and_marks_the_current_one(
    qtbot: QtBot, service: PortfolioService
) -> None:
    entry_id = _entry_with_history(service)
    dialog = RevisionHistoryDialog(service, entry_id)
    qtbot.addWidget(dialog)
    model = dialog.model
    assert model.rowCount() == 2
    assert model.index(0, RevisionTableModel.TITLE).data() == "Second title"
    assert model.index(1, RevisionTableModel.TITLE).data() == "First title"
    assert model.index(1, RevisionTableModel.WORDS).data() == "3"
    assert model.index(0, 0).data(IsCurrentRole) is True
    assert "(same as now)" in model.index(0, RevisionTableModel.SAVED).data()
    # the newest version is selected and, being the same as now, cannot be restored
    assert not dialog.restore_button.isEnabled()
    dialog.table.selectRow(1)
    assert dialog.restore_button.isEnabled()
    assert "# First title" in dialog.version_view.toPlainText()
    # The entry now, with what went struck out and what came underlined (not colour alone).
    html = dialog.diff_view.toHtml()
    shown = dialog.diff_view.toPlainText()
    assert "First" in shown and "Second" in shown and "A second thought." in shown
    assert "text-decoration: line-through" in html and "text-decoration: underline" in html
    assert "removed" in dialog.changes_label.text() and "added" in dialog.changes_label.text()


def test_restoring_a_revision_changes_the_entry_and_signals(
    qtbot: QtBot, service: PortfolioService
) -> None:
    entry_id = _entry_with_history(service)
    dialog = RevisionHistoryDialog(service, entry_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.selectRow(1)

    _on_next_modal(_answer("Cancel"))
    dialog.restore_button.click()
    assert service.get_entry(entry_id).title == "Second title"

    _on_next_modal(_answer("&Restore"))
    with qtbot.waitSignal(dialog.revision_restored) as blocker:
        dialog.restore_button.click()
    assert blocker.args == [entry_id]
    restored = service.get_entry(entry_id)
    assert restored.title == "First title"
    assert restored.sections[0].body == "The first words."
    # the replaced text stays in the history, and the list shows it
    assert dialog.model.rowCount() == 3
    assert dialog.model.index(0, 0).data(IsCurrentRole) is True
    assert "Restored the version" in dialog.status_label.text()


def test_diff_says_when_nothing_changed_and_when_only_links_did(
    service: PortfolioService,
) -> None:
    entry_id = _entry_with_history(service)
    entry = service.get_entry(entry_id)
    assert revision_diff(entry, entry) == NO_DIFFERENCE_TEXT
    retagged = entry.replace(tags=("late",))
    assert "tags, links" in revision_diff(retagged, entry)


def test_revision_table_model_passes_the_model_tester(
    qtmodeltester: ModelTester, service: PortfolioService
) -> None:
    entry_id = _entry_with_history(service)
    model = RevisionTableModel()
    model.set_revisions(service.revisions(entry_id), {0})
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_the_inline_diff_marks_exactly_the_words_that_changed(qapp: object) -> None:
    from datetime import UTC, datetime

    from PySide6.QtGui import QGuiApplication

    from portfolio_app.core.domain.entries import Entry, EntryKind, Section
    from portfolio_app.core.domain.ids import EntryId
    from portfolio_app.gui.dialogs.history_dialog import diff_counts, inline_diff_html

    when = datetime(2025, 1, 1, tzinfo=UTC)
    old = Entry(
        id=EntryId("e1"),
        kind=EntryKind.NOTE,
        title="Ward round",
        sections=(Section("Note", "the nurse spoke first", "text"),),
        created=when,
        updated=when,
    )
    new = old.replace(sections=(Section("Note", "the pharmacist spoke first", "text"),))
    html = inline_diff_html(old, new, QGuiApplication.palette())
    assert ">nurse</s>" in html
    assert ">pharmacist</u>" in html
    assert ">spoke" not in html.split("</u>")[0].rsplit("<u", 1)[-1]
    assert diff_counts(old, new) == (1, 1)
