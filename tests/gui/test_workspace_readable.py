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
