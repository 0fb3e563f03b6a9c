"""The evidence files of the entry shown: a list, Attach file…, Open, Remove, and file drops.

A view with intents, no rules: it shows what the controller gives it and emits
``attach_requested`` (paths picked or dropped), ``open_requested`` and ``remove_requested``
(an attachment id). The controller (``gui.controllers.attachments_controller``) checks and
stores files, opens temporary copies and asks before removing. Dropping files anywhere on the
editor also ends here (the controller filters the editor's drops).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QModelIndex, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.records import AttachmentInfo
from portfolio_app.core.evidence.files import ALLOWED_TEXT, MAX_EVIDENCE_BYTES, describe_size
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.attachment_table_model import (
    AttachmentIdRole,
    AttachmentTableModel,
)
from portfolio_app.gui.widgets.flow_layout import FlowLayout
from portfolio_app.gui.widgets.info_bar import InfoBar
from portfolio_app.gui.widgets.plain_text import plain_label

#: What the panel says while the entry has no evidence.
EMPTY_HINT = (
    "No evidence files yet. Attach an attendance certificate, a feedback form or a photo of "
    f"a whiteboard: drop files on the entry, or use Attach file… ({ALLOWED_TEXT}; up to "
    f"{describe_size(MAX_EVIDENCE_BYTES)} each). They are encrypted with your portfolio and "
    "embedded in the signed PDF."
)


def local_files(mime: QMimeData) -> list[Path]:
    """The local files a drag carries (none for text, links or remote URLs)."""
    if not mime.hasUrls():
        return []
    return [Path(url.toLocalFile()) for url in mime.urls() if url.isLocalFile()]


class AttachmentsPanel(QWidget):
    """Evidence files of one entry."""

    attach_requested = Signal(list)  # list[Path]
    browse_requested = Signal()
    open_requested = Signal(str)
    remove_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAcceptDrops(True)
        self.setAccessibleName("Evidence files")
        self.model = AttachmentTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Evidence files of this entry")
        self.table.setAccessibleDescription(
            "Name, kind, size and date of each file; Enter opens the selected one"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(AttachmentTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        for column in (
            AttachmentTableModel.KIND,
            AttachmentTableModel.SIZE,
            AttachmentTableModel.ADDED,
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.hint = plain_label(EMPTY_HINT, self, accessible_name="About evidence files")
        self.message_bar = InfoBar("warning", closable=True, parent=self)
        self.message_bar.setAccessibleName("Evidence message")
        self.attach_button = QPushButton(icon("import"), "Atta&ch file…", self)
        self.attach_button.setToolTip(f"Add evidence to this entry ({ALLOWED_TEXT})")
        self.open_button = QPushButton(icon("preview"), "&Open", self)
        self.open_button.setToolTip(
            "Open a temporary decrypted copy in your usual app (deleted when you lock or quit)"
        )
        self.remove_button = QPushButton(icon("delete"), "&Remove", self)
        self.remove_button.setToolTip("Remove the selected file from this entry")
        # The buttons wrap onto a second line when the links panel is narrow (200 % scaling on
        # a small laptop), instead of making the panel wider than the screen.
        button_row = QWidget(self)
        buttons = FlowLayout(button_row)
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message_bar)
        layout.addWidget(self.hint)
        layout.addWidget(self.table, 1)
        layout.addWidget(button_row)
        self.attach_button.clicked.connect(self.browse_requested)
        self.open_button.clicked.connect(self._on_open_clicked)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.table.doubleClicked.connect(self._on_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.table.installEventFilter(self)
        self.set_attachments([])

    # ---- showing ---------------------------------------------------------------------------

    def set_attachments(self, attachments: list[AttachmentInfo]) -> None:
        """Show the entry's files (the selection is kept by id where it can be)."""
        keep = self.selected_id()
        self.model.set_attachments(attachments)
        self.hint.setVisible(not attachments)
        self.table.setVisible(bool(attachments))
        for row in range(self.model.rowCount()):
            if self.model.attachment_at(row).id == keep:
                self.table.selectRow(row)
                break
        else:
            if attachments:
                self.table.selectRow(len(attachments) - 1)
        self._update_buttons()

    def show_message(self, text: str) -> None:
        """A message above the list (a refusal, a privacy warning); empty hides it."""
        if not text:
            self.message_bar.hide()
            return
        self.message_bar.show_message(text)

    def selected_id(self) -> str | None:
        """The id of the selected attachment, or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        value = rows[0].data(AttachmentIdRole)
        return str(value) if value else None

    def _update_buttons(self, *_args: object) -> None:
        chosen = self.selected_id() is not None
        self.open_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    # ---- intents ---------------------------------------------------------------------------

    def _on_open_clicked(self) -> None:
        chosen = self.selected_id()
        if chosen:
            self.open_requested.emit(chosen)

    def _on_remove_clicked(self) -> None:
        chosen = self.selected_id()
        if chosen:
            self.remove_requested.emit(chosen)

    def _on_double_clicked(self, index: QModelIndex) -> None:
        value = index.data(AttachmentIdRole)
        if value:
            self.open_requested.emit(str(value))

    @override
    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtCore import QEvent
        from PySide6.QtGui import QKeyEvent

        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            if event.matches(QKeySequence.StandardKey.Delete):
                self._on_remove_clicked()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._on_open_clicked()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    # ---- drops on the panel itself -------------------------------------------------------

    @override
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if local_files(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    @override
    def dropEvent(self, event: QDropEvent) -> None:
        files = local_files(event.mimeData())
        if files:
            event.acceptProposedAction()
            self.attach_requested.emit(files)
        else:
            event.ignore()
