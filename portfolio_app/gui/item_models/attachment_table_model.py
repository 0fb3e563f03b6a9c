"""An entry's evidence files: name, kind, size and when added (one row each)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QObject, Qt
from typing_extensions import override

from portfolio_app.core.domain.records import AttachmentInfo
from portfolio_app.core.evidence.files import describe_size, kind_label
from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel
from portfolio_app.gui.widgets.plain_text import plain_tooltip

#: The attachment's id (str).
AttachmentIdRole = Qt.ItemDataRole.UserRole + 1


_COLUMNS: tuple[Column[AttachmentInfo], ...] = (
    Column("Name", lambda a: a.filename),
    Column("Kind", lambda a: kind_label(a.media_type)),
    Column(
        "Size",
        lambda a: describe_size(a.size),
        sort_key=lambda a: f"{a.size:015d}",
        alignment=Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
    ),
    Column(
        "Added",
        lambda a: f"{a.added.astimezone():%d %b %Y %H:%M}",
        sort_key=lambda a: a.added.isoformat(),
    ),
)


class AttachmentTableModel(ColumnTableModel[AttachmentInfo]):
    """The attachments of the entry shown, oldest first."""

    NAME, KIND, SIZE, ADDED = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: AttachmentInfo, column: int, role: int) -> Any:
        if role == AttachmentIdRole:
            return row.id
        if role == Qt.ItemDataRole.ToolTipRole:
            # The name is the student's (or a file's): shown literally, never as rich text.
            return plain_tooltip(
                f"{row.filename}\n{kind_label(row.media_type)}, {describe_size(row.size)}"
            )
        return None

    def set_attachments(self, attachments: Sequence[AttachmentInfo]) -> None:
        """Show these attachments."""
        self.set_rows(attachments)

    def attachment_at(self, row: int) -> AttachmentInfo:
        """The attachment in ``row``."""
        return self.row_at(row)
