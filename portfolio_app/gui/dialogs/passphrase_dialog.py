"""Change the passphrase, and explain or replace the recovery key.

Changing the passphrase re-wraps the data key under a new Argon2id-derived key (about a third
of a second on a laptop), so it runs through :func:`gui.background.run_in_background` while
the dialog shows that it is busy; no entry is re-encrypted. When the student says the old
passphrase may be known, "Re-encrypt everything under a new key" is ticked for them: then
every record is re-encrypted under a new data key (with progress), and a new recovery key is
shown once. A new recovery key is fast (HKDF)
and is shown once, with Copy, Save and Print, in :class:`RecoveryKeyDialog`.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.passphrase_strength import MIN_LENGTH, estimate
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import CancelledFn, ProgressFn, run_in_background
from portfolio_app.gui.dialogs.recovery_key_dialog import RecoveryKeyDialog
from portfolio_app.gui.icons import icon
from portfolio_app.gui.widgets.busy_state import BusyDialog, make_busy_bar, make_status_label


def error_text(error: BaseException) -> str:
    """What to tell the student about a failure from the background."""
    if isinstance(error, PortfolioError):
        return error.user_message
    return f"Something unexpected went wrong ({type(error).__name__}); nothing was changed."


class ChangePassphraseDialog(BusyDialog):
    """New passphrase twice, a strength hint, and the change done off the GUI thread.

    It cannot be closed while the change runs: the old passphrase's slot is already being
    replaced, so it waits for the result.

    Signals:
        passphrase_changed(): the new passphrase is in place (the dialog then accepts).
    """

    passphrase_changed = Signal()

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Change passphrase")
        self.setWindowIcon(icon("passphrase"))

        intro = QLabel(self)
        intro.setWordWrap(True)
        self.intro = intro
        self.current_edit = QLineEdit(self)
        self.current_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.current_edit.setAccessibleName("Current passphrase")
        self.current_edit.setAccessibleDescription("The passphrase that unlocks the portfolio now")
        self.new_edit = QLineEdit(self)
        self.new_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_edit.setAccessibleName("New passphrase")
        self.new_edit.setAccessibleDescription(
            "Four or more random words are easy to remember and hard to guess"
        )
        self.repeat_edit = QLineEdit(self)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Repeat the new passphrase")
        self.repeat_edit.setAccessibleDescription("Type the new passphrase again to make sure")
        self.show_check = QCheckBox("&Show the passphrases", self)
        self.show_check.setAccessibleDescription("Shows the typed passphrases instead of dots")
        self.show_check.setAccessibleName("Show the passphrases")
        self.strength_bar = QProgressBar(self)
        self.strength_bar.setRange(0, 4)
        self.strength_bar.setTextVisible(True)
        self.strength_bar.setAccessibleName("Passphrase strength")
        self.hint_label = QLabel(self)
        self.hint_label.setWordWrap(True)
        self.hint_label.setAccessibleName("Passphrase hint")
        self.match_label = QLabel(self)
        self.match_label.setAccessibleName("Do the passphrases match")
        self.known_check = QCheckBox(
            "Someone else may &know (or have seen) my old passphrase", self
        )
        self.known_check.setAccessibleName("Someone else may know my old passphrase")
        self.known_check.setAccessibleDescription(
            "Ticks re-encrypting under a new key, so the old passphrase opens nothing new"
        )
        self.rotate_check = QCheckBox(
            "Re-&encrypt everything under a new key (a new recovery key is shown)", self
        )
        self.rotate_check.setAccessibleName("Re-encrypt everything under a new key")
        self.rotate_check.setToolTip(
            "A passphrase change alone keeps the same data key: someone who knew the old "
            "passphrase and has a copy of the file or a backup could still read what you "
            "write next. Re-encrypting takes longer and makes a new recovery key."
        )

        form = QFormLayout()
        form.addRow("C&urrent passphrase:", self.current_edit)
        form.addRow("&New passphrase:", self.new_edit)
        form.addRow("&Repeat it:", self.repeat_edit)
        form.addRow("", self.show_check)
        form.addRow("Strength:", self.strength_bar)
        form.addRow("", self.hint_label)
        form.addRow("", self.match_label)
        form.addRow("", self.known_check)
        form.addRow("", self.rotate_check)

        self.busy_bar = make_busy_bar(self)
        self.status_label = make_status_label(self)
        self.buttons = QDialogButtonBox(self)
        self.change_button = self.buttons.addButton(
            "&Change passphrase", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.change_button.setDefault(True)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(self.fontMetrics().height() * 30)

        self.current_edit.textChanged.connect(self._update)
        self.new_edit.textChanged.connect(self._update)
        self.repeat_edit.textChanged.connect(self._update)
        self.show_check.toggled.connect(self._on_show_check_toggled)
        self.known_check.toggled.connect(self._on_known_toggled)
        self.rotate_check.toggled.connect(self._on_rotate_toggled)
        self._on_rotate_toggled(False)
        self._update()

    def _on_rotate_toggled(self, rotate: bool) -> None:
        self.intro.setText(
            "Choose a new passphrase for this portfolio. Four or more random words are easy "
            "to remember and hard to guess. "
            + (
                "Everything will be re-encrypted under a new key, and a new recovery key "
                "shown once (the old one stops working)."
                if rotate
                else "Your recovery key keeps working."
            )
        )

    def _on_known_toggled(self, known: bool) -> None:
        # Default on when the old passphrase may be known; the student can still untick it.
        self.rotate_check.setChecked(known)

    def _update(self) -> None:
        new, repeat = self.new_edit.text(), self.repeat_edit.text()
        strength = estimate(new)
        self.strength_bar.setValue(strength.score)
        self.strength_bar.setFormat(strength.label.capitalize())
        # Weaker ones say what to do and how long guessing would take; "Good"/"Strong" too.
        self.hint_label.setText(strength.hint if new else "")
        if not repeat:
            self.match_label.setText("Type the new passphrase again to confirm it.")
        elif new == repeat:
            self.match_label.setText("✓ The two passphrases match.")
        else:
            self.match_label.setText("✗ The two passphrases differ.")
        self.change_button.setEnabled(
            bool(self.current_edit.text())
            and len(new) >= MIN_LENGTH
            and strength.acceptable
            and new == repeat
            and not self.is_busy
        )

    def _on_show_check_toggled(self, shown: bool) -> None:
        mode = QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password
        self.current_edit.setEchoMode(mode)
        self.new_edit.setEchoMode(mode)
        self.repeat_edit.setEchoMode(mode)

    @override
    def accept(self) -> None:
        """Start the change in the background; the dialog closes when it is done."""
        if self.is_busy or not self.change_button.isEnabled():
            return
        new = self.new_edit.text()
        current = self.current_edit.text()
        service = self._service
        if self.rotate_check.isChecked():

            def rotate(progress: ProgressFn, _is_cancelled: CancelledFn) -> str:
                return service.rotate_keys(new, current_passphrase=current, progress=progress)

            self._set_busy(True)
            self.status_label.setText("Re-encrypting your portfolio under a new key…")
            self._task = run_in_background(
                rotate,
                on_success=self._on_task_succeeded,
                on_error=self._on_task_failed,
                on_progress=self._on_progress,
            )
            return

        def work(_progress: ProgressFn, _is_cancelled: CancelledFn) -> None:
            service.change_passphrase(new, current_passphrase=current)

        self._start(work, "Protecting your portfolio with the new passphrase…")

    def _on_progress(self, done: int, total: int, message: str) -> None:
        self.busy_bar.setRange(0, total)
        self.busy_bar.setValue(done)
        self.status_label.setText(message)

    @override
    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        for widget in (
            self.current_edit,
            self.new_edit,
            self.repeat_edit,
            self.show_check,
            self.known_check,
            self.rotate_check,
            self.cancel_button,
        ):
            widget.setEnabled(not busy)
        self.change_button.setEnabled(not busy)

    @override
    def _on_task_succeeded(self, result: Any) -> None:
        super()._on_task_succeeded(result)
        self.current_edit.clear()
        self.new_edit.clear()
        self.repeat_edit.clear()
        self.status_label.setText("Passphrase changed. Use the new one the next time you unlock.")
        if isinstance(result, str):  # re-encrypted: the new recovery key, shown once
            RecoveryKeyDialog(result, self._service.profile.name, self).exec()
        self.passphrase_changed.emit()
        super().accept()

    @override
    def _on_task_failed(self, error: BaseException) -> None:
        super()._on_task_failed(error)
        self._update()
        self.status_label.setText(f"<b>Not changed:</b> {error_text(error)}")


class RecoveryKeyStatusDialog(QDialog):
    """What the recovery key is for, and "Make a new recovery key" (the old one stops working).

    Signals:
        recovery_key_replaced(): a new key was made and shown.
    """

    recovery_key_replaced = Signal()

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Recovery key")
        self.setWindowIcon(icon("passphrase"))
        explain = QLabel(
            "<p>Your <b>recovery key</b> opens this portfolio if you forget your passphrase. "
            "It was shown once, when the portfolio was made; the app does not keep a readable "
            "copy, so it cannot show it again.</p>"
            "<p>If you have lost it, or think someone else has seen it, make a new one. The "
            "old key stops working at once. Keep the new key away from this computer: anyone "
            "who has it can read your portfolio.</p>",
            self,
        )
        explain.setWordWrap(True)
        explain.setTextFormat(Qt.TextFormat.RichText)
        self.new_key_button = QPushButton(icon("passphrase"), "Make a &new recovery key…", self)
        self.new_key_button.setAccessibleDescription(
            "The old key stops working at once; the new one is shown once"
        )
        self.new_key_button.setAccessibleName("Make a new recovery key")
        self.rotate_check = QCheckBox(
            "Also re-&encrypt everything under a new key (asks for your passphrase)", self
        )
        self.rotate_check.setAccessibleName("Also re-encrypt everything under a new key")
        self.rotate_check.setToolTip(
            "If someone may have seen the old recovery key or a copy of the portfolio file, a "
            "new key alone keeps the same data key; re-encrypting replaces it too."
        )
        self.passphrase_edit = QLineEdit(self)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Your passphrase")
        self.passphrase_edit.setPlaceholderText("Your passphrase (needed to re-encrypt)")
        self.passphrase_edit.setVisible(False)
        self.rotate_check.toggled.connect(self.passphrase_edit.setVisible)
        self._task: Any = None
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.status_label.setAccessibleName("Status")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addWidget(self.rotate_check)
        layout.addWidget(self.passphrase_edit)
        layout.addWidget(self.new_key_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.status_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(self.fontMetrics().height() * 30)
        self.new_key_button.clicked.connect(self.make_new_key)

    def make_new_key(self) -> None:
        """Confirm, replace the key, and show the new one once."""
        if self._task is not None or not self._confirm():
            return
        if self.rotate_check.isChecked():
            self._rotate()
            return
        try:
            key = self._service.new_recovery_key()
        except PortfolioError as exc:
            self.status_label.setText(f"<b>No new key was made:</b> {exc.user_message}")
            return
        self.status_label.setText(
            "A new recovery key was made; the old one no longer opens this portfolio."
        )
        RecoveryKeyDialog(key, self._service.profile.name, self).exec()
        self.recovery_key_replaced.emit()

    def _rotate(self) -> None:
        """Re-encrypt under a new data key (off the GUI thread), keeping the passphrase."""
        passphrase = self.passphrase_edit.text()
        if not passphrase:
            self.status_label.setText("Type your passphrase to re-encrypt everything.")
            return
        service = self._service

        def work(progress: ProgressFn, _is_cancelled: CancelledFn) -> str:
            return service.rotate_keys(passphrase, current_passphrase=passphrase, progress=progress)

        def done(key: Any) -> None:
            self._task = None
            self.new_key_button.setEnabled(True)
            self.passphrase_edit.clear()
            self.status_label.setText(
                "Everything was re-encrypted under a new key, and a new recovery key was made; "
                "the old one no longer opens this portfolio."
            )
            RecoveryKeyDialog(str(key), service.profile.name, self).exec()
            self.recovery_key_replaced.emit()

        def failed(error: BaseException) -> None:
            self._task = None
            self.new_key_button.setEnabled(True)
            self.status_label.setText(f"<b>Nothing was changed:</b> {error_text(error)}")

        def progress(done_steps: int, total: int, message: str) -> None:
            self.status_label.setText(f"{message} ({done_steps * 100 // max(total, 1)} %)")

        self.new_key_button.setEnabled(False)
        self.status_label.setText("Re-encrypting your portfolio under a new key…")
        self._task = run_in_background(work, on_success=done, on_error=failed, on_progress=progress)

    @override
    def reject(self) -> None:
        if self._task is None:  # not while re-encrypting: the result must be shown
            super().reject()

    def _confirm(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Make a new recovery key?",
            "Make a new recovery key? The old one stops working at once.",
            parent=self,
        )
        box.setInformativeText("You will see the new key once; keep it safe before you close it.")
        make = box.addButton("&Make a new key", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is make
