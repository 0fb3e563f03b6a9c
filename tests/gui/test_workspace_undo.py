"""One undo: typing in word-sized steps, metadata in order, across entries, and model changes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.main_window import MainWindow


def _window(app: AppController) -> MainWindow:
    assert app.window is not None
    return app.window


def _new_reflection(app: AppController, qtbot: QtBot) -> str:
    window = _window(app)
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    window.activateWindow()
    return window.editor.entry_id


def _press(qtbot: QtBot, widget: QWidget, key: Qt.Key, modifiers: Qt.KeyboardModifier) -> None:
    """A key as the student presses it (shortcuts included)."""
    qtbot.keyClick(widget, key, modifiers)
    QApplication.processEvents()


def _undo(qtbot: QtBot, widget: QWidget) -> None:
    _press(qtbot, widget, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)


def _redo(qtbot: QtBot, widget: QWidget) -> None:
    _press(
        qtbot,
        widget,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )


def test_ctrl_z_in_an_answer_undoes_a_word_at_a_time(open_app: AppController, qtbot: QtBot) -> None:
    _new_reflection(open_app, qtbot)
    window = _window(open_app)
    edit = window.editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "The pharmacist explained dosing")
    undo, redo = window.app_actions.get("undo"), window.app_actions.get("redo")
    assert undo.isEnabled() and not redo.isEnabled()
    assert "dosing" in undo.text()
    _undo(qtbot, edit)
    assert edit.text() == "The pharmacist explained "
    _undo(qtbot, edit)
    assert edit.text() == "The pharmacist "
    assert redo.isEnabled()
    _redo(qtbot, edit)
    assert edit.text() == "The pharmacist explained "
    # Typing after an undo clears what could be redone: the Redo button says so.
    qtbot.keyClicks(edit, "x")
    assert not redo.isEnabled()


def test_the_toolbar_undo_and_ctrl_z_walk_the_same_history_in_order(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    window = _window(open_app)
    editor = window.editor
    edit = editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "First ")
    # A tick in the links panel, then more typing.
    model = editor.professions.model
    model.setData(model.index(0, 0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    qtbot.waitUntil(lambda: bool(service.get_entry(entry_id).professions))
    edit.setFocus()
    qtbot.keyClicks(edit, "second")
    toolbar_undo = window.app_actions.get("undo")
    toolbar_undo.trigger()
    assert edit.text() == "First "
    assert service.get_entry(entry_id).professions  # the tick is still there
    _undo(qtbot, edit)  # the key does the next step of the same history
    assert service.get_entry(entry_id).professions == ()
    assert edit.text() == "First "
    toolbar_undo.trigger()
    assert edit.text() == ""
    qtbot.waitUntil(lambda: service.get_entry(entry_id).sections[0].body == "", timeout=5000)


def test_ctrl_z_in_the_title_uses_the_shared_history(open_app: AppController, qtbot: QtBot) -> None:
    _new_reflection(open_app, qtbot)
    title = _window(open_app).editor.title_edit
    title.setFocus()
    title.selectAll()
    qtbot.keyClicks(title, "Ward round handover")
    _undo(qtbot, title)
    assert title.text() == "Ward round "
    _redo(qtbot, title)
    assert title.text() == "Ward round handover"


def test_undoing_typing_of_another_entry_opens_that_entry_first(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    first = _new_reflection(open_app, qtbot)
    window = _window(open_app)
    edit = window.editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "Words in the first entry")
    second = _new_reflection(open_app, qtbot)
    assert window.editor.entry_id == second
    window.app_actions.get("undo").trigger()  # the second entry's creation
    window.app_actions.get("undo").trigger()  # "entry" in the first one
    assert window.editor.entry_id == first
    assert window.editor.sections[0].body() == "Words in the first "
    window.app_actions.get("save").trigger()
    assert service.get_entry(first).sections[0].body == "Words in the first "


def test_the_date_change_is_an_undo_step(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    editor = _window(open_app).editor
    before = editor.occurred_on()
    assert before is not None
    editor.date_check.setChecked(False)
    assert editor.occurred_on() is None
    _window(open_app).app_actions.get("undo").trigger()
    assert editor.occurred_on() == before
    _window(open_app).app_actions.get("save").trigger()
    stored = service.get_entry(entry_id).occurred_on
    assert stored is not None and stored.date() == before


def test_changing_the_model_moves_the_answers_and_undo_puts_them_back(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    window = _window(open_app)
    editor = window.editor
    assert editor.template_combo.isEnabled()
    keys = [s.key for s in editor.sections]
    assert keys == ["what", "so-what", "now-what"]
    for section, text in zip(editor.sections, ("Happened", "Meant", "Next"), strict=True):
        section.edit.setFocus()
        qtbot.keyClicks(section.edit, text)
    gibbs = editor.template_combo.findData("gibbs")
    editor.template_combo.setCurrentIndex(gibbs)
    editor.template_combo.activated.emit(gibbs)
    stored = service.get_entry(entry_id)
    assert stored.template_id == "gibbs"
    bodies = {s.key: s.body for s in stored.sections}
    assert bodies["description"] == "Happened"
    assert bodies["analysis"] == "Meant"
    assert bodies["action-plan"] == "Next"
    assert editor.sections[0].key == "description"
    assert "Moved “What?” to “Description”" in window.statusBar().currentMessage()
    window.app_actions.get("undo").trigger()
    again = service.get_entry(entry_id)
    assert again.template_id == "what-so-what-now-what"
    assert [s.body for s in again.sections] == ["Happened", "Meant", "Next"]
