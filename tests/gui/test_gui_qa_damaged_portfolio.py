"""QA regressions: a damaged portfolio file says what happened and offers the way out.

Found by hand: with portfolio.db overwritten by junk, the unlock window said "restore it from a
backup", but the only restore in the app was in the main window's File menu, which cannot be
reached without unlocking.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs import backup_dialog

PASSPHRASE = "correct horse battery staple"


def _damaged(make_controller: object, data_dir: Path, service: PortfolioService) -> AppController:
    service.close()
    (data_dir / "portfolio.db").write_bytes(os.urandom(8192))
    for suffix in ("-wal", "-shm"):
        (data_dir / f"portfolio.db{suffix}").unlink(missing_ok=True)
    controller: AppController = make_controller(data_dir)  # type: ignore[operator]
    controller.start()
    assert controller.unlock_dialog is not None
    return controller


def _try_unlock(controller: AppController, qtbot: QtBot, passphrase: str) -> None:
    dialog = controller.unlock_dialog
    assert dialog is not None
    dialog.passphrase_edit.setText(passphrase)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)


def test_a_damaged_file_is_explained_and_a_restore_is_offered(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    controller = _damaged(make_controller, data_dir, service)
    _try_unlock(controller, qtbot, PASSPHRASE)
    dialog = controller.unlock_dialog
    assert dialog is not None
    text = dialog.error_label.text()
    assert "damaged" in text and "backup" in text
    assert "Traceback" not in text
    assert dialog.restore_button.isVisible()
    assert dialog.restore_button.isEnabled()


def test_a_wrong_passphrase_does_not_offer_a_restore(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    service.close()
    controller: AppController = make_controller(data_dir)  # type: ignore[operator]
    controller.start()
    _try_unlock(controller, qtbot, "not the passphrase")
    assert controller.unlock_dialog is not None
    assert controller.unlock_dialog.restore_button.isHidden()


@pytest.fixture
def damaged_app(
    make_controller: object, data_dir: Path, service: PortfolioService
) -> AppController:
    return _damaged(make_controller, data_dir, service)


@pytest.mark.parametrize("accepted", [True, False])
def test_the_restore_button_opens_the_restore_dialog_for_this_folder(
    damaged_app: AppController,
    data_dir: Path,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    accepted: bool,
) -> None:
    controller = damaged_app
    _try_unlock(controller, qtbot, PASSPHRASE)
    folders: list[Path] = []

    def fake_exec(self: backup_dialog.RestoreDialog) -> int:
        folders.append(self._data_dir)
        return int(QDialog.DialogCode.Accepted if accepted else QDialog.DialogCode.Rejected)

    monkeypatch.setattr(backup_dialog.RestoreDialog, "exec", fake_exec)
    dialog = controller.unlock_dialog
    assert dialog is not None
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert folders == [data_dir]
    assert controller.unlock_dialog is dialog and dialog.isVisible()
    if accepted:
        assert dialog.error_label.text().startswith("Restored from the backup.")
        assert dialog.restore_button.isHidden()
    else:
        assert dialog.restore_button.isVisible()
