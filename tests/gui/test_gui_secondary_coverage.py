"""The coverage view, its tree model and the activity charts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.coverage import (
    NO_EVIDENCE_TEXT,
    coverage,
    rating_history,
    summarise,
)
from portfolio_app.core.domain.entries import CompetencyLink, EntryKind
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.item_models.coverage_tree_model import (
    BarRole,
    CodeRole,
    CoverageTreeModel,
    EntryIdRole,
    IsGapRole,
)
from portfolio_app.gui.views.coverage_view import CoverageView
from portfolio_app.gui.widgets.charts import (
    ActivityChartsWidget,
    Bar,
    BarChartWidget,
    month_bars,
    nice_ticks,
)


def _link(*codes: str) -> tuple[CompetencyLink, ...]:
    return tuple(CompetencyLink("ipec-2023", code) for code in codes)


def _fill(service: PortfolioService) -> dict[str, str]:
    workshop = service.add_event(EventKind.IPL_WORKSHOP, "Workshop", on=date(2025, 1, 10))
    ids: dict[str, str] = {}
    for title, codes, day in (
        ("Ward round", ("VE1", "RR4"), datetime(2025, 1, 12, tzinfo=UTC)),
        ("Handover", ("RR4",), datetime(2025, 3, 2, tzinfo=UTC)),
        ("Other framework", (), datetime(2025, 3, 5, tzinfo=UTC)),
    ):
        entry = service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title=title,
                occurred_on=day,
                competencies=_link(*codes),
                event_ids=(workshop.id,) if title == "Ward round" else (),
            )
        )
        ids[title] = entry.id
    return ids


def _top_row(view: CoverageView, code: str) -> QModelIndex:
    """The competency row with this code, wherever it sits in the hierarchy."""
    model = view.tree.model()
    stack = [model.index(row, 0) for row in range(model.rowCount())]
    while stack:
        index = stack.pop(0)
        if index.data(EntryIdRole):
            continue
        if index.data(CodeRole) == code:
            return index
        stack.extend(model.index(row, 0, index) for row in range(model.rowCount(index)))
    raise AssertionError(f"no row for {code}")


def test_coverage_counts_match_linked_entries_and_gaps_are_in_words(
    qtbot: QtBot, service: PortfolioService
) -> None:
    ids = _fill(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    view.set_framework("ipec-2023")
    # 15 listed sub-competencies plus TT, linked as a whole; headings count via their items
    total = summarise(coverage(service.get_framework("ipec-2023"), [])).total
    assert total == 16
    assert view.summary_label.text() == "2 of 16 listed competencies evidenced"
    assert f"{total - 2} with no evidence yet" in view.detail_label.text()
    # The pack is partial, and the view says so right under the count.
    assert view.completeness_label.text() == (
        "IPEC 2023: 15 of its 33 sub-competencies are listed in this pack; import the full "
        "framework from your course to link to the rest."
    )
    assert "VE2" in view.completeness_label.toolTip()

    model = view.tree.model()
    rr4 = _top_row(view, "RR4")
    assert rr4.parent().data(CodeRole) == "RR"  # indented under its competency
    assert rr4.sibling(rr4.row(), CoverageTreeModel.COUNT).data() == "2"
    bar = rr4.sibling(rr4.row(), CoverageTreeModel.COUNT).data(BarRole)
    assert bar == 1.0  # the most evidenced item fills the bar
    assert rr4.sibling(rr4.row(), CoverageTreeModel.EVIDENCE).data() == "Evidenced"
    said = rr4.data(Qt.ItemDataRole.AccessibleTextRole)
    assert said.endswith("Evidenced by 2 entries")  # the count in words for screen readers
    children = {model.index(r, 0, rr4).data(EntryIdRole) for r in range(model.rowCount(rr4))}
    assert children == {ids["Ward round"], ids["Handover"]}
    ve1 = _top_row(view, "VE1")
    assert ve1.sibling(ve1.row(), CoverageTreeModel.COUNT).data(BarRole) == 0.5
    assert view.tree.isExpanded(_top_row(view, "VE"))  # competencies open on their items
    assert not view.tree.isExpanded(rr4)  # entries stay folded

    gap = _top_row(view, "VE4")
    evidence = gap.sibling(gap.row(), CoverageTreeModel.EVIDENCE)
    assert evidence.data() == NO_EVIDENCE_TEXT
    assert gap.data(IsGapRole) is True
    font = gap.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()
    assert gap.data(Qt.ItemDataRole.DecorationRole) is not None
    assert _top_row(view, "VE1").data(Qt.ItemDataRole.FontRole) is None


def test_coverage_refresh_follows_new_links_and_other_frameworks(
    qtbot: QtBot, service: PortfolioService
) -> None:
    _fill(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    assert view.current_framework_id() == "ipec-2023"  # the one the entries link to
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Team talk", competencies=_link("VE3")))
    view.refresh()
    assert view.summary_label.text() == "3 of 16 listed competencies evidenced"
    view.set_framework("nmc-code-2018")
    assert view.summary_label.text() == "0 of 4 listed competencies evidenced"
    assert view.completeness_label.text().startswith("NMC Code: none of its numbered standards")
    view.set_framework("cihc-2010")
    assert view.completeness_label.text() == (
        "CIHC 2010: all 6 of its competency domains are listed in this pack."
    )
    assert view.framework_combo.count() == len(service.frameworks())


@pytest.mark.qt_log_ignore("propagateSizeHints")
def test_double_clicking_an_entry_under_a_competency_emits_its_id(
    qtbot: QtBot, service: PortfolioService
) -> None:
    ids = _fill(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitExposed(view)
    view.set_framework("ipec-2023")
    ve1 = _top_row(view, "VE1")
    view.tree.expand(ve1)
    child = view.tree.model().index(0, 0, ve1)
    view.tree.scrollTo(child)
    qtbot.wait(50)  # let the tree lay out the expanded rows
    rect = view.tree.visualRect(child)
    assert rect.isValid()
    with qtbot.waitSignal(view.entry_activated, timeout=2000) as blocker:
        # WORKAROUND(Qt 6 QTest): a lone mouseDClick is not seen as a double-click; the
        # first click of the pair must come first, as from a real mouse.
        QTest.mouseClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        QTest.mouseDClick(view.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [ids["Ward round"]]
    view.tree.setFocus()
    view.tree.setCurrentIndex(child)
    with qtbot.waitSignal(view.entry_activated, timeout=2000) as blocker:
        QTest.keyClick(view.tree, Qt.Key.Key_Return)
    assert blocker.args == [ids["Ward round"]]


def test_coverage_tree_model_passes_the_model_tester(
    qtmodeltester: ModelTester, service: PortfolioService
) -> None:
    _fill(service)
    framework = service.get_framework("ipec-2023")
    entries = service.entries()
    model = CoverageTreeModel()
    model.set_coverage(
        coverage(framework, entries), {e.id: e for e in entries}, rating_history(framework, entries)
    )
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    nmc = service.get_framework("nmc-fn-2018")
    model.set_coverage(coverage(nmc, entries), {e.id: e for e in entries})
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def _rated_entries(service: PortfolioService) -> None:
    for title, rating, day in (
        ("First go", 1, datetime(2024, 10, 2, tzinfo=UTC)),
        ("Later", 3, datetime(2025, 2, 2, tzinfo=UTC)),
        ("Latest", 4, datetime(2025, 9, 20, tzinfo=UTC)),
    ):
        service.add_entry(
            EntryDraft(
                kind=EntryKind.REFLECTION,
                title=title,
                occurred_on=day,
                competencies=(CompetencyLink("ipec-2023", "RR4", rating),),
            )
        )


def test_self_rating_growth_shows_ratings_by_term_and_in_the_tree(
    qtbot: QtBot, qtmodeltester: ModelTester, service: PortfolioService
) -> None:
    _rated_entries(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    view.set_framework("ipec-2023")
    rr4 = _top_row(view, "RR4")
    assert rr4.sibling(rr4.row(), CoverageTreeModel.RATING).data() == "1 → 4 of 5"
    model = view.ratings_model
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Autumn 2024", "Spring 2025", "Summer 2025", "Autumn 2025", "Change"]
    assert model.headerData(0, Qt.Orientation.Vertical) == "RR4"
    cells = [model.index(0, c).data() for c in range(model.columnCount())]
    assert cells == ["1", "3", "", "4", "+3"]
    assert model.index(0, 2).data(Qt.ItemDataRole.AccessibleTextRole).endswith("not rated")
    assert model.index(0, 0).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert "1 of 1 rose" in view.ratings_note.text()


def test_next_steps_lists_gaps_and_asks_for_a_plan_on_one(
    qtbot: QtBot, service: PortfolioService
) -> None:
    _fill(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    view.set_framework("ipec-2023")
    model = view.suggestions_model
    codes = [model.index(r, 0).data(CodeRole) for r in range(model.rowCount())]
    assert len(codes) == 14 and "VE1" not in codes and "RR4" not in codes
    assert codes[0] == "C1"  # nothing in Communication is evidenced: suggested first
    assert not view.plan_button.isEnabled()
    view.suggestions_view.setCurrentIndex(model.index(0, 0))
    assert view.plan_button.isEnabled()
    with qtbot.waitSignal(view.plan_requested, timeout=2000) as blocker:
        view.plan_button.click()
    assert blocker.args == ["ipec-2023", "C1"]


def test_every_input_of_the_coverage_view_has_an_accessible_name(
    qtbot: QtBot, service: PortfolioService
) -> None:
    view = CoverageView(service)
    qtbot.addWidget(view)
    for widget in (view.framework_combo, view.tree, view.tabs, view.charts):
        assert widget.accessibleName()


def test_charts_show_entries_per_month_and_by_event_kind(
    qtbot: QtBot, service: PortfolioService
) -> None:
    _fill(service)
    view = CoverageView(service)
    qtbot.addWidget(view)
    months = view.charts.per_month.bars()
    assert [(b.label, b.value) for b in months] == [("Jan", 1), ("Feb", 0), ("Mar", 2)]
    assert months[0].group == "2025"
    kinds = view.charts.by_event_kind.bars()
    assert [(b.label, b.value) for b in kinds] == [("IPL workshop", 1)]
    assert "January 2025: 1 entry" in view.charts.per_month.accessibleDescription()


def test_charts_paint_without_data_and_with_many_months(qtbot: QtBot) -> None:
    charts = ActivityChartsWidget()
    qtbot.addWidget(charts)
    charts.resize(500, 500)
    assert not charts.grab().isNull()  # empty state paints its words
    many = [(date(2020 + m // 12, m % 12 + 1, 1), m % 7) for m in range(60)]
    charts.set_data(many, [(EventKind.SCHWARTZ_ROUND, 4)])
    assert not charts.grab().isNull()
    assert len(charts.per_month.bars()) == 60


def test_bar_chart_tooltips_and_ticks(qtbot: QtBot) -> None:
    chart = BarChartWidget("Test", orientation=Qt.Orientation.Horizontal)
    qtbot.addWidget(chart)
    chart.set_bars([Bar("A", 3, tooltip="A: 3 entries")])
    assert chart.accessibleDescription() == "A: 3 entries"
    assert nice_ticks(0) == [0, 1]
    assert nice_ticks(3) == [0, 1, 2, 3]
    assert nice_ticks(13) == [0, 5, 10, 15]
    assert nice_ticks(97)[-1] >= 97
    assert month_bars([(date(2025, 12, 1), 1), (date(2026, 1, 1), 2)])[1].group == "2026"
    assert isinstance(chart, QWidget)
