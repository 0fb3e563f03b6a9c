"""Preferences: auto-lock minutes, theme, default framework and default reflective model.

The form is generated from the option titles declared in core.preferences, so the labels
match the file's comments and the command line's names.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.preferences import THEMES, Preferences, option_metadata, option_title
from portfolio_app.gui.icons import icon


class PreferencesDialog(QDialog):
    """Edits a copy of the preferences; read the result with :meth:`preferences`."""

    def __init__(
        self,
        preferences: Preferences,
        frameworks: list[tuple[str, str]],
        templates: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences — Reflective Portfolio")
        self.setWindowIcon(icon("preferences"))
        self._original = preferences
        layout = QVBoxLayout(self)
        form = QFormLayout()
        lock = option_metadata("auto_lock_minutes")
        self.auto_lock_spin = QSpinBox(self)
        self.auto_lock_spin.setRange(int(lock["minimum"]), int(lock["maximum"]))
        self.auto_lock_spin.setSuffix(" min")
        self.auto_lock_spin.setSpecialValueText("Never")
        self.auto_lock_spin.setValue(preferences.auto_lock_minutes)
        self.auto_lock_spin.setAccessibleName(option_title("auto_lock_minutes"))
        self.auto_lock_spin.setAccessibleDescription(
            "The portfolio locks itself after this long without typing or clicking"
        )
        form.addRow(QLabel(option_title("auto_lock_minutes") + ":", self), self.auto_lock_spin)
        self.theme_combo = QComboBox(self)
        for theme in THEMES:
            label = "Follow the system" if theme == "system" else theme.capitalize()
            self.theme_combo.addItem(label, theme)
        self.theme_combo.setCurrentIndex(max(0, self.theme_combo.findData(preferences.theme)))
        self.theme_combo.setAccessibleName(option_title("theme"))
        self.theme_combo.setAccessibleDescription("Light, dark, or as the system is set")
        form.addRow(option_title("theme") + ":", self.theme_combo)
        self.framework_combo = QComboBox(self)
        for framework_id, name in frameworks:
            self.framework_combo.addItem(name, framework_id)
        self.framework_combo.setCurrentIndex(
            max(0, self.framework_combo.findData(preferences.default_framework))
        )
        self.framework_combo.setAccessibleName(option_title("default_framework"))
        self.framework_combo.setAccessibleDescription(
            "Its competencies come first in the list of competencies"
        )
        form.addRow(option_title("default_framework") + ":", self.framework_combo)
        self.template_combo = QComboBox(self)
        for template_id, name in templates:
            self.template_combo.addItem(name, template_id)
        self.template_combo.setCurrentIndex(
            max(0, self.template_combo.findData(preferences.default_template))
        )
        self.template_combo.setAccessibleName(option_title("default_template"))
        self.template_combo.setAccessibleDescription("The model a new reflection starts with")
        form.addRow(option_title("default_template") + ":", self.template_combo)
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            if label_item and field_item:
                label_widget = label_item.widget()
                field_widget = field_item.widget()
                if isinstance(label_widget, QLabel) and field_widget is not None:
                    label_widget.setBuddy(field_widget)
                    label_widget.setWordWrap(True)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def preferences(self) -> Preferences:
        """The preferences as set in the form."""
        return self._original.replace(
            auto_lock_minutes=self.auto_lock_spin.value(),
            theme=str(self.theme_combo.currentData()),
            default_framework=str(
                self.framework_combo.currentData() or self._original.default_framework
            ),
            default_template=str(
                self.template_combo.currentData() or self._original.default_template
            ),
        )
