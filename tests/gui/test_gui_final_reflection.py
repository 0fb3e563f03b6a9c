"""The final reflection dialog: saves to the vault, warns gently, keeps the text on failure."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QMessageBox
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.errors import StorageFullError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.final_reflection_dialog import FinalReflectionDialog


def test_writing_the_final_reflection_saves_it(qtbot: QtBot, service: PortfolioService) -> None:
    dialog = FinalReflectionDialog(service)
    qtbot.addWidget(dialog)
    assert dialog.editor.toPlainText() == ""
    dialog.editor.setPlainText("I learned to ask the pharmacist early.")
    assert dialog.count_label.text() == "7 words"
    assert dialog.warning_label.text() == ""
    dialog.editor.setPlainText("Mrs Patel, aged 84, taught me patience.")
    assert "may identify" in dialog.warning_label.text()
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert service.final_reflection == "Mrs Patel, aged 84, taught me patience."
    again = FinalReflectionDialog(service)
    qtbot.addWidget(again)
    assert again.editor.toPlainText() == "Mrs Patel, aged 84, taught me patience."


def test_a_failed_save_keeps_the_dialog_and_text(
    qtbot: QtBot, service: PortfolioService, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(_text: str) -> None:
        raise StorageFullError("the disk is full, so the change was not saved")

    told: list[str] = []
    monkeypatch.setattr(service, "set_final_reflection", refuse)
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: told.append(text))
    dialog = FinalReflectionDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.editor.setPlainText("Words I must not lose")
    dialog.accept()
    assert dialog.isVisible()
    assert dialog.editor.toPlainText() == "Words I must not lose"
    assert len(told) == 1
    assert told[0].startswith("the disk is full, so the change was not saved")


def test_entry_menu_opens_it(
    open_app: AppController, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[QDialog] = []

    def fake_exec(self: QDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(QDialog, "exec", fake_exec)
    window = open_app.window
    assert window is not None
    window.app_actions.get("final_reflection").trigger()
    assert [type(d).__name__ for d in opened] == ["FinalReflectionDialog"]
