"""The coverage view: how well the entries evidence a competency framework, and the gaps.

The maths lives in :mod:`portfolio_app.core.domain.coverage`; this view picks a framework and
shows, in tabs: its competencies as an indented hierarchy (framework → competency → item →
entries) with an evidence bar per row; the growth of the student's self-ratings by academic
term (a heat map with the numbers in the cells); the competencies with no evidence yet, as
suggestions for the next plan (a button starts that plan); and the activity charts. Next to
the one-line summary ("12 of 16 listed competencies evidenced") it always says whether the pack
lists the whole framework.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.coverage import (
    CompetencyCoverage,
    RatingGrid,
    coverage,
    entries_by_event_kind,
    entries_per_month,
    rating_heatmap,
    rating_history,
    suggestions,
    summarise,
    unlisted_links,
)
from portfolio_app.core.domain.entry_index import EntrySummary
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.item_models.coverage_tree_model import (
    CodeRole,
    CoverageTreeModel,
    EntryIdRole,
    EvidenceBarDelegate,
    SortRole,
)
from portfolio_app.gui.item_models.rating_grid_model import RatingGridModel
from portfolio_app.gui.widgets.charts import ActivityChartsWidget
from portfolio_app.gui.widgets.plain_text import plain_tooltip


class CoverageView(QWidget):
    """Framework picker, summary and completeness, then tabs: competencies, self-rating
    growth, next steps and activity charts.

    Signals:
        entry_activated(str): the student opened (double-click or Enter) an evidencing entry.
        plan_requested(str, str): the student asked to plan an entry for a competency that has
            no evidence yet (framework id, code).
    """

    entry_activated = Signal(str)
    plan_requested = Signal(str, str)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._frameworks: list[Framework] = []
        self._picked_once = False
        self._shown_framework: str | None = None

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
        self.completeness_label = QLabel(self)
        self.completeness_label.setWordWrap(True)
        self.completeness_label.setAccessibleName("How much of the framework this pack lists")
        self.completeness_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.detail_label = QLabel(self)
        self.detail_label.setWordWrap(True)
        self.detail_label.setAccessibleName("Coverage details")
        self.attribution_label = QLabel(self)
        self.attribution_label.setWordWrap(True)
        self.attribution_label.setAccessibleName("Framework source")
        self.attribution_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # They quote the pack (its name, notes, licence), which may be a file from anywhere.
        for label in (
            self.summary_label,
            self.completeness_label,
            self.detail_label,
            self.attribution_label,
        ):
            label.setTextFormat(Qt.TextFormat.PlainText)

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
        self.tree.setItemDelegateForColumn(CoverageTreeModel.COUNT, EvidenceBarDelegate(self.tree))
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
        header.setSectionResizeMode(CoverageTreeModel.COUNT, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(
            CoverageTreeModel.COUNT,
            EvidenceBarDelegate.BAR_MAX_WIDTH + self.fontMetrics().horizontalAdvance("0000") + 16,
        )
        header.setSectionResizeMode(
            CoverageTreeModel.EVIDENCE, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            CoverageTreeModel.RATING, QHeaderView.ResizeMode.ResizeToContents
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

        # Self-rating growth: a heat map by academic term, numbers in the cells.
        self.ratings_model = RatingGridModel(self)
        self.ratings_table = QTableView(self)
        self.ratings_table.setModel(self.ratings_model)
        self.ratings_table.setAccessibleName("Self-ratings of each competency by academic term")
        self.ratings_table.setAccessibleDescription("How you rated yourself, term by term")
        self.ratings_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ratings_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.ratings_note = QLabel(self)
        self.ratings_note.setWordWrap(True)
        ratings_page = QWidget(self)
        ratings_layout = QVBoxLayout(ratings_page)
        ratings_layout.addWidget(self.ratings_note)
        ratings_layout.addWidget(self.ratings_table, 1)

        # Next steps: gaps as suggestions for the next plan.
        self.suggestions_model = QStandardItemModel(0, 2, self)
        self.suggestions_model.setHorizontalHeaderLabels(["Competency", "Why"])
        self.suggestions_view = QTreeView(self)
        self.suggestions_view.setModel(self.suggestions_model)
        self.suggestions_view.setRootIsDecorated(False)
        self.suggestions_view.setAccessibleName("Competencies with no evidence yet")
        self.suggestions_view.setAccessibleDescription("Ideas for what to reflect on next")
        self.suggestions_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.suggestions_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.suggestions_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.suggestions_note = QLabel(self)
        self.suggestions_note.setWordWrap(True)
        self.plan_button = QPushButton("&Plan an entry for this competency", self)
        self.plan_button.setAccessibleDescription("Starts a plan linked to the selected competency")
        self.plan_button.setEnabled(False)
        self.plan_button.clicked.connect(self._on_plan_clicked)
        self.suggestions_view.doubleClicked.connect(lambda _index: self._on_plan_clicked())
        self.suggestions_view.selectionModel().currentChanged.connect(
            lambda current, _previous: self.plan_button.setEnabled(current.isValid())
        )
        next_page = QWidget(self)
        next_layout = QVBoxLayout(next_page)
        next_layout.addWidget(self.suggestions_note)
        next_layout.addWidget(self.suggestions_view, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.plan_button)
        next_layout.addLayout(buttons)

        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Coverage and activity")
        self.tabs.addTab(self.tree, "&Competencies")
        self.tabs.addTab(ratings_page, "Self-rating &growth")
        self.tabs.addTab(next_page, "&Next steps")
        self.tabs.addTab(self.charts, "&Activity charts")

        top = QHBoxLayout()
        self.feedback_only = QCheckBox("Only entries with tutor feed&back", self)
        self.feedback_only.setAccessibleName("Only entries with tutor feedback")
        self.feedback_only.setAccessibleDescription(
            "Count and list only entries your tutor has commented on"
        )
        self.feedback_only.toggled.connect(lambda _on: self._show(self._entries()))
        top.addWidget(framework_label)
        top.addWidget(self.framework_combo, 1)
        top.addWidget(self.feedback_only)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.completeness_label)
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
        entries = self._entries()
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

    def _entries(self) -> list[EntrySummary]:
        """The entries counted: all, or only those with imported tutor feedback (summaries
        from the search index: nothing is decrypted)."""
        entries = self._service.summaries()
        if not self.feedback_only.isChecked():
            return entries
        from portfolio_app.core.services.feedback_service import entries_with_feedback

        ids = entries_with_feedback(self._service)
        return [e for e in entries if e.id in ids]

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

    def _show(self, entries: list[EntrySummary]) -> None:
        framework = self._current_framework()
        expanded = self._expanded_codes()
        if framework is None:
            self.model.set_coverage([], {})
            self.ratings_model.set_grid(RatingGrid((), ()))
            self.suggestions_model.removeRows(0, self.suggestions_model.rowCount())
            self.summary_label.setText("No competency framework is available.")
            for label in (self.completeness_label, self.detail_label, self.attribution_label):
                label.clear()
            return
        rows = coverage(framework, entries)
        history = rating_history(framework, entries)
        self.model.set_coverage(rows, {entry.id: entry for entry in entries}, history)
        summary = summarise(rows)
        self.summary_label.setText(summary.describe())
        self.completeness_label.setText(framework.completeness_text())
        self.completeness_label.setToolTip(plain_tooltip(framework.completeness_details()))
        details: list[str] = []
        if summary.gap_count:
            details.append(
                f"{summary.gap_count} with no evidence yet (marked “No evidence yet” below; "
                "see Next steps)."
            )
        else:
            details.append("Every listed competency has at least one entry.")
        noun = "entry links" if summary.linked_entries == 1 else "entries link"
        details.append(f"{summary.linked_entries} {noun} to this framework.")
        if framework.completeness_details():
            details.append(framework.completeness_details())
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
        self._show_ratings(framework, entries)
        self._show_suggestions(framework, rows)
        if framework.id != self._shown_framework:
            self._shown_framework = framework.id
            self._expand_competencies()
        else:
            self._restore_expanded(expanded)

    def _show_ratings(self, framework: Framework, entries: list[EntrySummary]) -> None:
        grid = rating_heatmap(framework, entries)
        self.ratings_model.set_grid(grid)
        if grid.rows:
            rising = sum(1 for row in grid.rows if row.growth > 0)
            self.ratings_note.setText(
                f"Your latest self-rating (1 to 5) of each competency you rated, by academic "
                f"term (autumn: September to December, spring: January to April, summer: May "
                f"to August). {rising} of {len(grid.rows)} rose from your first rating; an "
                "empty cell means you did not rate it that term."
            )
        else:
            self.ratings_note.setText(
                "No self-ratings yet. When you link an entry to a competency you can rate "
                "yourself from 1 to 5; the ratings appear here term by term."
            )

    def _show_suggestions(self, framework: Framework, rows: list[CompetencyCoverage]) -> None:
        found = suggestions(framework, rows)
        model = self.suggestions_model
        model.removeRows(0, model.rowCount())
        for suggestion in found:
            name = QStandardItem(suggestion.label)
            name.setData(suggestion.code, CodeRole)
            name.setToolTip(plain_tooltip(suggestion.label))  # a pack's statement, literally
            reason = QStandardItem(suggestion.reason)
            reason.setToolTip(plain_tooltip(suggestion.reason))
            model.appendRow([name, reason])
        self.plan_button.setEnabled(False)
        if found:
            noun = "competency has" if len(found) == 1 else "competencies have"
            self.suggestions_note.setText(
                f"{len(found)} listed {noun} no evidence yet, those in the least evidenced "
                "areas first. Pick one to focus your next plan on it."
            )
        else:
            self.suggestions_note.setText(
                "Every listed competency has evidence. Look at Self-rating growth for where "
                "you rate yourself lowest."
            )

    def _on_plan_clicked(self) -> None:
        index = self.suggestions_view.currentIndex()
        framework_id = self.current_framework_id()
        if not index.isValid() or framework_id is None:
            return
        code = self.suggestions_model.index(index.row(), 0).data(CodeRole)
        if code:
            self.plan_requested.emit(framework_id, str(code))

    def _expand_competencies(self) -> None:
        """Show every competency's items; entries stay folded until asked for."""
        self._walk(lambda index: self.tree.expand(index) if _has_competency_child(index) else None)

    def _walk(self, visit: Callable[[QModelIndex], object]) -> None:
        stack = [self._proxy.index(row, 0) for row in range(self._proxy.rowCount())]
        while stack:
            index = stack.pop()
            if index.data(EntryIdRole):
                continue
            visit(index)
            stack.extend(
                self._proxy.index(row, 0, index) for row in range(self._proxy.rowCount(index))
            )

    def _expanded_codes(self) -> set[str]:
        codes: set[str] = set()
        self._walk(
            lambda index: (
                codes.add(str(index.data(CodeRole))) if self.tree.isExpanded(index) else None
            )
        )
        return codes

    def _restore_expanded(self, codes: set[str]) -> None:
        if codes:
            self._walk(
                lambda index: self.tree.expand(index) if index.data(CodeRole) in codes else None
            )

    def _on_framework_combo_changed(self, _row: int) -> None:
        self._show(self._entries())

    def _on_open_entry_triggered(self) -> None:
        self._on_tree_activated(self.tree.currentIndex())

    def _on_tree_activated(self, index: QModelIndex) -> None:
        entry_id = index.data(EntryIdRole)
        if entry_id:
            self.entry_activated.emit(str(entry_id))


def _has_competency_child(index: QModelIndex) -> bool:
    model = index.model()
    return any(
        not model.index(row, 0, index).data(EntryIdRole) for row in range(model.rowCount(index))
    )


def _busiest_framework(frameworks: list[Framework], entries: list[EntrySummary]) -> str | None:
    """The framework most linked to (the student's own), else the first one."""
    if not frameworks:
        return None
    counts: dict[str, int] = {}
    for entry in entries:
        for link in entry.competencies:
            counts[link.framework_id] = counts.get(link.framework_id, 0) + 1
    known = [f.id for f in frameworks]
    return max(known, key=lambda fid: (counts.get(fid, 0), -known.index(fid)))
