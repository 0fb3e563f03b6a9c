"""The filter sidebar: facet groups with counts (a tree over FilterTreeModel) and a date range."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.gui.item_models.filter_tree_model import COL_COUNT, COL_LABEL, FilterTreeModel


class WrappingDelegate(QStyledItemDelegate):
    """Rows as tall as their wrapped label: QTreeView measures a row on one line, so a long
    label (a competency's framework and statement) would be cut short instead of wrapping."""

    def __init__(self, tree: QTreeView) -> None:
        super().__init__(tree)
        self._tree = tree

    @override
    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        if index.column() != COL_LABEL:
            return hint
        depth = 0
        parent = index.parent()
        while parent.isValid():
            depth += 1
            parent = parent.parent()
        style = self._tree.style()
        check = style.pixelMetric(QStyle.PixelMetric.PM_IndicatorWidth)
        margins = 4 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 1)
        if self._tree.rootIsDecorated():
            depth += 1  # the branch arrows take one indentation more
        width = self._tree.columnWidth(COL_LABEL) - depth * self._tree.indentation()
        width -= check + margins
        if width <= 0:
            return hint
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        lines = option.fontMetrics.boundingRect(
            QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text
        )
        return QSize(hint.width(), max(hint.height(), lines.height() + 4))


class FilterSidebarWidget(QWidget):
    """Renders the facets and the date range; emits ``filters_changed`` on any change."""

    filters_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = FilterTreeModel(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 0, 6)
        title = QLabel("Filters", self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setAccessibleName("Filters")
        self.tree.setAccessibleDescription(
            "Tick kinds, statuses, events, competencies or tags to show only those entries"
        )
        # Long rows (a competency's framework and statement) wrap instead of being cut short.
        self.tree.setUniformRowHeights(False)
        self.tree.setWordWrap(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.setHeaderHidden(True)
        self.tree.setAlternatingRowColors(False)
        self.tree.setAnimated(True)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(COL_LABEL, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_COUNT, QHeaderView.ResizeMode.ResizeToContents)
        header.sectionResized.connect(self._on_label_width_changed)
        self.model.modelReset.connect(self._on_model_reset)
        self.model.filters_changed.connect(self.filters_changed)
        layout.addWidget(self.tree, 1)

        self.dates = QGroupBox("Date range", self)
        self.dates.setCheckable(True)
        self.dates.setChecked(False)
        self.dates.setAccessibleName("Filter by date range")
        self.dates.setAccessibleDescription("Tick to show only entries between the two dates")
        form = QFormLayout(self.dates)
        form.setContentsMargins(6, 4, 6, 4)
        today = QDate.currentDate()
        self.date_from = QDateEdit(today.addYears(-1), self.dates)
        self.date_to = QDateEdit(today, self.dates)
        for edit, label in ((self.date_from, "From"), (self.date_to, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setAccessibleName(f"Date range {label.lower()}")
            edit.setAccessibleDescription("Pick the day in the calendar, or type it")
            edit.dateChanged.connect(self._on_dates_changed)
            form.addRow(label, edit)
        self.dates.toggled.connect(self._on_dates_changed)
        layout.addWidget(self.dates)

    def date_range(self) -> tuple[date | None, date | None]:
        """The date range when ticked, else (None, None)."""
        if not self.dates.isChecked():
            return None, None
        return self.date_from.date().toPython(), self.date_to.date().toPython()  # type: ignore[return-value]

    def clear(self) -> None:
        """Untick every facet and the date range."""
        self.dates.blockSignals(True)
        self.dates.setChecked(False)
        self.dates.blockSignals(False)
        self.model.clear_checks()

    def _on_model_reset(self) -> None:
        self.tree.expandAll()

    def _on_label_width_changed(self, column: int, _old: int, _new: int) -> None:
        if column == COL_LABEL:
            self.tree.scheduleDelayedItemsLayout()  # rows re-measure their wrapped height

    def _on_dates_changed(self, *_args: object) -> None:
        self.filters_changed.emit()
