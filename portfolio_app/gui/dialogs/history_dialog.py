"""An entry's history: its saved versions, what each said, how it differs now, and restore.

The comparison of a version with the entry now (``core.text_compare``, bounded work) runs on a
worker thread: the Changes tab says "Comparing…" meanwhile, one comparison runs at a time, and
a result for a version no longer selected is dropped (the newest selection is compared next).

Restoring calls :meth:`PortfolioService.restore_revision`, which saves the old version as the
current one; the text it replaces stays in the history, so a restore can itself be undone
from here. The dialog emits ``revision_restored(entry_id)`` so the editor reloads the entry.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

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
from typing_extensions import override

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.records import Revision
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.text_compare import compare_texts, comparison_html
from portfolio_app.gui.background import (
    BackgroundTask,
    CancelledFn,
    ProgressFn,
    run_in_background,
)
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.revision_table_model import (
    RevisionTableModel,
    format_saved,
)
from portfolio_app.gui.theme import status_colours
from portfolio_app.gui.widgets.plain_text import plain_message

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
    if same_text(version, current):
        if same_content(version, current):
            return NO_DIFFERENCE_TEXT
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
#: Said above the highlighted changes (the marks are not colour alone).
DIFF_LEGEND = (
    "The entry now, with the changes since the selected version: <s>struck out</s> words "
    "were in that version and are gone now; <u>underlined</u> words were added since."
)
#: Shown while a comparison runs on the worker thread.
COMPARING_TEXT = "Comparing…"


@dataclass(frozen=True)
class DiffShown:
    """What the Changes tab shows for one version: the marked-up text and how much changed."""

    html: str
    summary: str


def compare_for_view(
    version_text: str,
    current_text: str,
    removed_colours: tuple[str, str],
    added_colours: tuple[str, str],
) -> DiffShown:
    """The Changes tab's content (pure; the dialog runs it on a worker thread)."""
    comparison = compare_texts(version_text, current_text)
    removed, added = comparison.removed_words, comparison.added_words
    summary = " ".join(
        (
            f"{removed:,} word{'s' if removed != 1 else ''} removed, "
            f"{added:,} added since this version.",
            *comparison.notes,
        )
    )
    return DiffShown(comparison_html(comparison, removed_colours, added_colours), summary)


def diff_colours(palette: QPalette) -> tuple[tuple[str, str], tuple[str, str]]:
    """(removed, added) as (background, text) colours of the theme (read on the GUI thread)."""
    return status_colours("error", palette), status_colours("success", palette)


def inline_diff_html(version: Entry, current: Entry, palette: QPalette) -> str:
    """The entry now with removed words struck out and added words underlined, word by word,
    each also tinted (error and success colours of the theme)."""
    if same_text(version, current):
        return f"<p>{_escape(revision_diff(version, current))}</p>"
    removed, added = diff_colours(palette)
    return compare_for_view(entry_text(version), entry_text(current), removed, added).html


def diff_counts(version: Entry, current: Entry) -> tuple[int, int]:
    """Words removed and added between ``version`` and the entry now."""
    comparison = compare_texts(entry_text(version), entry_text(current))
    return comparison.removed_words, comparison.added_words


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
        self._diff_task: BackgroundTask | None = None
        self._diff_request: tuple[int, str, str] | None = None
        self._diff_wanted = 0  # bumped for every version shown
        self._diff_shown = 0  # the number of the version the Changes tab shows

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
        # One paragraph per line (fast to lay out); without margins they read as lines.
        self.diff_view.document().setDefaultStyleSheet("p { margin-top: 0; margin-bottom: 0; }")
        self.diff_view.setAccessibleName("Changes between the selected version and now")
        self.diff_view.setAccessibleDescription(
            "The entry now; removed words are struck out, added words underlined"
        )
        self.changes_label = QLabel(self)
        self.changes_label.setWordWrap(True)
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
        self._diff_wanted += 1  # a comparison still running is for another version now
        self._diff_request = None
        if revision is None:
            self.version_view.clear()
            self.diff_view.clear()
            self.changes_label.clear()
            self.restore_button.setEnabled(False)
            self._diff_shown = self._diff_wanted
            return
        current = self.current_entry()
        self.version_view.setPlainText(entry_text(revision.entry))
        is_same = same_content(revision.entry, current)
        self.restore_button.setEnabled(not is_same)
        self.restore_button.setToolTip(
            "This version is the same as the entry now." if is_same else ""
        )
        if same_text(revision.entry, current):  # nothing to compare: said at once
            self.diff_view.setHtml(f"<p>{_escape(revision_diff(revision.entry, current))}</p>")
            self.changes_label.setText("0 words removed, 0 added since this version.")
            self._diff_shown = self._diff_wanted
            return
        self.diff_view.setPlainText(COMPARING_TEXT)
        self.changes_label.setText(COMPARING_TEXT)
        self._diff_request = (
            self._diff_wanted,
            entry_text(revision.entry),
            entry_text(current),
        )
        if self._diff_task is None:
            self._start_comparing()
        # else: _on_comparing_finished starts the newest request

    def _start_comparing(self) -> None:
        if self._diff_request is None:
            return
        wanted, version_text, current_text = self._diff_request
        self._diff_request = None
        removed, added = diff_colours(self.palette())

        def work(_progress: ProgressFn, _cancelled: CancelledFn) -> tuple[int, DiffShown]:
            return wanted, compare_for_view(version_text, current_text, removed, added)

        self._diff_task = run_in_background(
            work, on_success=self._on_compared, on_finished=self._on_comparing_finished
        )

    def _on_compared(self, result: tuple[int, DiffShown]) -> None:
        wanted, shown = result
        if wanted != self._diff_wanted:
            return  # the selection changed meanwhile: a newer comparison follows
        self.diff_view.setHtml(shown.html)
        self.changes_label.setText(shown.summary)
        self._diff_shown = wanted

    def _on_comparing_finished(self) -> None:
        self._diff_task = None
        self._start_comparing()

    @property
    def diff_pending(self) -> bool:
        """Whether the Changes tab still waits for its comparison (tests wait on this)."""
        return self._diff_task is not None or self._diff_shown != self._diff_wanted

    def _on_table_selection_changed(self, _selected: QItemSelection, _old: QItemSelection) -> None:
        self._show(self.selected_revision())

    @override
    def done(self, result: int) -> None:
        self._diff_wanted += 1  # a late comparison is dropped
        self._diff_request = None
        super().done(result)

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
            plain_message(self, QMessageBox.Icon.Warning, "Not restored", exc.user_message).exec()
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
