"""The keyboard: a deliberate tab order, an entry list that Tab leaves, Enter doing one thing, and
a whole journey (create → plan → reflect → tag → export → verify) without the mouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import make_entries
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDateEdit, QDialog, QFileDialog, QWidget
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.dialogs.export_dialog import ExportDialog
from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from portfolio_app.gui.dialogs.verify_window import VerifyWindow
from portfolio_app.gui.main_window import MainWindow
from portfolio_app.gui.widgets.entry_list import KEY_OPEN_DELAY_MS

PASSPHRASE = "four random words please"
Key = Qt.Key
Mod = Qt.KeyboardModifier


def _press(key: Key, modifiers: Mod = Mod.NoModifier) -> None:
    """A key pressed wherever the keyboard focus is."""
    focused = QApplication.focusWidget()
    assert focused is not None, "nothing has the keyboard focus"
    QTest.keyClick(focused, key, modifiers)
    QApplication.processEvents()


def _alt(qtbot: QtBot, key: Key) -> None:
    """Alt+letter: a button's mnemonic clicks it with a short press animation (~100 ms)."""
    _press(key, Mod.AltModifier)
    qtbot.wait(250)


def _type(text: str) -> None:
    focused = QApplication.focusWidget()
    assert focused is not None
    QTest.keyClicks(focused, text)
    QApplication.processEvents()


def _tab_until(target: QWidget, limit: int = 12) -> list[QWidget]:
    """Press Tab until ``target`` has the focus; the widgets passed on the way."""
    passed: list[QWidget] = []
    for _ in range(limit):
        _press(Key.Key_Tab)
        focused = QApplication.focusWidget()
        assert focused is not None
        if not passed or passed[-1] is not focused:
            passed.append(focused)
        if focused is target:
            return passed
    raise AssertionError(f"Tab never reached {target!r}; passed {passed}")


def _window(app: AppController) -> MainWindow:
    assert app.window is not None
    return app.window


def _activate(qtbot: QtBot, widget: QWidget) -> None:
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget.window())


def test_tab_goes_title_model_status_answers_date_then_links(
    open_app: AppController, qtbot: QtBot
) -> None:
    window = _window(open_app)
    _activate(qtbot, window)
    _press(Key.Key_N, Mod.ControlModifier)  # new reflection: the title has the focus
    editor = window.editor
    qtbot.waitUntil(editor.title_edit.hasFocus)
    order = [editor.template_combo, editor.status_combo]
    order += [section.edit for section in editor.sections]
    order += [editor.date_check]
    passed = _tab_until(editor.date_check)
    assert passed == order
    passed = _tab_until(next(iter(editor.links_summary.buttons.values())))
    assert all(isinstance(w, QDateEdit) for w in passed[:-1])  # the date, then the links


