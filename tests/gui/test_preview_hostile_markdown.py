"""The live preview renders off the GUI thread, drops stale results, and survives hostile text."""

from __future__ import annotations

import threading

from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import Section
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController


def _open_with_preview(app: AppController, qtbot: QtBot, service: PortfolioService, body: str):  # type: ignore[no-untyped-def]
    window = app.window
    assert window is not None
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    entry = service.get_entry(window.editor.entry_id)
    first = entry.sections[0]
    service.save_entry(
        entry.replace(sections=(Section(first.heading, body, first.key), *entry.sections[1:]))
    )
    window.app_actions.get("toggle_preview").setChecked(False)
    app.portfolio.show_entry(entry.id)  # type: ignore[union-attr]
    return window


def test_preview_renders_on_a_worker_thread_and_shows_hostile_text_plainly(
    open_app: AppController, service: PortfolioService, qtbot: QtBot, monkeypatch: object
) -> None:
    import portfolio_app.gui.controllers.editor_controller as module

    threads: list[bool] = []
    real = module.render_document

    def spy(title: str, sections: list[tuple[str, str]]) -> str:
        threads.append(threading.current_thread() is threading.main_thread())
        return real(title, sections)

    monkeypatch.setattr(module, "render_document", spy)  # type: ignore[attr-defined]
    hostile = "[" * 10_000 + "\n\n" + "<![CDATA[" * 3_000 + "\n\n" + "    - x\n" * 3
    window = _open_with_preview(open_app, qtbot, service, hostile)
    controller = open_app.portfolio.editor_controller  # type: ignore[union-attr]
    window.app_actions.get("toggle_preview").setChecked(True)
    assert controller.preview_pending  # asked for, not rendered on the spot
    qtbot.waitUntil(lambda: not controller.preview_pending, timeout=20_000)
    text = window.editor.preview.toPlainText()
    assert "[[[[[[[[" in text
    assert "Shown as plain text because" in text  # the CDATA flood is too costly to format
    assert threads and not any(threads)  # never on the GUI thread


def test_a_stale_rendering_never_replaces_newer_text(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = _open_with_preview(open_app, qtbot, service, "first *version*")
    controller = open_app.portfolio.editor_controller  # type: ignore[union-attr]
    window.app_actions.get("toggle_preview").setChecked(True)
    qtbot.waitUntil(lambda: "first version" in window.editor.preview.toPlainText())
    controller._on_preview_rendered(controller._preview_wanted - 1, "<p>stale</p>")
    assert "stale" not in window.editor.preview.toPlainText()
    edit = window.editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, " then more")
    qtbot.waitUntil(lambda: "then more" in window.editor.preview.toPlainText(), timeout=5000)
    qtbot.waitUntil(lambda: not controller.preview_pending, timeout=5000)
    assert "then more" in window.editor.preview.toPlainText()
