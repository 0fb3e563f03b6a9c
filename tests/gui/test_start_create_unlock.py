"""Start-up flows: create (with the recovery key shown once), unlock, wrong passphrase, recovery."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.storage.database import DB_NAME
from portfolio_app.gui.controllers.app_controller import DB_FILE_NAME, portfolio_file_exists

PASSPHRASE = "correct horse battery staple"


def test_cheap_existence_check_uses_the_storage_file_name() -> None:
    assert DB_FILE_NAME == DB_NAME


def test_first_run_creates_portfolio_and_shows_recovery_key_once(
    make_controller: object, data_dir: Path, qtbot: QtBot
) -> None:
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.start()
    dialog = controller.create_dialog
    assert dialog is not None and dialog.isVisible()
    assert not dialog.create_button.isEnabled()
    qtbot.keyClicks(dialog.name_edit, "Zo")
    dialog.name_edit.insert("ë Ñúñez")  # QTest.keyClicks types ASCII only
    qtbot.keyClicks(dialog.student_id_edit, "STU-1")
    dialog.profession_combo.setCurrentText("Pharmacy")
    qtbot.keyClicks(dialog.passphrase_edit, "short")
    assert "too short" in dialog.strength_label.text().lower()
    dialog.passphrase_edit.clear()
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.keyClicks(dialog.repeat_edit, PASSPHRASE + "x")
    assert "differ" in dialog.strength_label.text()
    assert not dialog.create_button.isEnabled()
    dialog.repeat_edit.setText(PASSPHRASE)
    assert dialog.create_button.isEnabled()
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.recovery_dialog is not None, timeout=10_000)
    keeper = controller.recovery_dialog
    key = keeper.key_edit.text()
    assert len(key) > 20
    assert not keeper.continue_button.isEnabled()
    keeper.reject()  # Escape does not skip the key
    assert keeper.isVisible()
    keeper.copy_key()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == key
    saved = data_dir.parent / "key.txt"
    keeper.save_to(saved)
    assert key in saved.read_text(encoding="utf-8")
    keeper.kept_check.setChecked(True)
    qtbot.mouseClick(keeper.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.window is not None and controller.window.isVisible())
    assert controller.service is not None
    assert controller.service.profile.name == "Zoë Ñúñez"
    assert controller.service.profile.profession == "Pharmacy"
    assert portfolio_file_exists(data_dir)
    # The recovery key works.
    controller._end_session()
    reopened = PortfolioService.open(data_dir, recovery_key=key)
    reopened.close()


def _unlock_dialog(make_controller: object, data_dir: Path, service: PortfolioService) -> object:
    service.close()
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.start()
    assert controller.unlock_dialog is not None
    return controller


def test_unlock_opens_main_window(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    controller = _unlock_dialog(make_controller, data_dir, service)
    dialog = controller.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_edit, PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=10_000)
    assert controller.service is not None and controller.service.is_open
    assert controller.unlock_dialog is None


def test_wrong_passphrase_keeps_window_with_clear_message_and_selected_text(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    controller = _unlock_dialog(make_controller, data_dir, service)
    dialog = controller.unlock_dialog
    qtbot.keyClicks(dialog.passphrase_edit, "not the passphrase")
    qtbot.keyClick(dialog.passphrase_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(dialog.error_label.isVisible, timeout=10_000)
    assert "passphrase" in dialog.error_label.text().lower()
    assert "Traceback" not in dialog.error_label.text()
    assert dialog.isVisible()
    assert dialog.passphrase_edit.selectedText() == "not the passphrase"
    assert controller.service is None
    # and trying again works
    dialog.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.service is not None, timeout=10_000)


def test_recovery_key_unlocks_and_sets_a_new_passphrase(
    make_controller: object, data_dir: Path, profile: object, qtbot: QtBot, tmp_path: Path
) -> None:
    folder = tmp_path / "recover"
    service, key = PortfolioService.create(folder, PASSPHRASE, profile)  # type: ignore[arg-type]
    service.close()
    controller = make_controller(folder)  # type: ignore[operator]
    controller.start()
    dialog = controller.unlock_dialog
    qtbot.mouseClick(dialog.use_recovery_button, Qt.MouseButton.LeftButton)
    dialog.recovery_edit.setText(key)
    dialog.new_passphrase_edit.setText("a brand new passphrase")
    dialog.repeat_edit.setText("a brand new passphrase")
    assert dialog.unlock_button.isEnabled()
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: controller.service is not None, timeout=10_000)
    controller._end_session()
    PortfolioService.open(folder, "a brand new passphrase").close()


def test_passphrase_file_flow_opens_unlocked(
    make_controller: object, data_dir: Path, service: PortfolioService, qtbot: QtBot
) -> None:
    service.close()
    controller = make_controller(data_dir)  # type: ignore[operator]
    controller.start(PASSPHRASE)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=10_000)


def test_demo_opens_unlocked_with_banner(
    make_controller: object, tmp_path: Path, qtbot: QtBot
) -> None:
    from gui_helpers import build_small_demo

    controller = make_controller(tmp_path / "demo")  # type: ignore[operator]
    controller.banner = "This is a demo portfolio"
    controller.start_demo(build_small_demo)
    qtbot.waitUntil(lambda: controller.window is not None, timeout=10_000)
    assert controller.window.banner.isVisible()
    assert "demo" in controller.window.banner.text()
    assert controller.window.entry_list.proxy.rowCount() == 12
