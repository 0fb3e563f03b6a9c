"""An entry's history: its saved versions, what each said, how it differs now, and restore.

Restoring calls :meth:`PortfolioService.restore_revision`, which saves the old version as the
current one; the text it replaces stays in the history, so a restore can itself be undone
from here. The dialog emits ``revision_restored(entry_id)`` so the editor reloads the entry.
"""

from __future__ import annotations

import difflib
import re

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.records import Revision
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.revision_table_model import (
    RevisionTableModel,
    format_saved,
)
from portfolio_app.gui.theme import status_colours

NO_DIFFERENCE_TEXT = "No differences: this version is the same as the entry now."


def entry_text(entry: Entry) -> str:
    """The entry as the student reads it: title, then the Markdown of its sections."""
    return f"# {entry.title}\n\n{entry.body_markdown}\n"


def same_text(a: Entry, b: Entry) -> bool:
    """Whether two versions read the same (title and sections; links and status aside)."""
    return a.title == b.title and [(s.heading, s.body) for s in a.sections] == [
        (s.heading, s.body) for s in b.sections
    ]


def same_content(version: Entry, current: Entry) -> bool:
    """Whether restoring ``version`` would change nothing (status and save times aside)."""
    return (
        version.replace(status=current.status, created=current.created, updated=current.updated)
        == current
    )


def revision_diff(version: Entry, current: Entry) -> str:
    """The changes from ``version`` to ``current`` as text.

    Lines starting with ``-`` are in the version only, ``+`` in the entry now only, two spaces
    in both; each group of changes starts with a line saying where it is in the entry now.
    """
    if same_text(version, current) and not same_content(version, current):
        return (
            "The text is the same as the entry now; its tags, links, kind or date differ, "
            "and restoring would bring back those of this version."
        )
    lines: list[str] = []
    for line in difflib.unified_diff(
        entry_text(version).splitlines(),
        entry_text(current).splitlines(),
        lineterm="",
        n=2,
    ):
        if line.startswith(("---", "+++")):
            continue
        hunk = _HUNK.match(line)
        if hunk:
            if lines:
                lines.append("")
            lines.append(f"… around line {hunk.group(1)} of the entry now:")
        else:
            lines.append(line if line[:1] in "+-" else f" {line}")
    return "\n".join(lines) if lines else NO_DIFFERENCE_TEXT


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")
#: Said above the highlighted changes (the marks are not colour alone).
DIFF_LEGEND = (
    "The entry now, with the changes since the selected version: <s>struck out</s> words "
    "were in that version and are gone now; <u>underlined</u> words were added since."
)


