"""Evidence files in the editor: the Evidence tab, file drops on the entry, open and remove.

Contract:
- The panel is a tab of the editor's link tabs ("Evidence (2)"); it shows the attachments of
  the entry the editor shows (:meth:`entry_shown`).
- Files picked with Attach file… or dropped anywhere on the entry are read and checked off the
  GUI thread (``core.evidence.files``: kind from the content, size, no links or pipes), then
  stored one by one on the GUI thread (the service is not thread-safe). A refused file is
  named with the reason; the others are attached. A name that looks identifying gets the
  privacy guard's gentle warning, as typed text does.
- Open writes a temporary decrypted copy (``core.evidence.temp_copies``) and hands it to the
  system's viewer; every copy is deleted when the portfolio locks or the app quits
  (:meth:`shutdown`). Remove asks first.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.evidence.files import ALLOWED, EvidenceFile, read_evidence_file
from portfolio_app.core.evidence.temp_copies import TempCopies, sweep_stale
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import BackgroundTask, run_in_background
from portfolio_app.gui.editor.entry_editor import EntryEditorWidget
from portfolio_app.gui.widgets.attachments_panel import AttachmentsPanel, local_files
from portfolio_app.gui.widgets.plain_text import plain_message

FILE_FILTER = (
    "Evidence files ("
    + " ".join(f"*{ext}" for _words, exts in ALLOWED.values() for ext in exts)
    + ");;All files (*)"
)


_WATCHED = "portfolioEvidenceDrops"


class _DropFilter(QObject):
    """Takes file drops from any widget of the editor (text boxes would paste the file's
    address as text otherwise) and hands them to the controller."""

    def __init__(self, controller: AttachmentsController) -> None:
        super().__init__(controller)
        self._controller = controller

    @override
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(event, QDragEnterEvent | QDragMoveEvent):
            if local_files(event.mimeData()) and self._controller.entry_id:
                event.acceptProposedAction()
                return True
            return False
        if isinstance(event, QDropEvent) and event.type() == QEvent.Type.Drop:
            files = local_files(event.mimeData())
            if files and self._controller.entry_id:
                event.acceptProposedAction()
                self._controller.attach_paths(files)
                return True
        return False


class AttachmentsController(QObject):
    """Connects the Evidence tab and the editor's drops to the portfolio."""

    def __init__(
        self,
        service: PortfolioService,
        editor: EntryEditorWidget,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._editor = editor
        self.entry_id = ""
        self.copies = TempCopies()
        self._tasks: set[BackgroundTask] = set()
        self.panel = AttachmentsPanel(editor.links_tabs)
        self._tab = editor.links_tabs.addTab(self.panel, "Evidence")
        self._drops = _DropFilter(self)
        self.panel.browse_requested.connect(self.browse)
        self.panel.attach_requested.connect(self.attach_paths)
        self.panel.open_requested.connect(self.open_attachment)
        self.panel.remove_requested.connect(self.remove_attachment)
        sweep_stale()

    # ---- the entry shown -----------------------------------------------------------------

    def entry_shown(self, entry_id: str) -> None:
        """The editor shows another entry (or none): list its files, take drops on it."""
        self.entry_id = entry_id
        self.panel.show_message("")
        self.refresh()
        self._watch_drops()

    def _watch_drops(self) -> None:
        # Section editors are rebuilt for every entry: install on whatever is there now.
        # A property marks the widgets already watched (Python ids of wrappers are reused).
        widgets = [self._editor, *self._editor.findChildren(QWidget)]
        for widget in widgets:
            if not widget.property(_WATCHED):
                widget.installEventFilter(self._drops)
                widget.setAcceptDrops(True)
                widget.setProperty(_WATCHED, True)

    def refresh(self) -> None:
        """Reload the list and the tab's count."""
        attachments = []
        if self.entry_id and self._service.is_open:
            try:
                attachments = self._service.attachments(self.entry_id)
            except PortfolioError as exc:
                self.panel.show_message(exc.user_message)
        self.panel.set_attachments(attachments)
        count = len(attachments)
        self._editor.links_tabs.setTabText(
            self._tab, f"Evidence ({count})" if count else "Evidence"
        )

    # ---- attaching -------------------------------------------------------------------------

    def browse(self) -> None:
        """Attach file…: pick one or more files."""
        if not self.entry_id:
            return
        names, _filter = QFileDialog.getOpenFileNames(
            self._editor, "Attach evidence to this entry", str(Path.home()), FILE_FILTER
        )
        if names:
            self.attach_paths([Path(n) for n in names])

    def attach_paths(self, paths: list[Path]) -> None:
        """Read and check the files off the GUI thread, then store the good ones."""
        entry_id = self.entry_id
        if not entry_id or not paths:
            return
        self.panel.show_message(f"Checking {len(paths)} file(s)…")

        def work(_progress: object, _cancelled: object) -> list[tuple[Path, object]]:
            results: list[tuple[Path, object]] = []
            for path in paths:
                try:
                    results.append((path, read_evidence_file(path)))
                except PortfolioError as exc:
                    results.append((path, exc.user_message))
            return results

        task = run_in_background(
            work,
            on_success=lambda results: self._store(entry_id, results),
            on_error=lambda exc: self.panel.show_message(f"Nothing was attached: {exc}"),
        )
        self._tasks.add(task)
        task.signals.finished.connect(lambda: self._tasks.discard(task))

    def _store(self, entry_id: str, results: list[tuple[Path, object]]) -> None:
        if not self._service.is_open:
            return
        refused: list[str] = []
        attached: list[str] = []
        for _path, outcome in results:
            if not isinstance(outcome, EvidenceFile):
                refused.append(str(outcome))
                continue
            try:
                info = self._service.add_attachment_data(entry_id, outcome.name, outcome.data)
            except PortfolioError as exc:
                refused.append(exc.user_message)
                continue
            attached.append(info.filename)
        if entry_id == self.entry_id:
            self.refresh()
        lines = []
        if attached:
            lines.append(f"Attached: {', '.join(attached)}.")
        lines.extend(f"Not attached: {reason}." for reason in refused)
        warning = _privacy_warning(attached)
        if warning:
            lines.append(warning)
        self.panel.show_message("\n".join(lines) if (refused or warning) else "")

    # ---- opening and removing --------------------------------------------------------------

    def open_attachment(self, attachment_id: str) -> None:
        """Write a temporary decrypted copy and open it in the system's viewer."""
        info = next(
            (a for a in self._service.attachments(self.entry_id) if a.id == attachment_id), None
        )
        if info is None:
            return
        try:
            data = self._service.read_attachment(attachment_id)
            path = self.copies.write(info.filename, data)
        except (PortfolioError, OSError) as exc:
            reason = exc.user_message if isinstance(exc, PortfolioError) else str(exc)
            self.panel.show_message(f"'{info.filename}' could not be opened: {reason}")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.panel.show_message(
                f"No app on this computer opens '{info.filename}'. The decrypted copy is "
                f"{path} until you lock the portfolio or quit."
            )

    def remove_attachment(self, attachment_id: str) -> None:
        """Ask, then remove one file from the entry."""
        info = next(
            (a for a in self._service.attachments(self.entry_id) if a.id == attachment_id), None
        )
        if info is None:
            return
        box = plain_message(
            self._editor,
            QMessageBox.Icon.Question,
            "Remove the evidence file?",
            f"Remove '{info.filename}' from this entry? Its encrypted copy is deleted from the "
            "portfolio; a PDF you already exported keeps it.",
            buttons=QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            default=QMessageBox.StandardButton.Cancel,
        )
        if box.exec() != QMessageBox.StandardButton.Yes:
            return
        try:
            self._service.delete_attachment(attachment_id)
        except PortfolioError as exc:
            self.panel.show_message(exc.user_message)
        self.refresh()

    def shutdown(self) -> None:
        """Lock or quit: delete every temporary copy and forget the entry."""
        for task in list(self._tasks):
            task.cancel()
        self.copies.remove_all()
        self.entry_id = ""
        self.panel.set_attachments([])
        self.panel.show_message("")


def _privacy_warning(names: list[str]) -> str:
    """The privacy guard on file names (a gentle warning; the names are printed in the PDF)."""
    if not names:
        return ""
    from portfolio_app.core.domain.privacy_guard import find_identifiers
    from portfolio_app.core.export.identifiers import readable_name

    found = [f for name in names for f in find_identifiers(readable_name(name))]
    if not found:
        return ""
    excerpts = ", ".join(f"“{f.excerpt}”" for f in found[:4])
    return (
        f"A file name may identify someone ({excerpts}). File names are printed in the PDF: "
        "rename the file, remove it and attach it again."
    )