def test_tab_passes_the_entry_list_without_opening_entries(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    service.add_entries_bulk(make_entries(6))
    portfolio = open_app.portfolio
    assert portfolio is not None
    portfolio.populate()
    window = _window(open_app)
    _activate(qtbot, window)
    shown = window.editor.entry_id
    window.entry_list.search.setFocus()
    passed = _tab_until(window.editor.title_edit, limit=4)
    assert passed == [window.entry_list.table, window.editor.title_edit]
    assert window.editor.entry_id == shown  # passing over the list opened nothing


def test_arrow_keys_open_the_row_they_stop_on_and_enter_goes_to_the_text(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    service.add_entries_bulk(make_entries(6))
    portfolio = open_app.portfolio
    assert portfolio is not None
    portfolio.populate()
    window = _window(open_app)
    _activate(qtbot, window)
    table = window.entry_list.table
    table.setFocus()
    first = window.editor.entry_id
    _press(Key.Key_Down)
    _press(Key.Key_Down)
    passed_over = window.entry_list.current_entry_id()
    assert window.editor.entry_id == first  # not yet: the keys may still be moving
    qtbot.wait(KEY_OPEN_DELAY_MS + 100)
    assert window.editor.entry_id == passed_over
    _press(Key.Key_Up)
    _press(Key.Key_Return)  # opens at once, and only that: the focus goes to the text
    assert window.editor.entry_id == window.entry_list.current_entry_id()
    assert window.editor.sections[0].edit.hasFocus()


def test_focus_mode_and_folding_the_list_from_the_keyboard(
    open_app: AppController, qtbot: QtBot
) -> None:
    window = _window(open_app)
    _activate(qtbot, window)
    _press(Key.Key_N, Mod.ControlModifier)
    qtbot.waitUntil(window.editor.title_edit.hasFocus)
    _press(Key.Key_F11)
    assert window.editor.focus_mode
    assert window.entry_list.isHidden() and window.toolbar.isHidden()
    assert window.editor.meta_row.isHidden()
    _press(Key.Key_Escape)
    assert not window.editor.focus_mode
    assert not window.entry_list.isHidden()
    _press(Key.Key_F, Mod.ControlModifier | Mod.ShiftModifier)
    assert window.editor.focus_mode
    _press(Key.Key_F, Mod.ControlModifier | Mod.ShiftModifier)
    assert not window.editor.focus_mode
    _press(Key.Key_F9)
    assert window.entry_list.isHidden() and window.sidebar.isHidden()
    _press(Key.Key_1, Mod.ControlModifier)  # Go to the list: it comes back
    assert window.entry_list.table.hasFocus()


def test_enter_in_a_catalogue_form_saves_once(qtbot: QtBot, service: PortfolioService) -> None:
    from portfolio_app.gui.dialogs.catalogue_dialog import EventEditorDialog

    dialog = EventEditorDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    _activate(qtbot, dialog)
    dialog.title_edit.setFocus()
    _type("Falls workshop")
    _press(Key.Key_Return)
    assert not dialog.isVisible()
    assert [e.title for e in service.events()] == ["Falls workshop"]


@pytest.mark.slow
def test_create_plan_reflect_tag_export_verify_with_the_keyboard_only(
    make_controller: object,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pdf = tmp_path / "exports" / "my-portfolio.pdf"
    pdf.parent.mkdir()
    # Modal dialogs are shown without their own event loop so the test keeps the keyboard;
    # everything in them is still done with keys. The file chooser is the platform's.
    monkeypatch.setattr(QDialog, "exec", lambda dialog: dialog.show())
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_args, **_kw: ([str(pdf)], "PDF files (*.pdf)")
    )
    app = make_controller(tmp_path / "portfolio")  # type: ignore[operator]
    app.start()
    create = app.create_dialog
    assert create is not None
    qtbot.waitExposed(create)
    _activate(qtbot, create)

    # -- create the portfolio
    _type("Sam Okafor")
    _tab_until(create.passphrase_edit)
    _type(PASSPHRASE)
    _press(Key.Key_Tab)
    _type(PASSPHRASE)
    _press(Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(app.recovery_dialog, RecoveryKeyDialog), timeout=20_000)
    keeper = app.recovery_dialog
    assert keeper is not None
    qtbot.waitExposed(keeper)
    _activate(qtbot, keeper)
    _alt(qtbot, Key.Key_K)  # "I have kept my recovery key"
    assert keeper.kept_check.isChecked()
    _alt(qtbot, Key.Key_O)  # Continue
    qtbot.waitUntil(lambda: app.window is not None, timeout=5_000)
    window = _window(app)
    qtbot.waitExposed(window)
    _activate(qtbot, window)
    service = app.service
    assert service is not None

    # -- plan
    _press(Key.Key_N, Mod.ControlModifier | Mod.ShiftModifier)
    qtbot.waitUntil(window.editor.title_edit.hasFocus)
    _type("Plan: SBAR simulation")
    _tab_until(window.editor.sections[0].edit)
    _type("Practise a structured handover to a pharmacist.")
    plan_id = window.editor.entry_id

    # -- reflect on it
    _press(Key.Key_R, Mod.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.entry_id not in ("", plan_id))
    reflection_id = window.editor.entry_id
    assert window.editor.title_edit.hasFocus()
    _type("SBAR simulation: what I learnt")
    _tab_until(window.editor.sections[0].edit)
    _type("The pharmacist asked for the background first.")

    # -- tag it
    _press(Key.Key_L, Mod.ControlModifier | Mod.ShiftModifier)
    qtbot.waitUntil(window.editor.tags_edit.hasFocus)
    _type("sbar, handover")
    _press(Key.Key_Return)
    reflection = service.get_entry(reflection_id)
    assert reflection.tags == ("sbar", "handover")
    assert reflection.plan_id == plan_id
    assert reflection.sections[0].body == "The pharmacist asked for the background first."
    assert service.get_entry(plan_id).sections[0].body.startswith("Practise a structured")

    # -- export
    _press(Key.Key_E, Mod.ControlModifier)
    export = next(w for w in QApplication.topLevelWidgets() if isinstance(w, ExportDialog))
    qtbot.waitExposed(export)
    _activate(qtbot, export)
    _press(Key.Key_S, Mod.AltModifier)  # "Save as:"
    assert export.path_edit.hasFocus()
    _press(Key.Key_A, Mod.ControlModifier)
    _type(str(pdf))
    _press(Key.Key_Return)  # the default button, once
    qtbot.waitUntil(lambda: export.stack.currentIndex() == ExportDialog.DONE, timeout=60_000)
    assert pdf.is_file()
    _press(Key.Key_Escape)
    assert not export.isVisible()

    # -- verify
    _activate(qtbot, window)
    _press(Key.Key_V, Mod.ControlModifier | Mod.AltModifier)
    verify = next(w for w in QApplication.topLevelWidgets() if isinstance(w, VerifyWindow))
    qtbot.waitExposed(verify)
    _activate(qtbot, verify)
    _alt(qtbot, Key.Key_P)  # Add PDFs… (the file chooser returns our file)
    qtbot.waitUntil(lambda: verify.report is not None, timeout=30_000)
    assert verify.report is not None
    assert verify.report.verdict.value == "valid-untrusted"  # intact; no CA added
    assert verify.report.signatures[0].signer_name == "Sam Okafor"
    assert verify.banner.headline_label.text()
    _press(Key.Key_W, Mod.ControlModifier)
    assert not verify.isVisible()
    assert service.get_entry(reflection_id).kind is EntryKind.REFLECTION
