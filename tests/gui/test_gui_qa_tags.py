"""QA regressions: tags typed in the editor are never silently dropped.

Found by hand: typing "falls, mobility" and pressing Return while the completion list offered
"mobility" left the tags in the box but never saved them; switching tab, locking or opening
another entry then lost them.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController

PASSPHRASE = "correct horse battery staple"


def _new_reflection(app: AppController, qtbot: QtBot) -> str:
    assert app.window is not None
    app.window.app_actions.get("new_reflection").trigger()
    editor = app.window.editor
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    return editor.entry_id


def _app_with_known_tag(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> AppController:
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Earlier note", tags=("mobility",)))
    app: AppController = make_controller(data_dir)  # type: ignore[operator]
    app.open_session(service)
    assert app.window is not None
    qtbot.waitExposed(app.window)
    return app


def test_return_while_the_completion_list_is_open_saves_the_tags(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    app = _app_with_known_tag(make_controller, service, data_dir, qtbot)
    entry_id = _new_reflection(app, qtbot)
    tags_edit = app.window.editor.tags_edit  # type: ignore[union-attr]
    tags_edit.setFocus()
    qtbot.keyClicks(tags_edit, "falls, mobility")
    popup = tags_edit._completer.popup()
    assert popup is not None and popup.isVisible()  # the case that lost the tags
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: service.get_entry(entry_id).tags == ("falls", "mobility"))


def test_tags_still_in_the_box_are_saved_when_locking(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    app = _app_with_known_tag(make_controller, service, data_dir, qtbot)
    entry_id = _new_reflection(app, qtbot)
    tags_edit = app.window.editor.tags_edit  # type: ignore[union-attr]
    tags_edit.setFocus()
    qtbot.keyClicks(tags_edit, "falls, teamwork")  # no Return, focus stays: then Ctrl+L
    app.window.app_actions.get("lock").trigger()  # type: ignore[union-attr]
    assert app.service is None
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).tags == ("falls", "teamwork")
    finally:
        reopened.close()


def test_tags_still_in_the_box_are_saved_before_a_new_entry(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    app = _app_with_known_tag(make_controller, service, data_dir, qtbot)
    first = _new_reflection(app, qtbot)
    tags_edit = app.window.editor.tags_edit  # type: ignore[union-attr]
    tags_edit.setFocus()
    qtbot.keyClicks(tags_edit, "handover")
    second = _new_reflection(app, qtbot)  # Ctrl+N with the focus still in the tags box
    assert second != first
    assert service.get_entry(first).tags == ("handover",)
    assert service.get_entry(second).tags == ()


def test_leaving_the_tags_box_saves_them_once(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    app = _app_with_known_tag(make_controller, service, data_dir, qtbot)
    entry_id = _new_reflection(app, qtbot)
    editor = app.window.editor  # type: ignore[union-attr]
    editor.tags_edit.setFocus()
    qtbot.keyClicks(editor.tags_edit, "debrief")
    qtbot.keyClick(editor.tags_edit, Qt.Key.Key_Return)
    editor.title_edit.setFocus()
    qtbot.waitUntil(lambda: service.get_entry(entry_id).tags == ("debrief",))
    assert app.portfolio is not None
    assert app.portfolio.undo_stack.undoText() == "Change tags"
    app.portfolio.undo_stack.undo()
    assert service.get_entry(entry_id).tags == ()
