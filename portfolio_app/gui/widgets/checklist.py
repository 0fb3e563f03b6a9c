"""A searchable checklist: a filter box over a list of check boxes, with an optional gentle hint.

Used for events, experiences, professions and competencies in the editor. The student types to
narrow a long list (the competency list across frameworks has hundreds of items); ticks emit the
model's ``check_toggled`` intent.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from portfolio_app.gui.item_models.checklist_model import ChecklistModel, SearchTextRole


class ChecklistWidget(QWidget):
    """Filter box + checkable list + hint line."""

    def __init__(self, name: str, placeholder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ChecklistModel(self)
        self._proxy = QSortFilterProxyModel(self)
        self._proxy.setSourceModel(self.model)
        self._proxy.setFilterRole(SearchTextRole)
        self._proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText(placeholder)
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setAccessibleName(f"Filter {name}")
        self.filter_edit.setAccessibleDescription("Shows only the items containing these words")
        self.filter_edit.textChanged.connect(self._proxy.setFilterFixedString)
        layout.addWidget(self.filter_edit)
        self.view = QListView(self)
        self.view.setModel(self._proxy)
        self.view.setAccessibleName(name)
        self.view.setAccessibleDescription("Space ticks or unticks the selected item")
        self.view.setUniformItemSizes(True)
        # A short screen can still show three rows; the list scrolls for the rest.
        rows = 3 * (self.fontMetrics().height() + 4) + 2 * self.view.frameWidth()
        self.view.setMinimumHeight(rows)
        layout.addWidget(self.view, 1)
        self.hint = QLabel(self)
        self.hint.setWordWrap(True)
        self.hint.hide()
        layout.addWidget(self.hint)
        self.setFocusProxy(self.filter_edit)

    def set_hint(self, text: str) -> None:
        """Show a gentle hint under the list (empty text hides it)."""
        self.hint.setText(text)
        self.hint.setVisible(bool(text))
