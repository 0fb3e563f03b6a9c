"""Errors reach the student as clear messages (never tracebacks); entry points open the GUI."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.errors import StorageFullError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController


def test_corrupted_portfolio_file_is_explained_in_the_unlock_window(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    service.close()
    (data_dir / "portfolio.db").write_bytes(b"this is not a database at all" * 10)
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.start()
    dialog = controller.unlock_dialog
    dialog.passphrase_edit.setText("correct horse battery staple")
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    text = dialog.error_label.text()
    assert "not a portfolio database" in text
    assert "Traceback" not in text and "Error(" not in text


def test_full_disk_during_autosave_says_not_saved_and_keeps_the_text(
    open_app: AppController,
    service: PortfolioService,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_note").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))

    def full(*_args: object, **_kwargs: object) -> None:
        raise StorageFullError("the disk is full: nothing was changed; free some space")

    monkeypatch.setattr(service, "save_entry", full)
    edit = window.editor.sections[0].edit
    qtbot.keyClicks(edit, "words that must not vanish")
    qtbot.waitUntil(
        lambda: window.editor.save_state_label.text().startswith("Not saved"), timeout=5000
    )
    assert "disk is full" in window.editor.save_state_label.text()
    assert edit.toPlainText() == "words that must not vanish"
    assert open_app.portfolio is not None and open_app.portfolio.editor_controller.is_dirty
    monkeypatch.undo()
    assert open_app.portfolio.save()
    assert (
        service.get_entry(window.editor.entry_id).sections[0].body == "words that must not vanish"
    )


def test_portfolio_without_a_verb_and_gui_verb_start_the_app(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from portfolio_app.cli.main import main

    seen: list[tuple[bool, str | None]] = []

    def fake_gui(ctx: object) -> int:
        args = ctx.args  # type: ignore[attr-defined]
        seen.append((bool(args.demo), args.theme))
        return 0

    monkeypatch.setattr("portfolio_app.gui.app.main", fake_gui)
    assert main(["--data-dir", str(tmp_path)]) == 0
    assert main(["gui", "--demo", "--theme", "dark"]) == 0
    assert seen == [(False, None), (True, "dark")]