def inline_diff_html(version: Entry, current: Entry, palette: QPalette) -> str:
    """The entry now with removed words struck out and added words underlined, word by word,
    each also tinted (error and success colours of the theme)."""
    if same_text(version, current):
        return f"<p>{_escape(revision_diff(version, current))}</p>"
    old = _TOKEN.findall(entry_text(version))
    new = _TOKEN.findall(entry_text(current))
    removed_bg, removed_fg = status_colours("error", palette)
    added_bg, added_fg = status_colours("success", palette)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(_html_text("".join(new[j1:j2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(
                f'<s style="background-color:{removed_bg}; color:{removed_fg}">'
                f"{_html_text(''.join(old[i1:i2]))}</s>"
            )
        if tag in ("insert", "replace"):
            parts.append(
                f'<u style="background-color:{added_bg}; color:{added_fg}">'
                f"{_html_text(''.join(new[j1:j2]))}</u>"
            )
    return "<p>" + "".join(parts) + "</p>"


def diff_counts(version: Entry, current: Entry) -> tuple[int, int]:
    """Words removed and added between ``version`` and the entry now."""
    old = entry_text(version).split()
    new = entry_text(current).split()
    removed = added = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag in ("delete", "replace"):
            removed += i2 - i1
        if tag in ("insert", "replace"):
            added += j2 - j1
    return removed, added


def _html_text(text: str) -> str:
    return _escape(text).replace("\n", "<br>")


class RevisionHistoryDialog(QDialog):
    """Saved versions of one entry, with a read-only view, a diff and Restore."""

    revision_restored = Signal(str)

    def __init__(
        self, service: PortfolioService, entry_id: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._entry_id = service.get_entry(entry_id).id
        self.setWindowIcon(icon("history"))

        self.heading_label = QLabel(self)
        self.heading_label.setWordWrap(True)
        self.model = RevisionTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Saved versions")
        self.table.setAccessibleDescription(
            "Newest first; select one to read it and compare it with now"
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(
            RevisionTableModel.SAVED, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(
            RevisionTableModel.WORDS, QHeaderView.ResizeMode.ResizeToContents
        )
        header.setSectionResizeMode(RevisionTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        versions_label = QLabel("Saved &versions (newest first):", self)
        versions_label.setBuddy(self.table)

        self.version_view = QPlainTextEdit(self)
        self.version_view.setReadOnly(True)
        self.version_view.setAccessibleName("Text of the selected version")
        self.version_view.setAccessibleDescription("Read only; Restore makes it the current text")
        self.version_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.diff_view = QTextBrowser(self)
        self.diff_view.setOpenLinks(False)
        self.diff_view.setAccessibleName("Changes between the selected version and now")
        self.diff_view.setAccessibleDescription(
            "The entry now; removed words are struck out, added words underlined"
        )
        self.changes_label = QLabel(self)
        self.changes_label.setAccessibleName("How much changed")
        diff_page = QWidget(self)
        diff_layout = QVBoxLayout(diff_page)
        diff_layout.setContentsMargins(0, 0, 0, 0)
        legend = QLabel(DIFF_LEGEND, diff_page)
        legend.setWordWrap(True)
        diff_layout.addWidget(legend)
        diff_layout.addWidget(self.changes_label)
        diff_layout.addWidget(self.diff_view, 1)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Selected version")
        self.tabs.addTab(self.version_view, "&Text of this version")
        self.tabs.addTab(diff_page, "&Changes since then")

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(versions_label)
        left_layout.addWidget(self.table, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton(icon("restore"), "&Restore this version…", self)
        self.restore_button.setAccessibleName("Restore this version")
        self.buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading_label)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.reload()
        line = self.fontMetrics().height()
        self.resize(line * 64, line * 36)
        self.table.setFocus()

    # ---- data ----------------------------------------------------------------------------------

    def current_entry(self) -> Entry:
        """The entry as it is now."""
        return self._service.get_entry(self._entry_id)

    def reload(self) -> None:
        """Re-read the revisions and select the newest."""
        entry = self.current_entry()
        self.setWindowTitle(f"History of “{entry.title}”")
        revisions = self._service.revisions(self._entry_id)
        current_rows = {i for i, rev in enumerate(revisions) if same_content(rev.entry, entry)}
        self.model.set_revisions(revisions, current_rows)
        count = len(revisions)
        self.heading_label.setText(
            f"<b>{_escape(entry.title)}</b>: {count} saved "
            f"{'version' if count == 1 else 'versions'}. Select one to read it or compare it "
            "with the entry now."
        )
        if revisions:
            self.table.selectRow(0)
        else:
            self._show(None)

    def selected_revision(self) -> Revision | None:
        """The version selected in the list."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.revision_at(rows[0].row()) if rows else None

    def _show(self, revision: Revision | None) -> None:
        if revision is None:
            self.version_view.clear()
            self.diff_view.clear()
            self.changes_label.clear()
            self.restore_button.setEnabled(False)
            return
        current = self.current_entry()
        self.version_view.setPlainText(entry_text(revision.entry))
        self.diff_view.setHtml(inline_diff_html(revision.entry, current, self.palette()))
        removed, added = diff_counts(revision.entry, current)
        self.changes_label.setText(
            f"{removed:,} word{'s' if removed != 1 else ''} removed, "
            f"{added:,} added since this version."
        )
        is_same = same_content(revision.entry, current)
        self.restore_button.setEnabled(not is_same)
        self.restore_button.setToolTip(
            "This version is the same as the entry now." if is_same else ""
        )

    def _on_table_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self._show(self.selected_revision())

    # ---- restore -------------------------------------------------------------------------------

    def restore_selected(self) -> None:
        """Ask, then make the selected version current again."""
        revision = self.selected_revision()
        if revision is None:
            return
        if not self._confirm_restore(revision):
            return
        try:
            self._service.restore_revision(revision)
        except PortfolioError as exc:
            QMessageBox.warning(self, "Not restored", exc.user_message)
            return
        self.reload()
        self.status_label.setText(
            f"Restored the version of {format_saved(revision)}. The text it replaced is kept "
            "in this history."
        )
        self.revision_restored.emit(str(self._entry_id))

    def _confirm_restore(self, revision: Revision) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Restore this version?",
            f"Make the version of {format_saved(revision)} the current text of this entry?",
            parent=self,
        )
        box.setInformativeText(
            "The text it replaces is kept in the history, so you can come back to it. "
            "The entry keeps its status; its tags and links go back to those of that version."
        )
        restore = box.addButton("&Restore", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(restore)
        box.exec()
        return box.clickedButton() is restore


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
