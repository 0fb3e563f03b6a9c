"""Changing the passphrase off the GUI thread, and replacing the recovery key."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.errors import WrongPassphraseError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import wait_for_all
from portfolio_app.gui.dialogs.passphrase_dialog import (
    ChangePassphraseDialog,
    RecoveryKeyStatusDialog,
)
from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog

pytestmark = pytest.mark.qt_log_ignore("propagateSizeHints")

OLD = "correct horse battery staple"
NEW = "violet kettle morning harbour 42"


def _on_next_modal(handle: Callable[[QWidget], None], skip: QWidget | None = None) -> None:
    def run() -> None:
        widget = QApplication.activeModalWidget()
        if widget is None or widget is skip:
            QTimer.singleShot(10, run)
            return
        handle(widget)

    QTimer.singleShot(0, run)


def test_change_button_waits_for_a_long_enough_matching_passphrase(
    qtbot: QtBot, service: PortfolioService
) -> None:
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    assert not dialog.change_button.isEnabled()
    dialog.current_edit.setText(OLD)
    dialog.new_edit.setText("short")
    dialog.repeat_edit.setText("short")
    assert not dialog.change_button.isEnabled()
    assert dialog.strength_bar.format() == "Too short"
    dialog.new_edit.setText("password123")
    dialog.repeat_edit.setText("password123")
    assert not dialog.change_button.isEnabled()  # long enough, but guessed at once
    assert "Too easy to guess" in dialog.hint_label.text()
    dialog.new_edit.setText(NEW)
    dialog.repeat_edit.setText(NEW + "x")
    assert not dialog.change_button.isEnabled()
    assert "differ" in dialog.match_label.text()
    dialog.repeat_edit.setText(NEW)
    assert dialog.change_button.isEnabled()
    assert "match" in dialog.match_label.text()
    assert dialog.strength_bar.value() >= 3
    assert dialog.new_edit.echoMode() == dialog.new_edit.EchoMode.Password
    dialog.show_check.setChecked(True)
    assert dialog.new_edit.echoMode() == dialog.new_edit.EchoMode.Normal


def test_passphrase_change_then_reopen_with_the_new_one(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current_edit.setText(OLD)
    dialog.new_edit.setText(NEW)
    dialog.repeat_edit.setText(NEW)
    with qtbot.waitSignal(dialog.passphrase_changed, timeout=10_000):
        dialog.change_button.click()
        assert dialog.is_busy
        assert not dialog.new_edit.isEnabled()
        dialog.reject()  # ignored while the work runs
        assert dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.new_edit.text() == ""
    service.close()
    with pytest.raises(WrongPassphraseError):
        PortfolioService.open(data_dir, OLD)
    reopened = PortfolioService.open(data_dir, NEW)
    assert reopened.profile.name == "Zoë Ñúñez"
    reopened.close()


def test_a_failed_change_is_reported_and_the_dialog_stays(
    qtbot: QtBot, service: PortfolioService, monkeypatch: pytest.MonkeyPatch
) -> None:
    from portfolio_app.core.domain.errors import StorageFullError

    def refuse(_new: str, **_kw: object) -> None:
        raise StorageFullError("the disk is full; nothing was changed")

    monkeypatch.setattr(service, "change_passphrase", refuse)
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current_edit.setText(OLD)
    dialog.new_edit.setText(NEW)
    dialog.repeat_edit.setText(NEW)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=5000)
    assert wait_for_all(5000)
    assert "the disk is full" in dialog.status_label.text()
    assert dialog.isVisible()
    assert dialog.change_button.isEnabled()


def test_a_wrong_current_passphrase_changes_nothing(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.current_edit.setText("not the current one")
    dialog.new_edit.setText(NEW)
    dialog.repeat_edit.setText(NEW)
    dialog.change_button.click()
    qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    assert wait_for_all(5000)
    assert "current passphrase is not right" in dialog.status_label.text()
    assert dialog.isVisible()
    service.close()
    PortfolioService.open(data_dir, OLD).close()


def test_new_recovery_key_is_shown_once_and_opens_the_portfolio(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    dialog = RecoveryKeyStatusDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    shown: list[str] = []

    def keep_key(widget: QWidget) -> None:
        assert isinstance(widget, RecoveryKeyDialog)
        shown.append(widget.key_edit.text())
        widget.kept_check.setChecked(True)
        widget.accept()

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        make = next(b for b in box.buttons() if b.text() == "&Make a new key")
        _on_next_modal(keep_key, skip=box)
        make.click()

    _on_next_modal(confirm)
    with qtbot.waitSignal(dialog.recovery_key_replaced, timeout=5000):
        dialog.new_key_button.click()
    assert shown and shown[0]
    assert "old one no longer opens" in dialog.status_label.text()
    service.close()
    reopened = PortfolioService.open(data_dir, recovery_key=shown[0])
    reopened.close()


def test_cancelling_the_new_recovery_key_changes_nothing(
    qtbot: QtBot, service: PortfolioService, monkeypatch: pytest.MonkeyPatch
) -> None:
    called: list[bool] = []

    def make_key() -> str:
        called.append(True)
        return "not used"

    def cancel(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        box.reject()

    monkeypatch.setattr(service, "new_recovery_key", make_key)
    dialog = RecoveryKeyStatusDialog(service)
    qtbot.addWidget(dialog)
    _on_next_modal(cancel)
    dialog.new_key_button.click()
    assert called == []


def test_rotation_is_offered_when_the_old_passphrase_may_be_known(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    entry_ids = {e.id for e in service.entries()}
    dialog = ChangePassphraseDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.rotate_check.isChecked()
    dialog.known_check.setChecked(True)
    assert dialog.rotate_check.isChecked()  # default on when the old one may be known
    dialog.current_edit.setText(OLD)
    dialog.new_edit.setText(NEW)
    dialog.repeat_edit.setText(NEW)
    shown: list[str] = []

    def keep_key(widget: QWidget) -> None:
        assert isinstance(widget, RecoveryKeyDialog)
        shown.append(widget.key_edit.text())
        widget.kept_check.setChecked(True)
        widget.accept()

    _on_next_modal(keep_key, skip=dialog)
    with qtbot.waitSignal(dialog.passphrase_changed, timeout=20_000):
        dialog.change_button.click()
    assert len(shown) == 1
    service.close()
    with PortfolioService.open(data_dir, NEW) as reopened:
        assert {e.id for e in reopened.entries()} == entry_ids
        assert reopened.full_check().ok
    with PortfolioService.open(data_dir, recovery_key=shown[0]):
        pass


def test_renewing_the_recovery_key_can_also_re_encrypt_everything(
    qtbot: QtBot, service: PortfolioService, data_dir: Path
) -> None:
    dialog = RecoveryKeyStatusDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.rotate_check.setChecked(True)
    assert dialog.passphrase_edit.isVisible()
    dialog.passphrase_edit.setText(OLD)
    shown: list[str] = []

    def keep_key(widget: QWidget) -> None:
        assert isinstance(widget, RecoveryKeyDialog)
        shown.append(widget.key_edit.text())
        widget.kept_check.setChecked(True)
        widget.accept()

    def confirm(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        make = next(b for b in box.buttons() if b.text() == "&Make a new key")
        _on_next_modal(keep_key, skip=box)
        make.click()

    _on_next_modal(confirm)
    with qtbot.waitSignal(dialog.recovery_key_replaced, timeout=20_000):
        dialog.new_key_button.click()
    assert len(shown) == 1
    service.close()
    with PortfolioService.open(data_dir, recovery_key=shown[0]) as reopened:
        assert reopened.full_check().ok
    PortfolioService.open(data_dir, OLD).close()  # the passphrase stays the same
