"""The entry list: an instant search box, a "123 of 10,000 entries" count and the sortable table.

An empty list says why in its own area: no entries yet (and how to start one), or none that
match the search and filters (and how to clear them).

Keyboard: Tab goes into the list and out of it (the arrow keys move inside); reaching the list
selects nothing, and moving with the arrow keys opens the row the student stops on (after
:data:`KEY_OPEN_DELAY_MS`), not every row passed on the way. Enter opens the row at once and
moves to the editor. The Title column comes first and is never squeezed out: when the list is
narrow, the other columns step aside (:meth:`EntryListWidget.fit_columns`).
"""

from __future__ import annotations

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.entry_filter_proxy import EntryFilterProxyModel
from portfolio_app.gui.item_models.entry_table_model import (
    COL_DATE,
    COL_KIND,
    COL_STATUS,
    COL_TITLE,
    COL_WORDS,
    EntryIdRole,
    EntryTableModel,
)

#: What the empty list says, with no entries at all and with none matching the filters.
NO_ENTRIES_TEXT = "No entries yet: your plans, reflections and notes will be listed here."
NO_MATCH_TEXT = (
    "No entry matches the search and filters.\n\nClear them with Edit ▸ Clear filters "
    "(Ctrl+Shift+X)."
)
#: How long the selection must rest on a row reached with the arrow keys before it opens.
KEY_OPEN_DELAY_MS = 300
#: The Title column keeps at least this many average characters before others are shown.
TITLE_MIN_CHARS = 28
#: Columns other than Title, in the order they give way when the list is narrow (last first).
COLUMN_PRIORITY: tuple[int, ...] = (COL_DATE, COL_STATUS, COL_WORDS, COL_KIND)


