"""File ▸ Import archive…: an open archive (``portfolio archive``'s zip) back into the portfolio.

The student picks the zip and confirms; the archive is read, checked and written off the GUI
thread (``archive_import``: one transaction, so a damaged or hostile file changes nothing)
while a modal progress dialog shows what is happening. Nothing else uses the portfolio
meanwhile: the dialog is modal and the caller has saved typed text and paused auto-lock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import BackgroundTask, run_in_background

CONFIRM = (
    "Import the entries, events, experiences, attached files and framework packs of "
    "“{name}”?\n\n"
    "Into a portfolio with no entries yet, its profile and final reflection come too; "
    "otherwise yours are kept and the archive's records are added beside your own. "
    "Everything is checked first and written in one step: a damaged archive changes nothing. "
    "Earlier versions of entries are not in an archive, so each starts with one."
)


class ArchiveImport:
    """One import: the file dialog, the confirmation, the progress dialog and the result."""

    def __init__(
        self,
        service: PortfolioService,
        parent: QWidget,
        on_done: Callable[[dict[str, int] | None], None],
    ) -> None:
        self._service = service
        self._parent = parent
        self._on_done = on_done
        self._progress: QProgressDialog | None = None
        self._task: BackgroundTask | None = None

    def start(self, path: Path | None = None) -> bool:
        """Ask for the file (unless given) and confirmation, then import in the background.
        False when the student cancelled before anything started."""
        if path is None:
            chosen, _filter = QFileDialog.getOpenFileName(
                self._parent, "Import an archive", "", "Portfolio archives (*.zip)"
            )
            if not chosen:
                return False
            path = Path(chosen)
        answer = QMessageBox.question(
            self._parent,
            "Import an archive",
            CONFIRM.format(name=path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        progress = QProgressDialog("Reading the archive…", "", 0, 100, self._parent)
        progress.setWindowTitle("Importing an archive")
        progress.setCancelButton(None)  # one transaction: it finishes or changes nothing
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        progress.setAccessibleName("Import progress")
        progress.setValue(0)
        self._progress = progress
        service = self._service

        def work(report: Any, _cancelled: object) -> dict[str, int]:
            from portfolio_app.core.services.archive_import import read_archive

            contents = read_archive(path, report)
            return service.import_archive_contents(contents, report)

        self._task = run_in_background(
            work,
            on_success=self._succeeded,
            on_error=self._failed,
            on_progress=self._progressed,
        )
        return True

    @property
    def task(self) -> BackgroundTask | None:
        """The running import (tests wait for it)."""
        return self._task

    def _progressed(self, done: int, total: int, message: str) -> None:
        if self._progress is not None:
            self._progress.setLabelText(f"{message}…")
            self._progress.setValue(100 * done // max(total, 1))

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.deleteLater()
            self._progress = None
        self._task = None

    def _succeeded(self, counts: dict[str, int]) -> None:
        self._close_progress()
        self._on_done(counts)

    def _failed(self, error: BaseException) -> None:
        self._close_progress()
        message = (
            error.user_message
            if isinstance(error, PortfolioError)
            else f"The archive could not be imported ({error}). Nothing was changed."
        )
        QMessageBox.warning(self._parent, "The archive was not imported", message)
        self._on_done(None)


def describe(counts: dict[str, int]) -> str:
    """What an import added, in a sentence for the status bar."""
    text = (
        f"Imported {counts['entries']:,} entries, {counts['events']:,} events, "
        f"{counts['experiences']:,} experiences and {counts['attachments']:,} attached files."
    )
    if not counts.get("profile"):
        text += " Your profile and final reflection were kept."
    return text
