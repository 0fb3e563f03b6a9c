"""QA regressions: empty panes say why they are empty and what to do.

Found by hand on a first run: a new student saw a blank list, "Select an entry in the list"
beside it, and blank event and experience pickers with no word on where events come from.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QToolButton
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.editor.entry_editor import (
    NO_EVENTS_HINT,
    NO_EXPERIENCES_HINT,
    SELECT_OR_START_TEXT,
    WELCOME_TEXT,
)
from portfolio_app.gui.widgets.entry_list import NO_ENTRIES_TEXT, NO_MATCH_TEXT


def test_a_new_portfolio_welcomes_and_offers_the_first_entry(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = open_app.window
    assert window is not None
    entry_list, editor = window.entry_list, window.editor
    assert entry_list.empty_label.isVisible()
    assert entry_list.empty_label.text() == NO_ENTRIES_TEXT
    assert editor.stack.currentIndex() == 0
    assert editor.empty_label.text() == WELCOME_TEXT
    buttons = {
        b.defaultAction().objectName(): b
        for b in editor.stack.widget(0).findChildren(QToolButton)
        if b.defaultAction() is not None
    }
    assert set(buttons) == {"action_new_plan", "action_new_reflection", "action_new_note"}
    assert all(b.isVisible() for b in buttons.values())
    buttons["action_new_reflection"].click()
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    assert service.entry_count() == 1
    assert entry_list.empty_label.isHidden()
    # once there are entries, the empty editor page says "select or start" again
    assert editor.empty_label.text() == SELECT_OR_START_TEXT


def test_a_search_with_no_match_says_how_to_clear_it(open_app: AppController, qtbot: QtBot) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_note").trigger()
    entry_list = window.entry_list
    entry_list.search.setText("nothing-is-called-this")
    qtbot.waitUntil(lambda: entry_list.proxy.rowCount() == 0)
    assert entry_list.empty_label.isVisible()
    assert entry_list.empty_label.text() == NO_MATCH_TEXT
    window.app_actions.get("clear_filters").trigger()
    assert entry_list.proxy.rowCount() == 1
    assert entry_list.empty_label.isHidden()


def test_empty_event_and_experience_pickers_say_where_to_add_them(
    make_controller: object, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    app: AppController = make_controller(data_dir)  # type: ignore[operator]
    window = app.open_session(service)
    window.app_actions.get("new_reflection").trigger()
    editor = window.editor
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    assert editor.events.hint.text() == NO_EVENTS_HINT
    assert not editor.events.hint.isHidden()
    assert editor.experiences.hint.text() == NO_EXPERIENCES_HINT
    assert not editor.experiences.hint.isHidden()

    service.add_event(EventKind.SBAR_SIMULATION, "SBAR simulation day")
    assert app.portfolio is not None
    app.portfolio.show_entry(editor.entry_id)
    assert editor.events.hint.isHidden()
    assert not editor.experiences.hint.isHidden()
