"""The student's workspace: write from a template, tag, search, filter, undo, autosave, lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from gui_helpers import make_entries
from PySide6.QtCore import Qt, QUrl
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.entries import EntryKind, EntryStatus
from portfolio_app.core.markdown_html import render_markdown
from portfolio_app.core.reflective_templates import get_template
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.app_controller import AppController
from portfolio_app.gui.controllers.portfolio_controller import COMPETENCY_HINT
from portfolio_app.gui.item_models.entry_table_model import EntryIdRole

PASSPHRASE = "correct horse battery staple"


def _portfolio(app: AppController) -> object:
    assert app.portfolio is not None
    return app.portfolio


def _new_reflection(app: AppController, qtbot: QtBot) -> str:
    assert app.window is not None
    app.window.app_actions.get("new_reflection").trigger()
    editor = app.window.editor
    qtbot.waitUntil(lambda: bool(editor.entry_id))
    return editor.entry_id


def _type_in_first_section(app: AppController, qtbot: QtBot, text: str) -> None:
    assert app.window is not None
    edit = app.window.editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, text)


def test_new_reflection_uses_template_sections_and_autosaves(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    editor = open_app.window.editor  # type: ignore[union-attr]
    template = get_template("what-so-what-now-what")
    assert [s.heading for s in editor.sections] == [s.heading for s in template.sections]
    assert editor.sections[0].prompts_label.text().startswith("• ")
    assert editor.sections[0].edit.placeholderText() == template.sections[0].prompts[0]
    editor.title_edit.setText("")
    qtbot.keyClicks(editor.title_edit, "Handover on the ward round")
    _type_in_first_section(open_app, qtbot, "I watched the pharmacist lead the handover.")
    assert editor.save_state_label.text() == "Editing…"
    qtbot.waitUntil(lambda: editor.save_state_label.text().startswith("Saved"), timeout=5000)
    stored = service.get_entry(entry_id)
    assert stored.title == "Handover on the ward round"
    assert stored.sections[0].body == "I watched the pharmacist lead the handover."
    assert stored.template_id == "what-so-what-now-what"
    assert stored.kind is EntryKind.REFLECTION


def test_tags_and_competencies_are_saved_with_a_gentle_hint(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    editor = open_app.window.editor  # type: ignore[union-attr]
    editor.tags_edit.setText("handover, teamwork")
    editor.tags_edit.editingFinished.emit()
    assert service.get_entry(entry_id).tags == ("handover", "teamwork")
    model = editor.competencies.model
    keys = [c.key for c in model.choices() if c.key.startswith("ipec-2023:")][:4]
    for key in keys[:3]:
        row = [c.key for c in model.choices()].index(key)
        model.setData(model.index(row), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert len(service.get_entry(entry_id).competencies) == 3
    assert editor.competencies.hint.isHidden()
    row = [c.key for c in model.choices()].index(keys[3])
    model.setData(model.index(row), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert len(service.get_entry(entry_id).competencies) == 4  # suggested, never forced
    assert editor.competencies.hint.text() == COMPETENCY_HINT
    # Undo takes back the last competency, then the tags.
    open_app.undo_group.undo()
    assert len(service.get_entry(entry_id).competencies) == 3
    for _ in range(3):
        open_app.undo_group.undo()
    open_app.undo_group.undo()
    assert service.get_entry(entry_id).tags == ()
    assert editor.tags_edit.text() == ""
    open_app.undo_group.redo()
    assert service.get_entry(entry_id).tags == ("handover", "teamwork")


@pytest.fixture
def bulk_app(open_app: AppController, service: PortfolioService) -> AppController:
    """The open app with 30 generated entries."""
    service.add_entries_bulk(make_entries(30))
    _portfolio(open_app).populate()  # type: ignore[attr-defined]
    return open_app


def test_search_as_you_type_and_sidebar_filters(
    bulk_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = bulk_app.window
    assert window is not None
    entry_list = window.entry_list
    assert entry_list.count_label.text() == "30 entries"
    qtbot.keyClicks(entry_list.search, "pharm")
    expected = len(service.search("pharm"))
    assert 0 < expected < 30
    assert entry_list.proxy.rowCount() == expected
    assert entry_list.count_label.text() == f"{expected} of 30 entries"
    entry_list.search.clear()
    qtbot.keyClicks(entry_list.search, "#sbar status:draft")
    assert entry_list.proxy.rowCount() == len(service.search("#sbar status:draft"))
    entry_list.search.clear()
    assert entry_list.proxy.rowCount() == 30
    # Sidebar: tick the "Plan" kind.
    tree = window.sidebar.model
    kinds = tree.index(0, 0)
    plan = tree.index(0, 0, kinds)
    assert plan.data() == "Plan"
    assert tree.index(0, 1, kinds).data() == "10"
    tree.setData(plan, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert entry_list.proxy.rowCount() == 10
    for row in range(entry_list.proxy.rowCount()):
        entry = service.get_entry(entry_list.proxy.index(row, 0).data(EntryIdRole))
        assert entry.kind is EntryKind.PLAN
    window.app_actions.get("clear_filters").trigger()
    assert entry_list.proxy.rowCount() == 30


def test_sorting_by_columns_keeps_selection(bulk_app: AppController, qtbot: QtBot) -> None:
    window = bulk_app.window
    assert window is not None
    table = window.entry_list.table
    table.selectRow(3)
    selected = window.entry_list.current_entry_id()
    table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    titles = [window.entry_list.proxy.index(r, 1).data() for r in range(30)]
    assert titles == sorted(titles, key=str.casefold)
    assert window.entry_list.current_entry_id() == selected


def test_delete_then_undo_restores_entry_with_its_text(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    _type_in_first_section(open_app, qtbot, "Text that must come back")
    window = open_app.window
    assert window is not None
    window.app_actions.get("delete_entry").trigger()
    assert service.entry_count() == 0
    assert window.editor.entry_id == ""
    assert window.entry_list.proxy.rowCount() == 0
    window.app_actions.get("undo").trigger()
    restored = service.get_entry(entry_id)
    assert restored.sections[0].body == "Text that must come back"
    assert window.entry_list.proxy.rowCount() == 1
    assert window.editor.entry_id == entry_id
    window.app_actions.get("redo").trigger()
    assert service.entry_count() == 0


def test_status_change_is_undoable_and_refused_moves_explain_why(
    open_app: AppController,
    service: PortfolioService,
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    window = open_app.window
    assert window is not None
    window.app_actions.get("mark_ready").trigger()
    assert service.get_entry(entry_id).status is EntryStatus.READY
    assert window.editor.status_combo.currentData() == "ready"
    window.app_actions.get("undo").trigger()
    assert service.get_entry(entry_id).status is EntryStatus.DRAFT
    assert window.editor.status_combo.currentData() == "draft"
    shown: list[str] = []
    monkeypatch.setattr(
        "portfolio_app.gui.controllers.portfolio_controller.QMessageBox.warning",
        lambda _parent, _title, text: shown.append(text),
    )
    _portfolio(open_app).change_status(EntryStatus.FEEDBACK_RECEIVED)  # type: ignore[attr-defined]
    assert shown and "set only by importing" in shown[0]
    assert service.get_entry(entry_id).status is EntryStatus.DRAFT


def test_autosave_survives_an_abrupt_close(
    open_app: AppController, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    _type_in_first_section(open_app, qtbot, "Saved without pressing anything")
    editor = open_app.window.editor  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: editor.save_state_label.text().startswith("Saved"), timeout=5000)
    # No closeEvent, no flush: the process "dies" and only the disk remains.
    service.close()
    open_app.service = None
    open_app.portfolio = None
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).sections[0].body == "Saved without pressing anything"
    finally:
        reopened.close()


def test_quitting_saves_typed_text_before_the_debounce(
    open_app: AppController, data_dir: Path, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    _type_in_first_section(open_app, qtbot, "typed just before quitting")
    window = open_app.window
    assert window is not None
    window.close()
    assert open_app.service is None
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).sections[0].body == "typed just before quitting"
    finally:
        reopened.close()


def test_auto_lock_saves_then_clears_the_ui(
    open_app: AppController, service: PortfolioService, data_dir: Path, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    _type_in_first_section(open_app, qtbot, "typed before the lock")
    window = open_app.window
    assert window is not None
    source = window.entry_list.source_model
    editor = window.editor
    open_app.idle.set_interval_ms(50)
    qtbot.waitUntil(lambda: open_app.service is None, timeout=5000)
    assert not service.is_open
    assert source.rowCount() == 0
    assert editor.entry_id == ""
    assert open_app.window is None
    assert open_app.unlock_dialog is not None and open_app.unlock_dialog.isVisible()
    reopened = PortfolioService.open(data_dir, PASSPHRASE)
    try:
        assert reopened.get_entry(entry_id).sections[0].body == "typed before the lock"
    finally:
        reopened.close()


def test_lock_by_hand_and_unlock_again(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    _new_reflection(open_app, qtbot)
    assert open_app.window is not None
    open_app.window.app_actions.get("lock").trigger()
    assert open_app.service is None
    dialog = open_app.unlock_dialog
    assert dialog is not None
    dialog.passphrase_edit.setText(PASSPHRASE)
    qtbot.mouseClick(dialog.unlock_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: open_app.window is not None, timeout=10_000)
    assert open_app.window.entry_list.proxy.rowCount() == 1


def test_restoring_a_revision_shows_the_older_text(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    entry = service.get_entry(entry_id)
    first = entry.replace(
        sections=tuple(s.__class__(s.heading, "first version", s.key) for s in entry.sections)
    )
    service.save_entry(first)
    service.save_entry(first.replace(title="Second title"))
    portfolio = _portfolio(open_app)
    portfolio.show_entry(entry_id)  # type: ignore[attr-defined]
    revisions = service.revisions(entry_id)
    older = next(
        r for r in revisions if r.entry.title != "Second title" and r.entry.sections[0].body
    )
    service.restore_revision(older)
    portfolio.on_revision_restored(entry_id)  # type: ignore[attr-defined]
    editor = open_app.window.editor  # type: ignore[union-attr]
    assert editor.title_edit.text() == older.entry.title
    assert editor.sections[0].body() == "first version"
    row = open_app.window.entry_list.source_model.row_of(entry_id)  # type: ignore[union-attr]
    assert open_app.window.entry_list.source_model.index(row, 1).data() == older.entry.title  # type: ignore[union-attr]


def test_reflect_on_plan_shows_the_plan_beside_the_reflection(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = open_app.window
    assert window is not None
    window.app_actions.get("new_plan").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.entry_id))
    plan_id = window.editor.entry_id
    _type_in_first_section(open_app, qtbot, "I want to learn how pharmacists review medicines")
    window.app_actions.get("reflect_on_plan").trigger()
    qtbot.waitUntil(lambda: window.editor.entry_id not in ("", plan_id))
    reflection = service.get_entry(window.editor.entry_id)
    assert reflection.plan_id == plan_id
    assert reflection.kind is EntryKind.REFLECTION
    assert window.editor.plan_box.isVisible()
    assert "pharmacists review medicines" in window.editor.plan_view.toPlainText()


def test_privacy_warning_lists_findings_and_template_reminder_shows(
    open_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    entry_id = _new_reflection(open_app, qtbot)
    editor = open_app.window.editor  # type: ignore[union-attr]
    _type_in_first_section(open_app, qtbot, "Mrs Smith, aged 84, NHS number 943 476 5919.")
    qtbot.waitUntil(editor.privacy_bar.isVisible, timeout=5000)
    text = editor.privacy_bar.text()
    assert "Mrs Smith" in text and "nothing is blocked" in text
    qtbot.waitUntil(lambda: service.get_entry(entry_id).sections[0].body != "", timeout=5000)
    # Schwartz round: the template's reminder is shown as a note.
    entry = service.get_entry(entry_id)
    service.save_entry(entry.replace(template_id="schwartz-round"))
    _portfolio(open_app).show_entry(entry_id)  # type: ignore[attr-defined]
    assert editor.reminder_bar.isVisible()
    assert "confidential" in editor.reminder_bar.text()


def test_preview_is_sanitised_and_links_ask_first(open_app: AppController, qtbot: QtBot) -> None:
    html = render_markdown(
        "Hi <script>alert(1)</script> ![x](http://example.org/t.png) <img src=x onerror=y> "
        "[bad](javascript:alert(1)) [file](file:///etc/passwd) [ok](https://example.org) "
        '<span style="color:red">s</span>'
    )
    for banned in ("<script", "alert(1)</", "<img", "javascript:", "file:", "style=", "<span"):
        assert banned not in html
    assert 'href="https://example.org"' in html
    _new_reflection(open_app, qtbot)
    window = open_app.window
    assert window is not None
    _type_in_first_section(open_app, qtbot, "See [the guide](https://example.org/guide)")
    window.app_actions.get("toggle_preview").setChecked(True)
    preview = window.editor.preview
    assert preview.isVisible()
    qtbot.waitUntil(lambda: "the guide" in preview.toPlainText(), timeout=5000)
    opened: list[str] = []
    asked: list[str] = []
    preview.open_url = lambda url: opened.append(url.toString()) or True
    preview.confirm_open = lambda url: asked.append(url.toString()) or False
    preview.anchorClicked.emit(QUrl("https://example.org/guide"))
    assert asked == ["https://example.org/guide"] and opened == []
    preview.confirm_open = lambda url: True
    preview.anchorClicked.emit(QUrl("https://example.org/guide"))
    preview.anchorClicked.emit(QUrl("file:///etc/passwd"))
    assert opened == ["https://example.org/guide"]


def test_renaming_keeps_the_row_selected_when_the_sort_moves_it(
    bulk_app: AppController, service: PortfolioService, qtbot: QtBot
) -> None:
    window = bulk_app.window
    assert window is not None
    window.entry_list.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    window.entry_list.table.selectRow(0)
    entry_id = window.entry_list.current_entry_id()
    window.editor.title_edit.setText("")
    qtbot.keyClicks(window.editor.title_edit, "zzz last in the list")
    qtbot.waitUntil(
        lambda: service.get_entry(entry_id).title == "zzz last in the list", timeout=5000
    )
    assert window.entry_list.current_entry_id() == entry_id
    assert window.editor.entry_id == entry_id


def test_window_state_is_remembered_without_portfolio_text(
    open_app: AppController, qtbot: QtBot
) -> None:
    import os
    from pathlib import Path

    from portfolio_app.gui.main_window import MainWindow

    window = open_app.window
    assert window is not None
    window.resize(window.minimumSizeHint().width() + 20, 560)
    wanted = window.size()
    window.app_actions.get("toggle_preview").setChecked(True)
    window.save_state()
    state = Path(os.environ["PORTFOLIO_CONFIG_DIR"]) / "ui-state.ini"
    text = state.read_text(encoding="utf-8")
    assert "geometry" in text
    assert open_app.service is not None
    assert open_app.service.profile.name not in text
    again = MainWindow(open_app.undo_group)
    qtbot.addWidget(again)
    assert again.size() == wanted
    again.restore_view_switches()
    assert again.app_actions.get("toggle_preview").isChecked()
