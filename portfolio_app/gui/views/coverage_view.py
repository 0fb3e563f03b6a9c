"""The coverage view: how well the entries evidence a competency framework, and the gaps.

The maths lives in :mod:`portfolio_app.core.domain.coverage`; this view picks a framework,
shows its competencies with the entries that evidence them (a tree), a one-line summary
("18 of 21 competencies evidenced") and the activity charts.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.coverage import (
    coverage,
    entries_by_event_kind,
    entries_per_month,
    summarise,
    unlisted_links,
)
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.item_models.coverage_tree_model import (
    CodeRole,
    CoverageTreeModel,
    EntryIdRole,
    SortRole,
)
from portfolio_app.gui.widgets.charts import ActivityChartsWidget


class CoverageView(QWidget):
    """Framework picker, summary, competency → entries tree, and charts in a second tab.

    Signals:
        entry_activated(str): the student opened (double-click or Enter) an evidencing entry.
    """

    entry_activated = Signal(str)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._frameworks: list[Framework] = []
        self._picked_once = False

        self.framework_combo = QComboBox(self)
        self.framework_combo.setAccessibleName("Framework")
        self.framework_combo.setAccessibleDescription("The framework whose competencies are shown")
        self.framework_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.framework_combo.setMinimumContentsLength(28)
        self.framework_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        framework_label = QLabel("&Framework:", self)
        framework_label.setBuddy(self.framework_combo)

        self.summary_label = QLabel(self)
        self.summary_label.setAccessibleName("Coverage summary")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        summary_font = self.summary_label.font()
        summary_font.setBold(True)
        summary_font.setPointSizeF(summary_font.pointSizeF() * 1.15)
        self.summary_label.setFont(summary_font)
        self.detail_label = QLabel(self)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAccessibleName("Coverage details")
        self.attribution_label = QLabel(self)
        self.attribution_label.setWordWrap(True)
        self.attribution_label.setAccessibleName("Framework source")
        self.attribution_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = CoverageTreeModel(self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self.model)
        self._proxy.setSortRole(SortRole)
        self.tree = QTreeView(self)
        self.tree.setModel(self._proxy)
        self.tree.setAccessibleName("Competencies and the entries that evidence them")
        self.tree.setAccessibleDescription("Enter or double-click on an entry opens it")
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.tree.setExpandsOnDoubleClick(True)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # pack order until a click
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(CoverageTreeModel.COMPETENCY, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(
            CoverageTreeModel.COUNT, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            CoverageTreeModel.EVIDENCE, QHeaderView.ResizeMode.ResizeToContents
        )
        # Double-click opens an entry; so does Return (an action, so the key is not taken
        # from the tree's own handling of arrows and Space, and it shows in the context menu).
        self.tree.doubleClicked.connect(self._on_tree_activated)
        self.open_entry_action = QAction("&Open entry", self.tree)
        self.open_entry_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.open_entry_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.open_entry_action.triggered.connect(self._on_open_entry_triggered)
        self.tree.addAction(self.open_entry_action)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.charts = ActivityChartsWidget(self)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Coverage and activity")
        self.tabs.addTab(self.tree, "&Competencies")
        self.tabs.addTab(self.charts, "&Activity charts")

        top = QHBoxLayout()
        top.addWidget(framework_label)
        top.addWidget(self.framework_combo, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.detail_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.attribution_label)
        self.setTabOrder(self.framework_combo, self.tabs)
        self.setTabOrder(self.tabs, self.tree)

        self.framework_combo.currentIndexChanged.connect(self._on_framework_combo_changed)
        self.refresh()

    # ---- public ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read frameworks and entries (after edits, imports or a restore)."""
        current = self.current_framework_id()
        self._frameworks = self._service.frameworks()
        entries = self._service.entries()
        if not self._picked_once:
            current = _busiest_framework(self._frameworks, entries)
            self._picked_once = True
        self.framework_combo.blockSignals(True)
        self.framework_combo.clear()
        for framework in self._frameworks:
            self.framework_combo.addItem(f"{framework.short_name}: {framework.name}", framework.id)
        row = self.framework_combo.findData(current)
        self.framework_combo.setCurrentIndex(max(row, 0))
        self.framework_combo.blockSignals(False)
        self._show(entries)
        self.charts.set_data(
            entries_per_month(entries),
            entries_by_event_kind(entries, self._service.events()),
        )

    def current_framework_id(self) -> str | None:
        """The id of the framework shown, or None before the first refresh."""
        data = self.framework_combo.currentData()
        return str(data) if data is not None else None

    def set_framework(self, framework_id: str) -> None:
        """Show another framework."""
        row = self.framework_combo.findData(framework_id)
        if row >= 0:
            self.framework_combo.setCurrentIndex(row)

    # ---- internals -----------------------------------------------------------------------------

    def _current_framework(self) -> Framework | None:
        framework_id = self.current_framework_id()
        return next((f for f in self._frameworks if f.id == framework_id), None)

    def _show(self, entries: list[Entry]) -> None:
        framework = self._current_framework()
        expanded = self._expanded_codes()
        if framework is None:
            self.model.set_coverage([], {})
            self.summary_label.setText("No competency framework is available.")
            self.detail_label.clear()
            self.attribution_label.clear()
            return
        rows = coverage(framework, entries)
        self.model.set_coverage(rows, {entry.id: entry for entry in entries})
        summary = summarise(rows)
        self.summary_label.setText(summary.describe())
        details: list[str] = []
        if summary.gap_count:
            details.append(
                f"{summary.gap_count} with no evidence yet (marked “No evidence yet” below)."
            )
        else:
            details.append("Every competency has at least one entry.")
        noun = "entry links" if summary.linked_entries == 1 else "entries link"
        details.append(f"{summary.linked_entries} {noun} to this framework.")
        unlisted = unlisted_links(framework, entries)
        if unlisted:
            codes = ", ".join(unlisted)
            details.append(
                f"Some entries link to codes this version of the framework no longer lists: "
                f"{codes}."
            )
        self.detail_label.setText(" ".join(details))
        self.attribution_label.setText(framework.attribution or framework.licence_note)
        self.attribution_label.setVisible(bool(self.attribution_label.text()))
        self._restore_expanded(expanded)

    def _expanded_codes(self) -> set[str]:
        codes: set[str] = set()
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, 0)
            if self.tree.isExpanded(index):
                codes.add(str(index.data(CodeRole)))
        return codes

    def _restore_expanded(self, codes: set[str]) -> None:
        if not codes:
            return
        for row in range(self._proxy.rowCount()):
            index = self._proxy.index(row, 0)
            if index.data(CodeRole) in codes:
                self.tree.expand(index)

    def _on_framework_combo_changed(self, _row: int) -> None:
        self._show(self._service.entries())

    def _on_open_entry_triggered(self) -> None:
        self._on_tree_activated(self.tree.currentIndex())

    def _on_tree_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(EntryIdRole)
        if entry_id:
            self.entry_activated.emit(str(entry_id))


def _busiest_framework(frameworks: list[Framework], entries: list[Entry]) -> str | None:
    """The framework most linked to (the student's own), else the first one."""
    if not frameworks:
        return None
    counts: dict[str, int] = {}
    for entry in entries:
        for link in entry.competencies:
            counts[link.framework_id] = counts.get(link.framework_id, 0) + 1
    known = [f.id for f in frameworks]
    return max(known, key=lambda fid: (counts.get(fid, 0), -known.index(fid)))
