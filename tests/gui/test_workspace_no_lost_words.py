"""No lost words: dialogs ask before discarding typing, the final reflection saves itself, and
after an automatic lock the student is back at the same entry and cursor."""

from __future__ import annotations

from pathlib import Path

from gui_helpers import answer_next_question
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.catalogue_dialog import EventEditorDialog, ExperienceEditorDialog
from portfolio_app.gui.dialogs.final_reflection_dialog import FinalReflectionDialog
from portfolio_app.gui.editor.entry_editor import SECTION_PREFIX

PASSPHRASE = "correct horse battery staple"


def test_an_event_form_with_typing_asks_before_esc_discards_it(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = EventEditorDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.title_edit, "Falls workshop")
    asked = answer_next_question("Keep editing")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked and "not saved" in asked[0]
    assert dialog.isVisible()
    assert dialog.title_edit.text() == "Falls workshop"
    answer_next_question("Discard")
    dialog.reject()
    assert not dialog.isVisible()
    assert service.events() == []


def test_an_untouched_form_closes_without_a_question(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = ExperienceEditorDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_ctrl_w_closes_a_secondary_window_and_still_asks(
    open_app: AppController, qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = EventEditorDialog(service, None, open_app.window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    qtbot.keyClicks(dialog.place_edit, "Skills lab")
    asked = answer_next_question("Discard")
    qtbot.keyClick(dialog.place_edit, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier)
    assert asked
    assert not dialog.isVisible()


def test_the_final_reflection_saves_itself_and_esc_keeps_the_text(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = FinalReflectionDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.editor, "Working with pharmacists changed how I plan")
    qtbot.waitUntil(lambda: service.final_reflection.endswith("how I plan"), timeout=5000)
    assert dialog.save_label.text().startswith("Saved")
    qtbot.keyClicks(dialog.editor, " discharges.")
    qtbot.keyClick(dialog.editor, Qt.Key.Key_Escape)  # before the autosave fired
    assert not dialog.isVisible()
    assert service.final_reflection == "Working with pharmacists changed how I plan discharges."


def test_after_an_automatic_lock_the_student_is_back_at_the_same_place(
    open_app: AppController, qtbot: QtBot, data_dir: Path
) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    entry_id = window.editor.entry_id
    second = window.editor.sections[1]
    second.edit.setFocus()
    qtbot.keyClicks(second.edit, "So it mattered because")
    cursor = second.edit.textCursor()
    cursor.setPosition(5)
    second.edit.setTextCursor(cursor)
    open_app.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: open_app.service is None, timeout=5000)
    unlock = open_app.unlock_dialog
    assert unlock is not None
    notice = unlock.notice_text()
    assert "Locked because nothing was typed or clicked" in notice
    assert "saved" in notice
    open_app.idle.set_interval_ms(0)
    open_app.open_session(PortfolioService.open(data_dir, PASSPHRASE))
    window = open_app.window
    assert window is not None
    assert window.editor.entry_id == entry_id
    place = window.editor.caret_place()
    assert place is not None
    assert place.field == SECTION_PREFIX + window.editor.sections[1].key
    assert place.position == 5
    assert window.editor.sections[1].body() == "So it mattered because"
    assert "Back where you were" in window.statusBar().currentMessage()
    QApplication.processEvents()


def test_typed_feedback_in_the_countersign_dialog_is_not_lost_to_esc(
    qtbot: QtBot, service: PortfolioService
) -> None:
    from portfolio_app.gui.dialogs.countersign_dialog import CountersignDialog

    dialog = CountersignDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.feedback_edit.setPlainText("Strong SBAR reflection.")
    asked = answer_next_question("Keep editing")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked
    assert dialog.isVisible()
    assert dialog.feedback_edit.toPlainText() == "Strong SBAR reflection."
    answer_next_question("Discard")
    dialog.reject()
    assert not dialog.isVisible()
