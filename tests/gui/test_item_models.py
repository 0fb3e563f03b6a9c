"""Every item model passes qtmodeltester; sorting and single-row updates keep ids in place."""

from __future__ import annotations

from gui_helpers import make_entries
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from portfolio_app.gui.item_models.checklist_model import ChecklistModel, Choice
from portfolio_app.gui.item_models.entry_filter_proxy import EntryFilterProxyModel
from portfolio_app.gui.item_models.entry_table_model import (
    COL_TITLE,
    COL_WORDS,
    EntryIdRole,
    EntryTableModel,
)
from portfolio_app.gui.item_models.filter_tree_model import Facet, FacetGroup, FilterTreeModel


def test_entry_table_model_passes_modeltester(qtmodeltester: ModelTester) -> None:
    model = EntryTableModel()
    model.set_entries(make_entries(30))
    qtmodeltester.check(model)
    model.sort(COL_TITLE, Qt.SortOrder.AscendingOrder)
    qtmodeltester.check(model)


def test_entry_filter_proxy_passes_modeltester(qtmodeltester: ModelTester) -> None:
    model = EntryTableModel()
    entries = make_entries(20)
    model.set_entries(entries)
    proxy = EntryFilterProxyModel(model)
    proxy.set_accepted({entries[0].id, entries[3].id})
    qtmodeltester.check(proxy)
    assert proxy.rowCount() == 2
    proxy.set_accepted(None)
    assert proxy.rowCount() == 20


def test_filter_tree_model_passes_modeltester(qtmodeltester: ModelTester) -> None:
    model = FilterTreeModel()
    model.set_groups(
        [
            FacetGroup(
                "kinds", "Entry kinds", [Facet("plan", "Plan", 3), Facet("note", "Note", 1)]
            ),
            FacetGroup("tags", "Tags", [Facet("sbar", "sbar", 2)]),
            FacetGroup("codes", "Competencies", []),
        ]
    )
    qtmodeltester.check(model)
    plan = model.index(0, 0, model.index(0, 0))
    assert model.setData(plan, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert model.checked() == {"kinds": frozenset({"plan"})}
    qtmodeltester.check(model)


def test_filter_tree_model_keeps_ticks_when_counts_change() -> None:
    model = FilterTreeModel()
    model.set_groups([FacetGroup("tags", "Tags", [Facet("a", "a", 1), Facet("b", "b", 1)])])
    model.setData(
        model.index(1, 0, model.index(0, 0)), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole
    )
    reset = model.set_groups([FacetGroup("tags", "Tags", [Facet("a", "a", 5), Facet("b", "b", 2)])])
    assert reset is False
    assert model.checked() == {"tags": frozenset({"b"})}
    model.set_groups([FacetGroup("tags", "Tags", [Facet("b", "b", 2)])])
    assert model.checked() == {"tags": frozenset({"b"})}


def test_checklist_model_passes_modeltester(qtmodeltester: ModelTester) -> None:
    model = ChecklistModel()
    model.set_choices([Choice("a", "Alpha"), Choice("b", "Beta"), Choice("c", "Gamma")])
    model.set_checked({"b"})
    qtmodeltester.check(model)
    toggles: list[tuple[str, bool]] = []
    model.check_toggled.connect(lambda key, on: toggles.append((key, on)))
    model.setData(model.index(0), Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert toggles == [("a", True)]
    assert model.checked_in_order() == ["a", "b"]


def test_upsert_keeps_sorted_place_and_updates_single_rows() -> None:
    model = EntryTableModel()
    entries = make_entries(10)
    model.set_entries(entries)
    model.sort(COL_WORDS, Qt.SortOrder.DescendingOrder)
    inserted: list[int] = []
    model.rowsInserted.connect(lambda _p, first, _last: inserted.append(first))
    changed = entries[4].replace(title="Renamed")
    row = model.upsert_entry(changed)
    assert model.index(row, 0).data(EntryIdRole) == entries[4].id
    assert model.index(row, COL_TITLE).data() == "Renamed"
    assert inserted == []  # same sort key: updated in place
    assert model.remove_entry(entries[4].id)
    assert model.rowCount() == 9
    assert model.row_of(entries[4].id) == -1
