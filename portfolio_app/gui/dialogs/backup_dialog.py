"""Back up the open portfolio to one encrypted file, and restore a portfolio from one.

Both run :mod:`portfolio_app.core.services.backup_service` in the background (a backup reads
the whole database; a restore derives a key with Argon2id and checks the database before it
replaces anything). A restore never replaces an existing portfolio unless the student ticks
the box that says so, and the service keeps a copy of the replaced one.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.services.backup_service import BACKUP_SUFFIX, create_backup, restore_backup
from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists
from portfolio_app.gui.background import CancelledFn, ProgressFn
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar, make_status_label
from portfolio_app.gui.window_state import remember_folder, remembered_folder

_FILTER = f"Portfolio backups (*{BACKUP_SUFFIX});;All files (*)"


def error_text(error: BaseException) -> str:
    """What to tell the student about a failure from the background."""
    if isinstance(error, PortfolioError):
        return error.user_message
    return f"Something unexpected went wrong ({type(error).__name__}); nothing was changed."


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _FileRow(QWidget):
    """A path field with a Browse… button."""

    def __init__(self, name: str, browse_text: str, parent: QWidget) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit(self)
        self.edit.setAccessibleName(name)
        self.edit.setAccessibleDescription("The file's full path; Browse chooses it")
        self.edit.setClearButtonEnabled(True)
        self.browse_button = QPushButton(browse_text, self)
        self.browse_button.setAccessibleDescription("Choose the file in a file dialog")
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.browse_button)
        self.setFocusProxy(self.edit)

    def path(self) -> Path | None:
        """The path typed or chosen, or None when empty."""
        text = self.edit.text().strip()
        return Path(text).expanduser() if text else None


class BackupDialog(BusyDialog):
    """Choose where, then write an encrypted backup of the open portfolio.

    Signals:
        backup_created(str): the path of the finished backup file.
    """

    backup_created = Signal(str)

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.busy_bar = make_busy_bar(self)
        self.status_label = make_status_label(self)
        self._service = service
        self.backup_path: Path | None = None
        self.setWindowTitle("Back up the portfolio")
        self.setWindowIcon(icon("backup"))
        intro = QLabel(
            "A backup is one encrypted file holding your whole portfolio: entries, history, "
            "attachments and your signing identity. It opens with your passphrase as it is "
            "now, or with your recovery key. Keep it on another disk or a USB stick.",
            self,
        )
        intro.setWordWrap(True)
        self.file_row = _FileRow("Backup file", "&Browse…", self)
        folder = remembered_folder("backup") or str(Path.home())
        self.file_row.edit.setText(
            str(Path(folder) / f"portfolio-{date.today().isoformat()}{BACKUP_SUFFIX}")
        )
        form = QFormLayout()
        form.addRow("Back up &to:", self.file_row)
        label = form.labelForField(self.file_row)
        if isinstance(label, QLabel):
            label.setBuddy(self.file_row.edit)
        self.buttons = QDialogButtonBox(self)
        self.backup_button = self.buttons.addButton(
            "Back &up", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.backup_button.setIcon(icon("backup"))
        self.show_folder_button = self.buttons.addButton(
            "Show &folder", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.show_folder_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().height() * 34)

        self.file_row.browse_button.clicked.connect(self._on_browse_clicked)
        self.file_row.edit.textChanged.connect(self._update)
        self.backup_button.clicked.connect(self.start_backup)
        self.show_folder_button.clicked.connect(self._on_show_folder_clicked)
        self.buttons.rejected.connect(self.reject)
        self._update()

    def _update(self) -> None:
        self.backup_button.setEnabled(self.file_row.path() is not None and not self.is_busy)

    def _on_browse_clicked(self) -> None:
        current = self.file_row.path()
        name, _filter = QFileDialog.getSaveFileName(
            self, "Back up the portfolio to", str(current or Path.home()), _FILTER
        )
        if name:
            self.file_row.edit.setText(name)

    def start_backup(self) -> None:
        """Write the backup in the background."""
        target = self.file_row.path()
        if target is None or self.is_busy:
            return
        service = self._service

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> Path:
            return create_backup(service, target)

        self._start(work, "Writing the encrypted backup…")

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        self.file_row.setEnabled(not busy)
        self.close_button.setEnabled(not busy)
        self._update()

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        path = Path(result)
        self.backup_path = path
        remember_folder("backup", str(path.parent))
        self.status_label.setText(
            f"<b>Backup saved</b> to {_escape(str(path))}. It opens with your current "
            "passphrase or your recovery key."
        )
        self.backup_button.hide()
        self.show_folder_button.show()
        self.close_button.setText("&Close")
        self.close_button.setFocus()
        self.backup_created.emit(str(path))

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        self.status_label.setText(f"<b>No backup was made:</b> {_escape(error_text(error))}")

    def _on_show_folder_clicked(self) -> None:
        if self.backup_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.backup_path.parent)))


class RestoreDialog(BusyDialog):
    """Restore a backup file into ``data_dir``; accepted once the portfolio is restored.

    The portfolio in ``data_dir`` must not be open (the caller closes it first): the restore
    takes the folder's lock like any other opener.
    """

    def __init__(self, parent: QWidget | None, data_dir: Path) -> None:
        super().__init__(parent)
        self.busy_bar = make_busy_bar(self)
        self.status_label = make_status_label(self)
        self._data_dir = data_dir
        self.restored_database: Path | None = None
        self.setWindowTitle("Restore from a backup")
        self.setWindowIcon(icon("restore"))
        intro = QLabel(
            f"Restore a portfolio from a backup file into <b>{_escape(str(data_dir))}</b>. "
            "Give the passphrase the portfolio had when the backup was made, or its recovery "
            "key.",
            self,
        )
        intro.setWordWrap(True)
        self.file_row = _FileRow("Backup file to restore", "&Browse…", self)
        self.passphrase_radio = QRadioButton("P&assphrase the backup was made with", self)
        self.passphrase_radio.setAccessibleDescription(
            "The passphrase the portfolio had when the backup was made"
        )
        self.recovery_radio = QRadioButton("Recovery &key", self)
        self.recovery_radio.setAccessibleDescription(
            "The recovery key shown when the portfolio was made"
        )
        self.passphrase_radio.setChecked(True)
        self.passphrase_radio.setAccessibleName("Open it with the passphrase")
        self.recovery_radio.setAccessibleName("Open it with the recovery key")
        self._secret_group = QButtonGroup(self)
        self._secret_group.addButton(self.passphrase_radio)
        self._secret_group.addButton(self.recovery_radio)
        secret_choice = QWidget(self)
        choice_layout = QHBoxLayout(secret_choice)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.passphrase_radio)
        choice_layout.addWidget(self.recovery_radio)
        choice_layout.addStretch(1)
        self.secret_edit = QLineEdit(self)
        self.secret_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.secret_edit.setAccessibleName("Passphrase of the backup")
        self.secret_edit.setAccessibleDescription("It is checked before anything is replaced")

        form = QFormLayout()
        form.addRow("Backup &file:", self.file_row)
        form.addRow("Open it with:", secret_choice)
        form.addRow("&Enter it:", self.secret_edit)
        label = form.labelForField(self.file_row)
        if isinstance(label, QLabel):
            label.setBuddy(self.file_row.edit)

        self.replace_check = QCheckBox(
            "&Replace the portfolio in this folder (a copy of it is kept in its backups folder)",
            self,
        )
        self.replace_check.setAccessibleName("Replace the portfolio in this folder")
        self.replace_check.setAccessibleDescription(
            "A copy of the portfolio now is kept in its backups folder"
        )
        self.exists_label = QLabel(self)
        self.exists_label.setWordWrap(True)
        exists = portfolio_exists(data_dir)
        self.exists_label.setText(
            "<b>Warning:</b> there is already a portfolio in this folder. Restoring replaces "
            "it with the backup."
            if exists
            else ""
        )
        self.exists_label.setVisible(exists)
        self.replace_check.setVisible(exists)

        self.buttons = QDialogButtonBox(self)
        self.restore_button = self.buttons.addButton(
            "Res&tore", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setIcon(icon("restore"))
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.exists_label)
        layout.addWidget(self.replace_check)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().height() * 34)

        self.file_row.browse_button.clicked.connect(self._on_browse_clicked)
        self.file_row.edit.textChanged.connect(self._update)
        self.secret_edit.textChanged.connect(self._update)
        self.replace_check.toggled.connect(self._update)
        self.recovery_radio.toggled.connect(self._on_recovery_radio_toggled)
        self.restore_button.clicked.connect(self.start_restore)
        self.buttons.rejected.connect(self.reject)
        self._update()

    @property
    def needs_replace(self) -> bool:
        """Whether a portfolio is already in the folder."""
        return portfolio_exists(self._data_dir)

    def _update(self) -> None:
        ready = (
            self.file_row.path() is not None
            and bool(self.secret_edit.text())
            and (self.replace_check.isChecked() or not self.needs_replace)
            and not self.is_busy
        )
        self.restore_button.setEnabled(ready)

    def _on_recovery_radio_toggled(self, use_recovery: bool) -> None:
        name = "Recovery key" if use_recovery else "Passphrase of the backup"
        self.secret_edit.setAccessibleName(name)
        self.secret_edit.setEchoMode(
            QLineEdit.EchoMode.Normal if use_recovery else QLineEdit.EchoMode.Password
        )
        self.secret_edit.setPlaceholderText("XXXX-XXXX-…" if use_recovery else "")

    def _on_browse_clicked(self) -> None:
        start = remembered_folder("backup") or str(Path.home())
        name, _filter = QFileDialog.getOpenFileName(self, "Restore from the backup", start, _FILTER)
        if name:
            self.file_row.edit.setText(name)

    def start_restore(self) -> None:
        """Check and restore the backup in the background."""
        source = self.file_row.path()
        if source is None or self.is_busy or not self.restore_button.isEnabled():
            return
        secret = self.secret_edit.text().strip()
        use_recovery = self.recovery_radio.isChecked()
        replace = self.replace_check.isChecked()
        data_dir = self._data_dir

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> Path:
            return restore_backup(
                source,
                data_dir,
                passphrase=None if use_recovery else secret,
                recovery_key=secret if use_recovery else None,
                replace=replace,
            )

        self._start(work, "Checking and restoring the backup…")

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        for widget in (
            self.file_row,
            self.passphrase_radio,
            self.recovery_radio,
            self.secret_edit,
            self.replace_check,
            self.cancel_button,
        ):
            widget.setEnabled(not busy)
        self._update()

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        self.restored_database = Path(result)
        self.secret_edit.clear()
        self.status_label.setText("<b>Restored.</b> Unlock it with the same passphrase.")
        self.accept()

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        self.status_label.setText(f"<b>Not restored:</b> {_escape(error_text(error))}")
        self.secret_edit.selectAll()
        self.secret_edit.setFocus()
