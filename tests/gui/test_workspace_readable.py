"""Readable where it matters: competency filters in words, catalogue titles first, verdicts in
colour plus icon plus words, warnings that keep their colour in the dark theme."""

from __future__ import annotations

from gui_helpers import make_entries
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from portfolio_app.core.framework_packs import load_builtin_frameworks
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.controllers.facets import GROUP_CODES, build_facet_groups
from portfolio_app.gui.dialogs.catalogue_dialog import CatalogueDialog
from portfolio_app.gui.item_models.event_table_model import EventTableModel
from portfolio_app.gui.theme import ThemeManager, build_palette, status_colours
from portfolio_app.gui.widgets.info_bar import InfoBar


def test_the_competency_filter_names_the_framework_and_the_statement() -> None:
    frameworks = list(load_builtin_frameworks())
    groups = build_facet_groups(make_entries(10), [], [], frameworks)
    codes = next(g for g in groups if g.key == GROUP_CODES)
    facet = next(f for f in codes.facets if f.key.upper() == "VE3")
    assert facet.label.startswith("IPEC 2023 · VE3")
    assert len(facet.label) > len("IPEC 2023 · VE3: ")  # the statement, not only the code


def test_catalogue_tables_show_the_title_first(qtbot: QtBot, service: PortfolioService) -> None:
    from portfolio_app.core.domain.catalogue import EventKind

    service.add_event(EventKind.IPL_WORKSHOP, "Falls prevention workshop with physiotherapists")
    dialog = CatalogueDialog(service)
    qtbot.addWidget(dialog)
    header = dialog.events_tab.table.horizontalHeader()
    assert header.logicalIndex(0) == EventTableModel.TITLE
    index = dialog.event_model.index(0, EventTableModel.PLACE)
    assert index.isValid()


def test_a_warning_keeps_its_warning_colour_in_the_dark_theme(
    qtbot: QtBot, qapp: QApplication
) -> None:
    manager = ThemeManager(qapp, "dark")
    manager.apply()
    try:
        bar = InfoBar("warning", kind="warning")
        qtbot.addWidget(bar)
        bar.show_message("Possible identifier: “Ward 7”.")
        background = bar.palette().color(QPalette.ColorRole.Window).name()
        assert background == status_colours("warning", build_palette(True))[0]
        assert background != build_palette(True).color(QPalette.ColorRole.ToolTipBase).name()
    finally:
        manager.apply("light")


def test_identifiers_are_marked_in_the_text_and_the_warning_does_not_move_it(
    qapp: QApplication, qtbot: QtBot, make_controller: object, service: PortfolioService
) -> None:
    controller = make_controller(service.data_dir)  # type: ignore[operator]
    window = controller.open_session(service)
    window.app_actions.get("new_reflection").trigger()
    qtbot.waitUntil(lambda: bool(window.editor.sections))
    editor = window.editor
    top_before = editor.sections_scroll.mapTo(window, editor.sections_scroll.rect().topLeft())
    edit = editor.sections[0].edit
    edit.setFocus()
    qtbot.keyClicks(edit, "I spoke with Mrs Patel about her NHS number 943 476 5919.")
    portfolio = controller.portfolio
    assert portfolio is not None
    portfolio.editor_controller.check_privacy()
    assert editor.privacy_bar.isVisible()
    assert "Mrs Patel" in editor.privacy_bar.text()
    marks = edit.extraSelections()
    marked = {edit.text()[m.cursor.selectionStart() : m.cursor.selectionEnd()] for m in marks}
    assert any("Patel" in text for text in marked)
    assert any("943 476 5919" in text for text in marked)
    top_after = editor.sections_scroll.mapTo(window, editor.sections_scroll.rect().topLeft())
    assert top_after == top_before  # the bar opens below the text, not above it
    bar_top = editor.privacy_bar.mapTo(window, editor.privacy_bar.rect().topLeft())
    assert bar_top.y() > top_before.y()