class EntryListWidget(QWidget):
    """Search box, count and table; emits what the student asks for."""

    search_text_changed = Signal(str)
    current_entry_changed = Signal(str)
    #: Enter on a row: open it and go to the editor.
    entry_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source_model = EntryTableModel(self)
        self.proxy = EntryFilterProxyModel(self.source_model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search: words, #tag, kind:plan, status:draft, code:VE3")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("find"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setAccessibleName("Search entries")
        self.search.textChanged.connect(self.search_text_changed)
        top.addWidget(self.search, 1)
        layout.addLayout(top)
        self.count_label = QLabel(self)
        self.count_label.setAccessibleName("Number of entries shown")
        layout.addWidget(self.count_label)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName("Entries")
        self.table.setAccessibleDescription(
            "Arrow keys move and open; Enter opens and goes to the editor; Tab leaves the list"
        )
        self.search.setAccessibleDescription(
            "Words, #tag, kind:plan, status:draft or code:VE3; the list follows as you type"
        )
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_DATE, Qt.SortOrder.DescendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        for column in (COL_DATE, COL_KIND, COL_STATUS, COL_WORDS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        width = self.fontMetrics().horizontalAdvance("00 Mmm 0000") + 24
        header.resizeSection(COL_DATE, width)
        header.resizeSection(COL_KIND, self.fontMetrics().horizontalAdvance("Reflection") + 24)
        header.resizeSection(
            COL_STATUS, self.fontMetrics().horizontalAdvance("Ready for review") + 16
        )
        header.resizeSection(COL_WORDS, self.fontMetrics().horizontalAdvance("00,000") + 24)
        header.moveSection(header.visualIndex(COL_TITLE), 0)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._widths = {column: header.sectionSize(column) for column in COLUMN_PRIORITY}
        header.sectionResized.connect(self._on_section_resized)
        header.setMinimumSectionSize(self.fontMetrics().horizontalAdvance("m") * 3)
        #: Columns the student chose to hide (header menu); others hide only when narrow.
        self.user_hidden_columns: set[int] = {COL_KIND}
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_menu_requested)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        layout.addWidget(self.table, 1)
        self.empty_label = QLabel(self.table.viewport())
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName("Why the list is empty")
        self.empty_label.hide()
        self.table.viewport().installEventFilter(self)
        self.table.installEventFilter(self)
        self._open_timer = QTimer(self)
        self._open_timer.setSingleShot(True)
        self._open_timer.setInterval(KEY_OPEN_DELAY_MS)
        self._open_timer.timeout.connect(self._emit_current)
        self._key_moved = False
        self.setFocusProxy(self.search)
        self.fit_columns()

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._place_empty_label()
            self.fit_columns()
        elif watched is self.table and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._open_timer.stop()
                self._emit_current()
                if self.current_entry_id():
                    self.entry_activated.emit(self.current_entry_id())
                return True
            self._key_moved = True
        elif watched is self.table and event.type() == QEvent.Type.KeyRelease:
            self._key_moved = False
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Show the columns that fit beside a readable Title column; hide the rest."""
        header = self.table.horizontalHeader()
        available = self.table.viewport().width()
        used = self.fontMetrics().averageCharWidth() * TITLE_MIN_CHARS
        for column in COLUMN_PRIORITY:
            wanted = column not in self.user_hidden_columns
            width = self._widths[column]
            fits = used + width <= available
            if wanted and fits:
                used += width
            elif wanted:
                available = 0  # strictly in order: a less useful column never jumps the queue
            if header.isSectionHidden(column) == (wanted and fits):
                header.setSectionHidden(column, not (wanted and fits))

    def _place_empty_label(self) -> None:
        margin = self.fontMetrics().height()
        area = self.table.viewport().rect().adjusted(margin, margin, -margin, -margin)
        self.empty_label.setGeometry(area.x(), area.y(), area.width(), area.height() // 2)

    def current_entry_id(self) -> str:
        """The selected entry's id, or ""."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return ""
        return str(rows[0].data(EntryIdRole))

    def select_entry(self, entry_id: str) -> bool:
        """Select and scroll to an entry; False when it is not shown."""
        source_row = self.source_model.row_of(entry_id)
        if source_row < 0:
            return False
        index = self.proxy.mapFromSource(self.source_model.index(source_row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        return True

    def update_count(self, total: int) -> None:
        """Show "123 of 10,000 entries" (or "10,000 entries")."""
        shown = self.proxy.rowCount()
        noun = "entry" if total == 1 else "entries"
        text = f"{shown:,} of {total:,} {noun}" if shown != total else f"{total:,} {noun}"
        self.count_label.setText(text)
        if shown:
            self.empty_label.hide()
        else:
            self.empty_label.setText(NO_ENTRIES_TEXT if total == 0 else NO_MATCH_TEXT)
            self._place_empty_label()
            self.empty_label.show()

    def _on_header_menu_requested(self, position: QPoint) -> None:
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        menu.setTitle("Columns")
        for column in range(self.source_model.columnCount()):
            if column == COL_TITLE:
                continue
            name = str(self.source_model.headerData(column, Qt.Orientation.Horizontal))
            action = menu.addAction(f"Show {name.lower()}")
            action.setCheckable(True)
            action.setChecked(column not in self.user_hidden_columns)
            action.toggled.connect(lambda shown, col=column: self.set_column_wanted(col, shown))
        menu.exec(header.mapToGlobal(position))

    def _on_section_resized(self, column: int, _old: int, new: int) -> None:
        if column in self._widths and new > 0:
            self._widths[column] = new

    def set_column_wanted(self, column: int, wanted: bool) -> None:
        """Show (when it fits) or hide a column, as the student chose."""
        if wanted:
            self.user_hidden_columns.discard(column)
        else:
            self.user_hidden_columns.add(column)
        self.fit_columns()

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._key_moved and self.table.hasFocus():
            self._open_timer.start()  # open where the arrow keys stop, not every row passed
        else:
            self._open_timer.stop()
            self._emit_current()

    def _emit_current(self) -> None:
        self.current_entry_changed.emit(self.current_entry_id())

    def index_of_row(self, row: int) -> QModelIndex:
        """The proxy index of a visible row (tests and keyboard navigation)."""
        return self.proxy.index(row, 0)
