"""Which evidence files go into the export: every one by default, some left out by the student.

The core's ``ExportSelection.left_out_attachments`` (the CLI's ``--leave-out-attachment``) does
the work; this dialog only lists the files (entry, name, size) as a checklist and says which
were unticked. Names come from the student's own files, so they are shown as plain text by
the checklist's model.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from portfolio_app.core.domain.records import AttachmentInfo
from portfolio_app.core.evidence.files import describe_size
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.widgets.checklist import ChecklistWidget
from portfolio_app.gui.widgets.plain_text import plain_label


class EvidencePicker(QDialog):
    """A checklist of the portfolio's evidence files; the unticked ones are left out."""

    def __init__(
        self,
        files: Sequence[AttachmentInfo],
        titles: dict[str, str],
        left_out: frozenset[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Evidence files to embed")
        self._ids = [str(info.id) for info in files]
        intro = plain_label(
            "Ticked files go into the PDF inside your signature, under their entry. Untick a "
            "file to leave it out of this export (it stays in your portfolio).",
            self,
            accessible_name="About this list",
        )
        self.checklist = ChecklistWidget("Evidence files", "Filter files…", self)
        self.checklist.model.set_choices(
            [
                Choice(
                    key=str(info.id),
                    label=(
                        f"{info.filename} ({describe_size(info.size)}) · "
                        f"{titles.get(str(info.entry_id), 'an entry')}"
                    ),
                    search_text=f"{info.filename} {titles.get(str(info.entry_id), '')}",
                )
                for info in files
            ]
        )
        self.checklist.model.set_checked({key for key in self._ids if key not in left_out})
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.checklist, 1)
        layout.addWidget(buttons)

    def left_out(self) -> frozenset[str]:
        """The ids of the files unticked."""
        ticked = self.checklist.model.checked()
        return frozenset(key for key in self._ids if key not in ticked)
