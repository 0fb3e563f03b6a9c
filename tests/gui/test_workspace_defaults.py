"""Sensible defaults: dates from events, attendance, hints that pass the identifier check, and
"Go back and fix" opening the record that holds a finding."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.privacy_guard import find_identifiers
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.catalogue_dialog import (
    CatalogueDialog,
    EventEditorDialog,
    ExperienceEditorDialog,
)
from portfolio_app.gui.dialogs.export_dialog import ExportDialog


def test_linking_an_event_sets_the_reflections_date_to_the_events_day(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    day = date(2025, 3, 12)
    event = service.add_event(EventKind.SBAR_SIMULATION, "SBAR day", on=day)
    portfolio = open_app.portfolio
    window = open_app.window
    assert portfolio is not None and window is not None
    portfolio.refresh_facets()
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    entry_id = window.editor.entry_id
    assert window.editor.occurred_on() == date.today()
    model = window.editor.events.model
    row = next(r for r in range(model.rowCount()) if model.choices()[r].key == event.id)
    model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    stored = service.get_entry(entry_id)
    assert stored.event_ids == (event.id,)
    assert stored.occurred_on is not None and stored.occurred_on.date() == day
    assert window.editor.occurred_on() == day
    assert "event's date" in window.statusBar().currentMessage()
    window.app_actions.get("undo").trigger()  # one step: the link and the date
    again = service.get_entry(entry_id)
    assert again.event_ids == ()
    assert again.occurred_on is not None and again.occurred_on.date() == date.today()


def test_a_date_the_student_chose_is_not_replaced(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    event = service.add_event(EventKind.SBAR_SIMULATION, "SBAR day", on=date(2025, 3, 12))
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    chosen = date.today() - timedelta(days=3)
    window.editor.date_edit.setDate(QDate(chosen.year, chosen.month, chosen.day))
    window.app_actions.get("save").trigger()
    model = window.editor.events.model
    row = next(r for r in range(model.rowCount()) if model.choices()[r].key == event.id)
    model.setData(model.index(row, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    stored = service.get_entry(window.editor.entry_id)
    assert stored.occurred_on is not None and stored.occurred_on.date() == chosen


def test_a_new_future_event_is_not_marked_attended(qtbot: QtBot, service: PortfolioService) -> None:
    dialog = EventEditorDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.attended_check.isChecked()  # today: it happened
    future = date.today() + timedelta(days=10)
    dialog.date_edit.setDate(QDate(future.year, future.month, future.day))
    assert not dialog.attended_check.isChecked()
    dialog.no_date_check.setChecked(True)
    assert not dialog.attended_check.isChecked()
    dialog.no_date_check.setChecked(False)
    dialog.attended_check.click()  # the student's own choice wins from now on
    past = date.today() - timedelta(days=10)
    dialog.date_edit.setDate(QDate(past.year, past.month, past.day))
    assert dialog.attended_check.isChecked()
    dialog.date_edit.setDate(QDate(future.year, future.month, future.day))
    assert dialog.attended_check.isChecked()


def test_the_setting_hint_would_pass_the_identifier_check(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = ExperienceEditorDialog(service)
    qtbot.addWidget(dialog)
    hint = dialog.setting_edit.placeholderText()
    assert hint
    assert "ward" not in hint.casefold()
    assert find_identifiers(hint) == []


@pytest.mark.parametrize("where", ["event", "experience"])
def test_go_back_and_fix_opens_the_event_or_experience_holding_the_finding(
    open_app: AppController,
    service: PortfolioService,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    *,
    where: str,
) -> None:
    from portfolio_app.core.domain.entries import EntryKind, Section
    from portfolio_app.core.services.portfolio_service import EntryDraft

    if where == "event":
        record = service.add_event(EventKind.IPL_WORKSHOP, "Workshop", place="Ward 7")
        links = {"event_ids": (record.id,)}
    else:
        record = service.add_experience(
            ExperienceKind.HOSPITAL_PLACEMENT, "Placement", setting="Ward 7"
        )
        links = {"experience_ids": (record.id,)}
    service.add_entry(
        EntryDraft(
            EntryKind.NOTE,
            "A note",
            sections=(Section("Note", "Fine text.", "text"),),
            **links,  # type: ignore[arg-type]
        )
    )
    portfolio = open_app.portfolio
    assert portfolio is not None
    opened: list[tuple[str, str]] = []

    def fake_exec(dialog: QDialog) -> int:
        if isinstance(dialog, ExportDialog):
            dialog.path_edit.setText(str(tmp_path / "out.pdf"))
            dialog.show()
            dialog.start()
            assert dialog.stack.currentIndex() == ExportDialog.FINDINGS
            dialog.fix_button.click()
            return 0
        if isinstance(dialog, CatalogueDialog):
            QApplication.processEvents()  # the form opens once the catalogue is up
            return 0
        if isinstance(dialog, EventEditorDialog) and dialog.title_edit.text():
            opened.append(("event", dialog.title_edit.text()))
            return 0
        if isinstance(dialog, ExperienceEditorDialog) and dialog.title_edit.text():
            opened.append(("experience", dialog.title_edit.text()))
            return 0
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    portfolio.open_export()
    qtbot.waitUntil(lambda: bool(opened), timeout=5000)
    assert opened == [(where, record.title)]
    QTimer.singleShot(0, QApplication.processEvents)


def test_export_from_an_index_unlock_reads_everything_off_the_gui_thread(
    make_controller: object,
    service: PortfolioService,
    data_dir: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The app unlocks from the search index; the export needs every record read and checked.
    That reading runs on a worker (the GUI thread keeps its event loop), then the dialog opens."""
    import threading

    from portfolio_app.core.domain.entries import EntryKind, Section
    from portfolio_app.core.services.portfolio_service import EntryDraft

    service.add_entry(
        EntryDraft(
            kind=EntryKind.REFLECTION,
            title="Ward round with pharmacy",
            sections=(Section("", "We checked the chart together."),),
        )
    )
    service.close()
    lighter = PortfolioService.open(data_dir, "correct horse battery staple", load="index")
    assert not lighter.has_read_everything
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.open_session(lighter)
    portfolio = controller.portfolio
    assert portfolio is not None
    read_on: list[threading.Thread] = []
    real_read = PortfolioService.read_everything

    def spy(self: PortfolioService) -> None:
        read_on.append(threading.current_thread())
        real_read(self)

    monkeypatch.setattr(PortfolioService, "read_everything", spy)
    shown: list[ExportDialog] = []

    def fake_exec(dialog: QDialog) -> int:
        if isinstance(dialog, ExportDialog):
            shown.append(dialog)
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    task = portfolio.open_export()
    assert task is not None and not shown  # nothing opened before the reading is done
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert read_on and read_on[0] is not threading.main_thread()
    assert lighter.has_read_everything
    portfolio.open_export()  # the second time there is nothing left to read: at once
    assert len(shown) == 2
