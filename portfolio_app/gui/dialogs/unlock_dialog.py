"""The unlock window: passphrase, or the recovery key followed by a new passphrase.

The dialog only collects input and shows progress and errors; the controller derives the key
off the GUI thread and calls :meth:`show_error` or ``accept()``. A wrong passphrase keeps the
window open with the text selected, so the student can simply type again. When the portfolio
file itself is damaged, the error comes with a "Restore from a backup…" button (the File menu's
restore is out of reach while nothing is unlocked).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.passphrase_strength import MIN_LENGTH, estimate
from portfolio_app.gui.icons import icon

PAGE_PASSPHRASE = 0
PAGE_RECOVERY = 1


def strength_text(passphrase: str) -> str:
    """The live hint under a new passphrase, in words (never colour alone)."""
    strength = estimate(passphrase)
    hint = strength.hint
    # The hints repeat the label ("Strong.", "Fair: a few more words..."): say it once.
    if hint.casefold().startswith(strength.label.casefold()):
        hint = hint[len(strength.label) :].lstrip(".:; ")
        hint = hint[:1].upper() + hint[1:]
    return f"Strength: {strength.label}. {hint}".rstrip()


class UnlockDialog(QDialog):
    """Asks for the passphrase (or the recovery key and a new passphrase)."""

    unlock_requested = Signal(str)
    recovery_requested = Signal(str, str)
    restore_requested = Signal()

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Unlock your portfolio — Reflective Portfolio")
        self.setWindowIcon(icon("lock"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 64)
        layout = QVBoxLayout(self)
        heading = QLabel("<h2>Unlock your portfolio</h2>", self)
        layout.addWidget(heading)
        where = QLabel(f"Portfolio folder: {data_dir}", self)
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(where)

        self.pages = QStackedWidget(self)
        layout.addWidget(self.pages)

        first = QWidget(self)
        form = QFormLayout(first)
        self.passphrase_edit = QLineEdit(first)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.passphrase_edit.setAccessibleDescription(
            "The passphrase you chose when you made the portfolio"
        )
        form.addRow("&Passphrase:", self.passphrase_edit)
        self.use_recovery_button = QPushButton("Use the recovery key instead…", first)
        self.use_recovery_button.setAccessibleDescription("When you have forgotten the passphrase")
        self.use_recovery_button.setFlat(True)
        self.use_recovery_button.setAccessibleName("Use the recovery key instead")
        self.use_recovery_button.clicked.connect(self._on_use_recovery_clicked)
        form.addRow("", self.use_recovery_button)
        self.pages.addWidget(first)

        second = QWidget(self)
        recovery_form = QFormLayout(second)
        explain = QLabel(
            "Type the recovery key you kept when you created the portfolio, then choose a new "
            "passphrase. The old passphrase stops working.",
            second,
        )
        explain.setWordWrap(True)
        recovery_form.addRow(explain)
        self.recovery_edit = QLineEdit(second)
        self.recovery_edit.setAccessibleName("Recovery key")
        self.recovery_edit.setAccessibleDescription(
            "The 32-character key shown when the portfolio was made"
        )
        self.recovery_edit.setPlaceholderText("XXXX-XXXX-…")
        recovery_form.addRow("&Recovery key:", self.recovery_edit)
        self.new_passphrase_edit = QLineEdit(second)
        self.new_passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_passphrase_edit.setAccessibleName("New passphrase")
        self.new_passphrase_edit.setAccessibleDescription("The passphrase to use from now on")
        recovery_form.addRow("&New passphrase:", self.new_passphrase_edit)
        self.repeat_edit = QLineEdit(second)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Repeat the new passphrase")
        self.repeat_edit.setAccessibleDescription("Type the new passphrase again to make sure")
        recovery_form.addRow("Re&peat it:", self.repeat_edit)
        self.strength_label = QLabel(second)
        self.strength_label.setWordWrap(True)
        recovery_form.addRow("", self.strength_label)
        self.back_button = QPushButton("Back to the passphrase", second)
        self.back_button.setAccessibleDescription("Unlock with the passphrase after all")
        self.back_button.setFlat(True)
        self.back_button.clicked.connect(self._on_back_clicked)
        recovery_form.addRow("", self.back_button)
        self.pages.addWidget(second)
        self.new_passphrase_edit.textChanged.connect(self._update_recovery_state)
        self.repeat_edit.textChanged.connect(self._update_recovery_state)
        self.recovery_edit.textChanged.connect(self._update_recovery_state)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Error")
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.restore_button = QPushButton("&Restore from a backup…", self)
        self.restore_button.setAccessibleDescription(
            "Replace a damaged portfolio with a backup file"
        )
        self.restore_button.setAccessibleName("Restore the portfolio from a backup file")
        self.restore_button.clicked.connect(self.restore_requested)
        self.restore_button.hide()
        restore_row = QHBoxLayout()
        restore_row.addWidget(self.restore_button)
        restore_row.addStretch(1)
        layout.addLayout(restore_row)
        self.busy_label = QLabel(self)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Working")
        self.busy_label.hide()
        self.busy_bar.hide()
        layout.addWidget(self.busy_label)
        layout.addWidget(self.busy_bar)

        self.buttons = QDialogButtonBox(self)
        self.unlock_button = self.buttons.addButton(
            "&Unlock", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unlock_button.setDefault(True)
        self.quit_button = self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole)
        self.unlock_button.clicked.connect(self._on_unlock_clicked)
        self.quit_button.clicked.connect(self.reject)
        layout.addWidget(self.buttons)
        self.passphrase_edit.setFocus()
        self._busy = False
        self._fit_page()

    def _fit_page(self) -> None:
        """Size the window to the page shown (a stack is as tall as its tallest page)."""
        for index in range(self.pages.count()):
            page = self.pages.widget(index)
            policy = (
                QSizePolicy.Policy.Preferred
                if index == self.pages.currentIndex()
                else QSizePolicy.Policy.Ignored
            )
            if page is not None:
                page.setSizePolicy(policy, policy)
        self.adjustSize()

    # ---- controller API ---------------------------------------------------------------------

    def set_busy(self, busy: bool, text: str = "") -> None:
        """Show progress while the key is derived (and lock the inputs)."""
        self._busy = busy
        self.busy_bar.setVisible(busy)
        self.busy_label.setVisible(busy and bool(text))
        self.busy_label.setText(text)
        for widget in (self.pages, self.unlock_button):
            widget.setEnabled(not busy)
        if busy:
            self.error_label.hide()
        if not busy:
            self._update_recovery_state()

    def show_error(self, message: str, *, offer_restore: bool = False) -> None:
        """Say what went wrong and let the student try again (or restore a damaged file)."""
        self.set_busy(False)
        self.error_label.setText(f"Could not unlock: {message}")
        self.error_label.show()
        self.restore_button.setVisible(offer_restore)
        field = (
            self.passphrase_edit
            if self.pages.currentIndex() == PAGE_PASSPHRASE
            else self.recovery_edit
        )
        field.setFocus()
        field.selectAll()

    # ---- slots ------------------------------------------------------------------------------

    def show_notice(self, message: str) -> None:
        """A message that is not an error (e.g. after a restore)."""
        self.set_busy(False)
        self.error_label.setText(message)
        self.error_label.show()
        self.restore_button.hide()
        self.passphrase_edit.setFocus()

    def notice_text(self) -> str:
        """The message shown under the passphrase (a notice or an error), or ""."""
        return self.error_label.text() if not self.error_label.isHidden() else ""

    def _on_unlock_clicked(self) -> None:
        if self._busy:
            return
        if self.pages.currentIndex() == PAGE_PASSPHRASE:
            passphrase = self.passphrase_edit.text()
            if not passphrase:
                self.show_error("type your passphrase first")
                return
            self.unlock_requested.emit(passphrase)
            return
        if self._recovery_problem():
            self.show_error(self._recovery_problem())
            return
        self.recovery_requested.emit(
            self.recovery_edit.text().strip(), self.new_passphrase_edit.text()
        )

    def _on_use_recovery_clicked(self) -> None:
        self.pages.setCurrentIndex(PAGE_RECOVERY)
        self.error_label.hide()
        self.unlock_button.setText("&Unlock and set passphrase")
        self._fit_page()
        self.recovery_edit.setFocus()
        self._update_recovery_state()

    def _on_back_clicked(self) -> None:
        self.pages.setCurrentIndex(PAGE_PASSPHRASE)
        self.error_label.hide()
        self.unlock_button.setText("&Unlock")
        self.unlock_button.setEnabled(True)
        self._fit_page()
        self.passphrase_edit.setFocus()

    def _recovery_problem(self) -> str:
        if not self.recovery_edit.text().strip():
            return "type the recovery key"
        if len(self.new_passphrase_edit.text()) < MIN_LENGTH:
            return f"the new passphrase needs at least {MIN_LENGTH} characters"
        if self.new_passphrase_edit.text() != self.repeat_edit.text():
            return "the two new passphrases differ"
        return ""

    def _update_recovery_state(self) -> None:
        if self.pages.currentIndex() != PAGE_RECOVERY:
            return
        text = self.new_passphrase_edit.text()
        hint = strength_text(text)
        if self.repeat_edit.text() and self.repeat_edit.text() != text:
            hint += " The two passphrases differ."
        self.strength_label.setText(hint)
        self.unlock_button.setEnabled(not self._busy and not self._recovery_problem())

    @override
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._busy and event.key() == Qt.Key.Key_Escape:
            return
        super().keyPressEvent(event)

    @override
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._busy:
            event.ignore()
            return
        super().closeEvent(event)
