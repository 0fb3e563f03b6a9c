"""The coverage tree: framework competencies as a hierarchy, with the entries evidencing each.

Rows follow the pack: each standard (competency domain) at the top, its elements indented under
it (sub-clauses one level deeper still), and under every competency the entries linked to it.
A competency with no evidence says so in words ("No evidence yet"), in bold and with a warning
icon, so the gap never depends on colour. The "Entries" column carries the count as text and a
bar fraction (:data:`BarRole`) that :class:`EvidenceBarDelegate` draws; the "Self-rating" column
shows how the student's self-ratings moved ("2 → 4").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget
from typing_extensions import override

from portfolio_app.core.domain.coverage import (
    NO_EVIDENCE_TEXT,
    CompetencyCoverage,
    RatingPoint,
    entry_day,
)
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.entry_index import EntrySummary
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index, header_title
from portfolio_app.gui.item_models.event_table_model import format_day
from portfolio_app.gui.widgets.plain_text import plain_tooltip

#: On entry rows, the entry id (str); None on competency rows.
EntryIdRole = Qt.ItemDataRole.UserRole + 1
#: On competency rows, the competency code (str); on entry rows, the parent's code.
CodeRole = Qt.ItemDataRole.UserRole + 2
#: True on competency rows without evidence.
IsGapRole = Qt.ItemDataRole.UserRole + 3
#: Sortable value per column: pack order or count on competency rows, title or date on entries.
SortRole = Qt.ItemDataRole.UserRole + 4
#: In the Entries column of a competency row: its count as a fraction of the largest (0-1).
BarRole = Qt.ItemDataRole.UserRole + 5
#: Indent level of a competency row in the pack (0 for a standard), for tests and tools.
DepthRole = Qt.ItemDataRole.UserRole + 6

_NO_NODE = -1


@dataclass
class _Node:
    """One row: a competency (``row`` set) or an entry under one (``entry_id`` set)."""

    parent: int
    row: CompetencyCoverage | None = None
    entry_id: EntryId | None = None
    title: str = ""
    detail: str = ""
    sort_key: str = ""
    order: int = 0
    rating: int | None = None
    children: list[int] = field(default_factory=list)


def _entry_text(entry: Entry | EntrySummary | None) -> tuple[str, str, str]:
    if entry is None:  # linked, but unreadable or gone: still counted, shown plainly
        return "(entry not available)", "", ""
    day = entry_day(entry)
    return (
        entry.title,
        f"{entry.kind.label}, {format_day(day)}, {entry.status.label}",
        day.isoformat(),
    )


def rating_text(points: Sequence[RatingPoint]) -> str:
    """Self-ratings over time in words: "" when never rated, "3" once, "2 → 4" when it moved."""
    if not points:
        return ""
    first, last = points[0].rating, points[-1].rating
    if len(points) == 1 or first == last:
        return f"{last} of 5"
    return f"{first} → {last} of 5"


class CoverageTreeModel(QAbstractItemModel):
    """Standard → element → entries, four named columns."""

    COMPETENCY, COUNT, EVIDENCE, RATING = range(4)
    HEADERS = ("Competency or entry", "Entries", "Evidence", "Self-rating")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._nodes: list[_Node] = []
        self._roots: list[int] = []
        self._ratings: dict[str, list[RatingPoint]] = {}
        self._max_count = 0
        self._bold = QFont()
        self._bold.setBold(True)

    def set_coverage(
        self,
        rows: Sequence[CompetencyCoverage],
        entries: Mapping[EntryId, Entry | EntrySummary],
        ratings: Mapping[str, list[RatingPoint]] | None = None,
    ) -> None:
        """Show these coverage rows (in pack order, with ``depth``) and their entries."""
        self.beginResetModel()
        self._nodes = []
        self._roots = []
        self._ratings = dict(ratings or {})
        self._max_count = max((r.count for r in rows if not r.is_heading), default=0)
        stack: list[tuple[int, int]] = []  # (depth, node index) of the open ancestors
        for order, row in enumerate(rows):
            while stack and stack[-1][0] >= row.depth:
                stack.pop()
            parent = stack[-1][1] if stack else _NO_NODE
            index = len(self._nodes)
            self._nodes.append(_Node(parent=parent, row=row, order=order))
            (self._nodes[parent].children if parent != _NO_NODE else self._roots).append(index)
            stack.append((row.depth, index))
        # Entries go after a competency's sub-competencies, under the competency itself.
        for index in range(len(self._nodes)):
            node = self._nodes[index]
            assert node.row is not None
            ids = node.row.direct_ids if node.row.is_heading else node.row.entry_ids
            points = {p.entry_id: p.rating for p in self._ratings.get(node.row.code, [])}
            for position, entry_id in enumerate(ids):
                title, detail, sort_key = _entry_text(entries.get(entry_id))
                child = len(self._nodes)
                self._nodes.append(
                    _Node(
                        parent=index,
                        entry_id=entry_id,
                        title=title,
                        detail=detail,
                        sort_key=sort_key,
                        order=position,
                        rating=points.get(entry_id),
                    )
                )
                node.children.append(child)
        self.endResetModel()

    def coverage_rows(self) -> list[CompetencyCoverage]:
        """The competencies shown, in pack order."""
        return [node.row for node in self._nodes if node.row is not None]

    # ---- structure ---------------------------------------------------------------------------

    def _node(self, index: Index) -> _Node | None:
        if not index.isValid():
            return None
        number = index.internalId()
        return self._nodes[number] if 0 <= number < len(self._nodes) else None

    def _children_of(self, parent: Index) -> list[int]:
        if not parent.isValid():
            return self._roots
        node = self._node(parent)
        if node is None or parent.column() != 0:
            return []
        return node.children

    @override
    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        children = self._children_of(parent)
        return self.createIndex(row, column, children[row])

    @override
    def parent(self, child: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        node = self._node(child)
        if node is None or node.parent == _NO_NODE:
            return QModelIndex()
        grand = self._nodes[node.parent].parent
        siblings = self._roots if grand == _NO_NODE else self._nodes[grand].children
        return self.createIndex(siblings.index(node.parent), 0, node.parent)

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return len(self._children_of(parent))

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return len(self.HEADERS)

    @override
    def hasChildren(self, parent: Index = NO_PARENT) -> bool:
        return self.rowCount(parent) > 0

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        node = self._node(index)
        if node is None:
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if node.entry_id is not None:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        return flags

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        title = header_title(self.HEADERS, section, orientation, role)
        return title if title is not None else super().headerData(section, orientation, role)

    # ---- data ----------------------------------------------------------------------------------

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        node = self._node(index)
        if node is None:
            return None
        if node.row is not None:
            if role == SortRole and index.column() == self.COMPETENCY:
                return node.order  # pack order
            return self._competency_data(node.row, index.column(), role)
        parent = self._nodes[node.parent].row
        assert parent is not None
        return self._entry_data(node, parent, index.column(), role)

    def _competency_data(self, row: CompetencyCoverage, column: int, role: int) -> Any:
        points = self._ratings.get(row.code, [])
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COMPETENCY:
                return row.label
            if column == self.COUNT:
                return str(row.count)
            if column == self.EVIDENCE:
                return _evidence_text(row)
            if column == self.RATING:
                return rating_text(points)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            rating = rating_text(points)
            said = f", self-rating {rating}" if rating else ""
            return f"{row.label}: {_evidence_said(row)}{said}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(_tooltip(row, points))  # a pack's statement, literally
        if role == Qt.ItemDataRole.FontRole and (not row.is_evidenced or row.is_standard):
            return self._bold
        if (
            role == Qt.ItemDataRole.DecorationRole
            and column == self.COMPETENCY
            and not row.is_evidenced
        ):
            return icon("warning")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.COUNT, self.RATING):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == BarRole and column == self.COUNT:
            if row.is_heading or not self._max_count:
                return 0.0
            return row.count / self._max_count
        if role == CodeRole:
            return row.code
        if role == IsGapRole:
            return not row.is_evidenced
        if role == DepthRole:
            return row.depth
        if role == SortRole:
            if column == self.RATING:
                return points[-1].rating if points else 0
            return row.count
        return None

    def _entry_data(self, node: _Node, parent: CompetencyCoverage, column: int, role: int) -> Any:
        rating = f"{node.rating} of 5" if node.rating is not None else ""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.COMPETENCY:
                return node.title
            if column == self.EVIDENCE:
                return node.detail
            if column == self.RATING:
                return rating
            return ""
        if role == Qt.ItemDataRole.AccessibleTextRole:
            said = f", self-rating {rating}" if rating else ""
            return f"{node.title}, {node.detail}{said}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(  # the entry's title, literally
                f"{node.title}\n{node.detail}\nDouble-click or press Enter to open it."
            )
        if role == EntryIdRole:
            return str(node.entry_id)
        if role == CodeRole:
            return parent.code
        if role == IsGapRole:
            return False
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.RATING:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == SortRole:
            if column == self.COMPETENCY:
                return node.title.casefold()
            if column == self.RATING:
                return node.rating or 0
            return node.sort_key
        return None


def _evidence_text(row: CompetencyCoverage) -> str:
    """Short, because the count is in the Entries column (and in the accessible text)."""
    if not row.is_evidenced:
        return NO_EVIDENCE_TEXT
    if row.is_heading:
        return "Here and in its items"
    if row.whole_only:
        return "Evidenced, as a whole"
    return "Evidenced"


def _evidence_said(row: CompetencyCoverage) -> str:
    """The evidence in words with its count, for screen readers and tooltips."""
    if not row.is_evidenced:
        return NO_EVIDENCE_TEXT
    noun = "entry" if row.count == 1 else "entries"
    if row.is_heading:
        return f"{row.count} {noun} here and in its items"
    if row.whole_only:
        return f"Evidenced by {row.count} {noun}, linked as a whole"
    return f"Evidenced by {row.count} {noun}"


def _tooltip(row: CompetencyCoverage, points: Sequence[RatingPoint]) -> str:
    if row.is_heading:
        scope = "A competency: its own links and its listed items count here."
    elif row.whole_only:
        scope = "Linked as a whole: its sub-statements are not listed in this pack."
    elif row.is_standard:
        scope = "A competency with no sub-statements."
    else:
        scope = f"Part of {row.standard_code}."
    lines = [row.label, f"{scope} {_evidence_said(row)}."]
    if points:
        ratings = ", ".join(f"{p.rating} ({format_day(p.day)})" for p in points)
        lines.append(f"Self-ratings: {ratings}")
    return "\n".join(lines)


class EvidenceBarDelegate(QStyledItemDelegate):
    """Draws the Entries column as a bar with its number beside it (the number is the data).

    Colours come from palette roles (Highlight for the bar, the view's text colour for the
    number), so the light and dark themes both work and the count never depends on colour.
    """

    BAR_MAX_WIDTH = 120

    @override
    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        fraction = index.data(BarRole)
        if fraction is None:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        widget = option.widget
        if isinstance(widget, QWidget):
            option.text = ""
            widget.style().drawControl(
                QStyle.ControlElement.CE_ItemViewItem, option, painter, widget
            )
        cell = option.rect.adjusted(4, 0, -4, 0)
        inset = max(2, cell.height() // 4)
        rect = cell.adjusted(0, inset, 0, -inset)  # the bar: a little shorter than the row
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        number_width = option.fontMetrics.horizontalAdvance("000") + 6
        bar_room = max(0, min(self.BAR_MAX_WIDTH, cell.width() - number_width))
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        if float(fraction) > 0 and bar_room > 0:
            width = max(2, round(bar_room * float(fraction)))
            bar = rect.adjusted(0, 0, 0, 0)
            bar.setWidth(width)
            colour = palette.color(
                QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Highlight
            )
            painter.fillRect(bar, colour)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = cell.adjusted(bar_room + 6, 0, 0, 0)  # the number: the full row height
        painter.drawText(
            text_rect, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), text
        )
        painter.restore()
