"""QA regressions: a brand-new entry does not warn about text the app wrote itself."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.controllers.editor_controller import privacy_message


@pytest.mark.parametrize(
    ("action", "title"),
    [
        ("new_reflection", "New reflection"),
        ("new_plan", "New plan"),
        ("new_note", "New note"),
    ],
)
def test_new_entry_title_has_no_date_and_no_privacy_warning(
    open_app: AppController, qtbot: QtBot, action: str, title: str
) -> None:
    window = open_app.window
    assert window is not None and open_app.portfolio is not None
    window.app_actions.get(action).trigger()
    editor = window.editor
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    assert editor.title_edit.text() == title
    # The default title used to carry today's date, which the identifier check flagged.
    assert privacy_message(editor.all_text()) == ""
    open_app.portfolio.editor_controller.check_privacy()
    assert editor.privacy_bar.isHidden()
