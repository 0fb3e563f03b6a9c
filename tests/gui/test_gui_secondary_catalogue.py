"""The catalogue dialog: add, edit and delete events and experiences through the service."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.dialogs.catalogue_dialog import (
    CatalogueDialog,
    EventEditorDialog,
    ExperienceEditorDialog,
)
from portfolio_app.gui.item_models.event_table_model import EventTableModel
from portfolio_app.gui.item_models.experience_table_model import ExperienceTableModel

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")


def _on_next_modal(qtbot: QtBot, handle: Callable[[QWidget], None]) -> list[bool]:
    """Run ``handle`` on the next modal dialog once it is up; returns a flag list for checks."""
    seen: list[bool] = []

    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None:
            QTimer.singleShot(10, run)
            return
        seen.append(True)
        handle(widget)

    QTimer.singleShot(0, run)
    return seen


def _click_delete(box: QWidget) -> None:
    assert isinstance(box, QMessageBox)
    delete = next(b for b in box.buttons() if b.text() == "&Delete")
    delete.click()


def _dialog(qtbot: QtBot, service: PortfolioService) -> CatalogueDialog:
    dialog = CatalogueDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_add_event_through_the_form_saves_it_and_signals(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = _dialog(qtbot, service)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, EventEditorDialog)
        widget.kind_combo.setCurrentIndex(
            widget.kind_combo.findData(EventKind.SCHWARTZ_ROUND.value)
        )
        QTest.keyClicks(widget.title_edit, "Schwartz round on uncertainty")
        widget.date_edit.setDate(QDate(2025, 3, 14))
        widget.place_edit.setText("Lecture theatre 2")
        widget.professions_list.model.set_checked({"Nursing", "Pharmacy"})
        widget.other_professions_edit.setText("Porter, Chaplaincy")
        widget.attended_check.setChecked(False)
        widget.notes_edit.setPlainText("Bring the case summary.")
        widget.accept()

    seen = _on_next_modal(qtbot, fill)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.events_tab.add_button.click()
    assert seen
    [event] = service.events()
    assert event.kind is EventKind.SCHWARTZ_ROUND
    assert event.title == "Schwartz round on uncertainty"
    assert event.on == date(2025, 3, 14)
    assert event.place == "Lecture theatre 2"
    assert event.professions_present == ("Nursing", "Pharmacy", "Porter", "Chaplaincy")
    assert event.attended is False
    assert event.notes == "Bring the case summary."
    assert dialog.event_model.rowCount() == 1
    assert dialog.selected_event() == event


def test_edit_event_changes_it_and_keeps_its_id(qtbot: QtBot, service: PortfolioService) -> None:
    event = service.add_event(
        EventKind.IPL_WORKSHOP, "Workshop", on=date(2025, 1, 1), professions_present=["Nursing"]
    )
    dialog = _dialog(qtbot, service)
    dialog.events_tab.table.selectRow(0)

    def edit(widget: QWidget) -> None:
        assert isinstance(widget, EventEditorDialog)
        assert widget.title_edit.text() == "Workshop"
        assert widget.professions_list.model.checked() == {"Nursing"}
        widget.title_edit.setText("Falls workshop")
        widget.no_date_check.setChecked(True)
        widget.accept()

    _on_next_modal(qtbot, edit)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.events_tab.edit_button.click()
    changed = service.get_event(event.id)
    assert changed.title == "Falls workshop"
    assert changed.on is None
    index = dialog.event_model.index(0, EventTableModel.DATE)
    assert index.data() == "No date"


def test_delete_event_asks_first_and_unlinks_entries(
    qtbot: QtBot, service: PortfolioService
) -> None:
    event = service.add_event(EventKind.IPL_WORKSHOP, "Workshop")
    entry = service.add_entry(
        EntryDraft(kind=EntryKind.REFLECTION, title="After the workshop", event_ids=(event.id,))
    )
    dialog = _dialog(qtbot, service)
    dialog.events_tab.table.selectRow(0)

    texts: list[str] = []

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        texts.append(box.informativeText())
        box.reject()

    _on_next_modal(qtbot, cancel)
    dialog.events_tab.delete_button.click()
    assert service.events() == [event]
    assert "1 entry links to it; it stays, without the link." in texts[0]

    _on_next_modal(qtbot, _click_delete)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.events_tab.delete_button.click()
    assert service.events() == []
    assert service.get_entry(entry.id).event_ids == ()
    assert dialog.event_model.rowCount() == 0
    assert dialog.events_tab.empty_label.isVisibleTo(dialog)


def test_event_form_refuses_an_empty_title(qtbot: QtBot, service: PortfolioService) -> None:
    editor = EventEditorDialog(service)
    qtbot.addWidget(editor)
    save = editor.buttons.buttons()[0]
    assert not save.isEnabled()
    editor.title_edit.setText("   ")
    assert not save.isEnabled()
    editor.title_edit.setText("Case day")
    assert save.isEnabled()


def test_experience_add_edit_delete(qtbot: QtBot, service: PortfolioService) -> None:
    dialog = _dialog(qtbot, service)
    dialog.tabs.setCurrentWidget(dialog.experiences_tab)

    def fill(widget: QWidget) -> None:
        assert isinstance(widget, ExperienceEditorDialog)
        widget.kind_combo.setCurrentIndex(
            widget.kind_combo.findData(ExperienceKind.HOSPITAL_PLACEMENT.value)
        )
        widget.title_edit.setText("Acute medical unit")
        widget.setting_edit.setText("Ward 7")
        widget.supervisor_edit.setText("Łukasz Nowak")
        widget.start_edit.setDate(QDate(2025, 2, 1))
        widget.no_end_check.setChecked(False)
        widget.end_edit.setDate(QDate(2025, 1, 1))  # before the start: the service refuses
        widget.accept()
        assert widget.isVisible()
        assert "cannot end before it starts" in widget.error_label.text()
        widget.end_edit.setDate(QDate(2025, 4, 30))
        widget.accept()

    _on_next_modal(qtbot, fill)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.experiences_tab.add_button.click()
    [experience] = service.experiences()
    assert (experience.title, experience.supervisor) == ("Acute medical unit", "Łukasz Nowak")
    assert (experience.starts_on, experience.ends_on) == (date(2025, 2, 1), date(2025, 4, 30))

    dialog.experiences_tab.table.selectRow(0)

    def edit(widget: QWidget) -> None:
        assert isinstance(widget, ExperienceEditorDialog)
        widget.setting_edit.setText("Ward 8")
        widget.accept()

    _on_next_modal(qtbot, edit)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.experiences_tab.edit_button.click()
    assert service.get_experience(experience.id).setting == "Ward 8"
    index = dialog.experience_model.index(0, ExperienceTableModel.SETTING)
    assert index.data() == "Ward 8"

    dialog.experiences_tab.table.selectRow(0)
    _on_next_modal(qtbot, _click_delete)
    with qtbot.waitSignal(dialog.catalogue_changed):
        dialog.experiences_tab.delete_button.click()
    assert service.experiences() == []


def test_table_models_pass_the_model_tester(
    qtmodeltester: ModelTester, service: PortfolioService
) -> None:
    service.add_event(EventKind.IPL_WORKSHOP, "Workshop", on=date(2025, 1, 1))
    service.add_event(EventKind.SUPERVISION, "Supervision")
    service.add_experience(ExperienceKind.OTHER, "Volunteering", starts_on=date(2024, 9, 1))
    events = EventTableModel()
    events.set_events(service.events())
    qtmodeltester.check(events)  # type: ignore[no-untyped-call]
    experiences = ExperienceTableModel()
    experiences.set_experiences(service.experiences())
    qtmodeltester.check(experiences)  # type: ignore[no-untyped-call]
    horizontal = Qt.Orientation.Horizontal
    assert events.headerData(EventTableModel.PROFESSIONS, horizontal) == "Professions present"
    assert experiences.headerData(ExperienceTableModel.SUPERVISOR, horizontal) == "Supervisor"


def test_forms_show_the_kind_guide_and_save_hours_and_who_confirmed_them(
    qtbot: QtBot, service: PortfolioService
) -> None:
    editor = EventEditorDialog(service)
    qtbot.addWidget(editor)
    editor.kind_combo.setCurrentIndex(editor.kind_combo.findData("quality-improvement"))
    assert "Suggested template: pdsa-cycle." in editor.guide_label.text()
    assert "Model for Improvement" in editor.guide_label.toolTip()
    assert editor.hours_spin.text() == "Not recorded"  # nothing recorded yet
    editor.title_edit.setText("PDSA cycle on handover")
    editor.hours_spin.setValue(2.5)
    editor.confirmed_edit.setText("Project lead")
    editor.accept()
    assert editor.saved_event is not None
    saved = service.get_event(editor.saved_event.id)
    assert (saved.kind, saved.hours, saved.confirmed_by) == (
        EventKind.QUALITY_IMPROVEMENT,
        2.5,
        "Project lead",
    )
    # Editing keeps the hours; setting them back to zero clears them.
    again = EventEditorDialog(service, saved)
    qtbot.addWidget(again)
    assert again.hours_spin.value() == 2.5 and again.confirmed_edit.text() == "Project lead"
    again.hours_spin.setValue(0)
    again.accept()
    assert service.get_event(saved.id).hours is None

    placement = ExperienceEditorDialog(service)
    qtbot.addWidget(placement)
    placement.kind_combo.setCurrentIndex(
        placement.kind_combo.findData(ExperienceKind.LEICESTER_MODEL_PLACEMENT.value)
    )
    assert "Leicester Model cycle" in placement.guide_label.text()
    placement.title_edit.setText("Health in the community")
    placement.hours_spin.setValue(37.5)
    placement.confirmed_edit.setText("Practice assessor")
    placement.accept()
    assert placement.saved_experience is not None
    assert service.get_experience(placement.saved_experience.id).hours == 37.5
    model = ExperienceTableModel()
    model.set_rows(service.experiences())
    assert model.index(0, ExperienceTableModel.HOURS).data() == "37.5 h"
    assert model.index(0, ExperienceTableModel.CONFIRMED_BY).data() == "Practice assessor"
