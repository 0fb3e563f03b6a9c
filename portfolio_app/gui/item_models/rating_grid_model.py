"""Self-rating growth as a heat map: competencies down, academic terms across.

Each cell holds the student's latest self-rating (1-5) of that competency in that term, as a
number in the view's text colour; the background deepens with the rating (the palette's
Highlight colour mixed into the base colour), so the shading only repeats what the number
says. A last column gives the change from the first rating to the latest ("+2").
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from typing_extensions import override

from portfolio_app.core.domain.coverage import RatingGrid
from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index
from portfolio_app.gui.widgets.plain_text import plain_tooltip

#: The rating in a term cell (int) or None; the growth in the last column.
RatingRole = Qt.ItemDataRole.UserRole + 1


def _mix(base: QColor, ink: QColor, amount: float) -> QColor:
    return QColor(
        round(base.red() + (ink.red() - base.red()) * amount),
        round(base.green() + (ink.green() - base.green()) * amount),
        round(base.blue() + (ink.blue() - base.blue()) * amount),
    )


class RatingGridModel(QAbstractTableModel):
    """A :class:`RatingGrid` as a table: one row per rated competency."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._grid = RatingGrid((), ())

    def set_grid(self, grid: RatingGrid) -> None:
        """Show this grid."""
        self.beginResetModel()
        self._grid = grid
        self.endResetModel()

    def grid(self) -> RatingGrid:
        """The grid shown."""
        return self._grid

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._grid.rows)

    @override
    def columnCount(self, parent: Index = NO_PARENT) -> int:
        if parent.isValid() or not self._grid.rows:
            return 0
        return len(self._grid.terms) + 1

    @override
    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if orientation == Qt.Orientation.Vertical:
            if 0 <= section < len(self._grid.rows):
                row = self._grid.rows[section]
                # An imported pack's statement: a tooltip shows it literally.
                return plain_tooltip(row.label) if role == Qt.ItemDataRole.ToolTipRole else row.code
            return None
        if 0 <= section < len(self._grid.terms):
            return self._grid.terms[section].label
        if section == len(self._grid.terms):
            return "Change" if role == Qt.ItemDataRole.DisplayRole else "Latest minus first rating"
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._grid.rows):
            return None
        row = self._grid.rows[index.row()]
        column = index.column()
        if column == len(self._grid.terms):
            growth = f"{row.growth:+d}" if row.growth else "0"
            if role == Qt.ItemDataRole.DisplayRole:
                return growth
            if role == RatingRole:
                return row.growth
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(f"{row.label}: from {row.first} to {row.latest} ({growth})")
            if role == Qt.ItemDataRole.AccessibleTextRole:
                return f"{row.label}: from {row.first} to {row.latest} ({growth})"
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return int(Qt.AlignmentFlag.AlignCenter)
            return None
        if not 0 <= column < len(self._grid.terms):
            return None
        rating = row.cells[column]
        term = self._grid.terms[column].label
        if role == Qt.ItemDataRole.DisplayRole:
            return "" if rating is None else str(rating)
        if role == RatingRole:
            return rating
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            said = "not rated" if rating is None else f"self-rating {rating} of 5"
            text = f"{row.label}, {term}: {said}"
            return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if rating is not None and role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
        ):
            palette = QGuiApplication.palette()
            amount = 0.15 + 0.17 * (rating - 1)  # 1 → light, 5 → nearly the full colour
            if role == Qt.ItemDataRole.BackgroundRole:
                return _mix(
                    palette.color(QPalette.ColorRole.Base),
                    palette.color(QPalette.ColorRole.Highlight),
                    amount,
                )
            # The view's own text colour on every shade: white on the mid blues of the light
            # theme fell below a readable contrast (looked at in a screenshot).
            return palette.color(QPalette.ColorRole.Text)
        return None
