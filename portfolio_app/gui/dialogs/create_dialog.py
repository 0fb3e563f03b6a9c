"""First run: the student's profile and a new passphrase, typed twice, with a live strength hint.

The dialog collects and checks input only; the controller creates the portfolio off the GUI
thread (key derivation takes a moment) and then shows the recovery key once.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.catalogue import PROFESSIONS
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.passphrase_strength import MIN_LENGTH, estimate
from portfolio_app.gui.dialogs.discard_guard import TypedTextGuard
from portfolio_app.gui.dialogs.unlock_dialog import strength_text
from portfolio_app.gui.icons import icon


class CreatePortfolioDialog(QDialog):
    """Profile + passphrase form for a new portfolio."""

    create_requested = Signal(object, str)

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Create your portfolio — Reflective Portfolio")
        self.setWindowIcon(icon("new-reflection"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("x") * 70)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Welcome! Let's create your portfolio</h2>", self))
        intro = QLabel(
            "Your portfolio is encrypted on this computer. Only your passphrase (or the "
            f"recovery key shown next) opens it. It will be kept in {data_dir}.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        about = QGroupBox("About you", self)
        form = QFormLayout(about)
        self.name_edit = QLineEdit(about)
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setAccessibleDescription(
            "Printed on the cover of your PDF and in your signature"
        )
        form.addRow("&Name:", self.name_edit)
        self.student_id_edit = QLineEdit(about)
        self.student_id_edit.setAccessibleName("Student id")
        self.student_id_edit.setAccessibleDescription("Your university's student number (optional)")
        form.addRow("&Student id:", self.student_id_edit)
        self.profession_combo = QComboBox(about)
        self.profession_combo.setEditable(True)
        self.profession_combo.addItems(list(PROFESSIONS))
        self.profession_combo.setCurrentIndex(-1)
        self.profession_combo.setAccessibleName("Profession")
        self.profession_combo.setAccessibleDescription(
            "Choose from the list or type your profession"
        )
        profession_line = self.profession_combo.lineEdit()
        if profession_line is not None:
            profession_line.setPlaceholderText("Choose or type your profession")
            profession_line.setAccessibleName("Profession")
        form.addRow("&Profession:", self.profession_combo)
        self.programme_edit = QLineEdit(about)
        self.programme_edit.setAccessibleName("Programme")
        self.programme_edit.setAccessibleDescription(
            "Your course, e.g. BSc Adult Nursing (optional)"
        )
        self.programme_edit.setPlaceholderText("e.g. BSc Adult Nursing")
        form.addRow("Pro&gramme:", self.programme_edit)
        self.institution_edit = QLineEdit(about)
        self.institution_edit.setAccessibleName("Institution")
        self.institution_edit.setAccessibleDescription("Your university (optional)")
        form.addRow("&Institution:", self.institution_edit)
        layout.addWidget(about)

        secret = QGroupBox("Passphrase", self)
        secret_form = QFormLayout(secret)
        self.passphrase_edit = QLineEdit(secret)
        self.passphrase_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase_edit.setAccessibleName("Passphrase")
        self.passphrase_edit.setAccessibleDescription(
            "Four or more random words; it unlocks the portfolio"
        )
        self.passphrase_edit.setPlaceholderText("Four or more random words work well")
        secret_form.addRow("P&assphrase:", self.passphrase_edit)
        self.repeat_edit = QLineEdit(secret)
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat_edit.setAccessibleName("Repeat the passphrase")
        self.repeat_edit.setAccessibleDescription("Type the passphrase again to make sure")
        secret_form.addRow("&Repeat it:", self.repeat_edit)
        self.strength_label = QLabel(secret)
        self.strength_label.setWordWrap(True)
        self.strength_label.setAccessibleName("Passphrase strength")
        secret_form.addRow("", self.strength_label)
        layout.addWidget(secret)

        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.busy_bar = QProgressBar(self)
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setAccessibleName("Creating the portfolio")
        self.busy_bar.hide()
        layout.addWidget(self.busy_bar)
        self.buttons = QDialogButtonBox(self)
        self.create_button = self.buttons.addButton(
            "&Create portfolio", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setDefault(True)
        self.buttons.addButton("&Quit", QDialogButtonBox.ButtonRole.RejectRole).clicked.connect(
            self.reject
        )
        self.create_button.clicked.connect(self._on_create_clicked)
        layout.addWidget(self.buttons)
        for edit in (self.name_edit, self.passphrase_edit, self.repeat_edit):
            edit.textChanged.connect(self._update_state)
        self.setTabOrder(self.name_edit, self.student_id_edit)
        self.setTabOrder(self.student_id_edit, self.profession_combo)
        self.setTabOrder(self.profession_combo, self.programme_edit)
        self.setTabOrder(self.programme_edit, self.institution_edit)
        self.setTabOrder(self.institution_edit, self.passphrase_edit)
        self.setTabOrder(self.passphrase_edit, self.repeat_edit)
        self._update_state()
        self._guard = TypedTextGuard(
            self,
            [
                self.name_edit,
                self.student_id_edit,
                self.programme_edit,
                self.institution_edit,
                self.passphrase_edit,
                self.repeat_edit,
            ],
        )
        self.name_edit.setFocus()

    @override
    def reject(self) -> None:
        """Quit, Esc, Ctrl+W: ask first when something was typed."""
        if self._guard.may_close():
            super().reject()

    def profile(self) -> Profile:
        """The profile as typed."""
        return Profile(
            name=self.name_edit.text().strip(),
            student_id=self.student_id_edit.text().strip(),
            profession=self.profession_combo.currentText().strip(),
            programme=self.programme_edit.text().strip(),
            institution=self.institution_edit.text().strip(),
        )

    def problem(self) -> str:
        """Why Create is disabled, in words; "" when the form is complete."""
        if not self.name_edit.text().strip():
            return "Type your name."
        if len(self.passphrase_edit.text()) < MIN_LENGTH:
            return f"The passphrase needs at least {MIN_LENGTH} characters."
        if not estimate(self.passphrase_edit.text()).acceptable:
            return "The passphrase is too easy to guess: add more words."
        if self.passphrase_edit.text() != self.repeat_edit.text():
            return "The two passphrases differ."
        return ""

    def set_busy(self, busy: bool) -> None:
        """Show progress while the portfolio is created."""
        self.busy_bar.setVisible(busy)
        self.create_button.setEnabled(not busy and not self.problem())
        for box in self.findChildren(QGroupBox):
            box.setEnabled(not busy)

    def show_error(self, message: str) -> None:
        """Say what went wrong."""
        self.set_busy(False)
        self.error_label.setText(f"Could not create the portfolio: {message}")
        self.error_label.show()

    def _update_state(self) -> None:
        text = self.passphrase_edit.text()
        hint = strength_text(text)
        problem = self.problem()
        if self.repeat_edit.text() and self.repeat_edit.text() != text:
            hint += " The two passphrases differ."
        self.strength_label.setText(hint)
        self.create_button.setEnabled(not problem)
        self.create_button.setToolTip(problem or "Create the encrypted portfolio")

    def _on_create_clicked(self) -> None:
        if self.problem():
            self.show_error(self.problem())
            return
        self.error_label.hide()
        self.create_requested.emit(self.profile(), self.passphrase_edit.text())
