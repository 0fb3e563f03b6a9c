"""Shows the recovery key once, right after the portfolio is made, and makes sure it is kept.

The key is the only way back in if the passphrase is forgotten, and it is never shown again, so
the student can copy, save or print it, and must tick "I have kept it" to continue. The key is
not written anywhere by the app itself: saving goes only to the file the student picks.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QFontDatabase, QGuiApplication, QKeyEvent, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.gui.icons import icon
from portfolio_app.gui.window_state import remember_folder, remembered_folder


def recovery_key_text(key: str, owner: str) -> str:
    """What is saved or printed with the key: enough to know what it is for."""
    return (
        "Reflective Portfolio: recovery key\n\n"
        f"Portfolio of: {owner}\n"
        f"Recovery key: {key}\n\n"
        "Keep this somewhere safe and private (not on the same computer). It opens the\n"
        "portfolio if you forget your passphrase. Anyone who has it can read your portfolio.\n"
    )


class RecoveryKeyDialog(QDialog):
    """The recovery key with Copy, Save and Print, and an 'I have kept it' check."""

    def __init__(self, key: str, owner: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._key = key
        self._owner = owner
        self.setWindowTitle("Your recovery key — Reflective Portfolio")
        self.setWindowIcon(icon("passphrase"))
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Keep your recovery key</h2>", self))
        explain = QLabel(
            "If you forget your passphrase, this key is the only way to open your portfolio. "
            "It is shown only now. Copy it, save it to a USB stick, or print it, and keep it "
            "away from this computer.",
            self,
        )
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.key_edit = QLineEdit(key, self)
        self.key_edit.setReadOnly(True)
        self.key_edit.setAccessibleName("Recovery key")
        self.key_edit.setAccessibleDescription("Shown only now; copy, save or print it")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(mono.pointSizeF() * 1.3)
        self.key_edit.setFont(mono)
        self.key_edit.setMinimumWidth(self.key_edit.fontMetrics().horizontalAdvance(key) + 24)
        layout.addWidget(self.key_edit)
        row = QHBoxLayout()
        self.copy_button = QPushButton(icon("new-note"), "&Copy", self)
        self.copy_button.setAccessibleDescription("Copies the key to the clipboard")
        self.save_button = QPushButton(icon("save"), "&Save to file…", self)
        self.save_button.setAccessibleDescription(
            "Writes the key to a text file, e.g. on a USB stick"
        )
        self.print_button = QPushButton(icon("export"), "&Print…", self)
        self.print_button.setAccessibleDescription("Prints the key to keep on paper")
        for button in (self.copy_button, self.save_button, self.print_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        self.feedback_label = QLabel(self)
        layout.addWidget(self.feedback_label)
        self.kept_check = QCheckBox("I have &kept my recovery key somewhere safe", self)
        self.kept_check.setAccessibleDescription("Continue is possible once this is ticked")
        self.kept_check.setAccessibleName("I have kept my recovery key somewhere safe")
        layout.addWidget(self.kept_check)
        self.buttons = QDialogButtonBox(self)
        self.continue_button = self.buttons.addButton(
            "C&ontinue", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.continue_button.setEnabled(False)
        self.continue_button.clicked.connect(self.accept)
        layout.addWidget(self.buttons)
        self.kept_check.toggled.connect(self.continue_button.setEnabled)
        self.copy_button.clicked.connect(self.copy_key)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.print_button.clicked.connect(self._on_print_clicked)

    def copy_key(self) -> None:
        """Put the key on the clipboard."""
        QGuiApplication.clipboard().setText(self._key)
        self.feedback_label.setText("Copied. Paste it somewhere safe, then clear your clipboard.")

    def save_to(self, path: Path) -> None:
        """Write the key to a file the student chose (private permissions, atomic)."""
        temp = path.with_name(f".{path.name}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(recovery_key_text(self._key, self._owner))
            stream.flush()
            os.fsync(stream.fileno())
        temp.replace(path)
        self.feedback_label.setText(f"Saved to {path}.")

    def _on_save_clicked(self) -> None:
        start = remembered_folder("recovery-key") or str(Path.home())
        name, _filter = QFileDialog.getSaveFileName(
            self,
            "Save the recovery key",
            str(Path(start) / "portfolio-recovery-key.txt"),
            "Text files (*.txt)",
        )
        if not name:
            return
        try:
            self.save_to(Path(name))
        except OSError as exc:
            QMessageBox.warning(self, "Not saved", f"Could not save the key: {exc.strerror}")
            return
        remember_folder("recovery-key", str(Path(name).parent))

    def _on_print_clicked(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the recovery key")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setPlainText(recovery_key_text(self._key, self._owner))
        document.print_(printer)
        self.feedback_label.setText("Sent to the printer.")

    @override
    def reject(self) -> None:
        # Escape or the close button must not skip the key before it is kept.
        if self.kept_check.isChecked():
            self.accept()

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self.kept_check.isChecked():
            return
        super().keyPressEvent(event)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.kept_check.isChecked():
            event.ignore()
            return
        super().closeEvent(event)
