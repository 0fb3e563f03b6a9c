"""The catalogue of IPL events and longer experiences: list, add, edit and delete them.

Each kind has its own tab with a sortable table (``EventTableModel``/``ExperienceTableModel``)
and Add, Edit and Delete buttons; editing happens in a small form dialog. Every change goes
through :class:`PortfolioService` (which validates and saves at once); errors are shown in
the form in words, and the form stays open so nothing typed is lost.
"""

from __future__ import annotations

import dataclasses
import html
from datetime import date

from PySide6.QtCore import QDate, QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.activity_guides import ActivityGuide, event_guide, experience_guide
from portfolio_app.core.domain.catalogue import PROFESSIONS, EventKind, ExperienceKind
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.events import (
    MAX_EVENT_HOURS,
    MAX_EXPERIENCE_HOURS,
    Event,
    Experience,
)
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.dialogs.discard_guard import TypedTextGuard
from portfolio_app.gui.icons import icon
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.item_models.event_table_model import (
    EventIdRole,
    EventTableModel,
    SortRole,
)
from portfolio_app.gui.item_models.experience_table_model import (
    ExperienceIdRole,
    ExperienceTableModel,
)
from portfolio_app.gui.widgets.checklist import ChecklistWidget
from portfolio_app.gui.widgets.plain_text import plain_message

_DATE_FORMAT = "d MMM yyyy"


# ---- small form helpers ------------------------------------------------------------------------


def _date_edit(parent: QWidget, name: str, value: date | None) -> QDateEdit:
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(_DATE_FORMAT)
    edit.setAccessibleName(name)
    edit.setAccessibleDescription("Pick the day in the calendar, or type it")
    edit.setDate(QDate(value.year, value.month, value.day) if value else QDate.currentDate())
    return edit


def _optional_date_row(
    parent: QWidget, name: str, value: date | None, unknown_text: str
) -> tuple[QWidget, QDateEdit, QCheckBox]:
    """A date edit with a "not known" box beside it (dates are optional in the domain)."""
    row = QWidget(parent)
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    edit = _date_edit(row, name, value)
    unknown = QCheckBox(unknown_text, row)
    unknown.setAccessibleName(f"{name}: {unknown_text.replace('&', '')}")
    unknown.setAccessibleDescription("Tick when there is no date to give")
    unknown.setChecked(value is None)
    edit.setEnabled(value is not None)
    unknown.toggled.connect(lambda checked: edit.setEnabled(not checked))
    layout.addWidget(edit, 1)
    layout.addWidget(unknown)
    return row, edit, unknown


def _date_value(edit: QDateEdit, unknown: QCheckBox) -> date | None:
    if unknown.isChecked():
        return None
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


class _FormDialog(QDialog):
    """Shared frame: a form, an error line, OK/Cancel; OK stays off until the title is set."""

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName("Problem")
        self.error_label.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.setMinimumWidth(self.fontMetrics().height() * 34)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def guard_typing(self, boxes: list[QLineEdit | QPlainTextEdit]) -> None:
        """Ask before closing when any of ``boxes`` was changed (called once the form is filled)."""
        self._guard = TypedTextGuard(self, boxes)

    @override
    def reject(self) -> None:
        """Cancel, Esc, Ctrl+W: ask first when something was typed."""
        guard = getattr(self, "_guard", None)
        if guard is None or guard.may_close():
            super().reject()

    def _track_title(self, edit: QLineEdit) -> None:
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setEnabled(bool(edit.text().strip()))
        edit.textChanged.connect(lambda text: save.setEnabled(bool(text.strip())))

    def show_error(self, message: str) -> None:
        """Say what is wrong, in words (bold, with a prefix: never colour alone)."""
        # The message may quote what the student typed: escaped, so only our bold is markup.
        self.error_label.setText(f"<b>Not saved:</b> {html.escape(message)}")
        self.error_label.show()

    def _guide_label(self, name: str) -> QLabel:
        label = QLabel(self)
        label.setWordWrap(True)
        label.setAccessibleName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        return label

    @staticmethod
    def _show_guide(label: QLabel, guide: ActivityGuide) -> None:
        label.setText(f"{guide.text} Suggested template: {guide.template_id}.")
        label.setToolTip(guide.about)

    def _attendance_fields(
        self, hours: float | None, confirmed_by: str, limit: float
    ) -> tuple[QDoubleSpinBox, QLineEdit]:
        """Hours (0 reads "Not recorded") and who confirmed them."""
        spin = QDoubleSpinBox(self)
        spin.setAccessibleName("Hours")
        spin.setAccessibleDescription("Hours of learning; 0 means not recorded")
        spin.setRange(0.0, limit)
        spin.setDecimals(2)
        spin.setSingleStep(0.5)
        spin.setSuffix(" h")
        spin.setSpecialValueText("Not recorded")
        spin.setValue(hours or 0.0)
        who = QLineEdit(self)
        who.setAccessibleName("Hours confirmed by")
        who.setPlaceholderText("e.g. practice assessor or session lead")
        who.setText(confirmed_by)
        return spin, who


def _hours_value(spin: QDoubleSpinBox) -> float | None:
    return spin.value() or None


# ---- the event form ----------------------------------------------------------------------------


class EventEditorDialog(_FormDialog):
    """Add or edit one event; Save calls the service and closes only when it succeeded."""

    def __init__(
        self, service: PortfolioService, event: Event | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__("Edit event" if event else "Add event", parent)
        self._service = service
        self._event = event
        self.saved_event: Event | None = None

        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Kind of event")
        self.kind_combo.setAccessibleDescription("Workshop, simulation, Schwartz round, placement…")
        for kind in EventKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setAccessibleDescription(
            "The name of the event as it will appear in the attendance record"
        )
        self.title_edit.setPlaceholderText("e.g. Falls prevention workshop")
        date_row, self.date_edit, self.no_date_check = _optional_date_row(
            self, "Date", event.on if event else date.today(), "&Not known"
        )
        self.place_edit = QLineEdit(self)
        self.place_edit.setAccessibleName("Place")
        self.place_edit.setAccessibleDescription("A kind of place, not a named ward or hospital")
        self.professions_list = ChecklistWidget("Professions present", "Filter professions…", self)
        self.other_professions_edit = QLineEdit(self)
        self.other_professions_edit.setAccessibleName("Other professions present")
        self.other_professions_edit.setAccessibleDescription(
            "Professions not in the list above, separated by commas"
        )
        self.other_professions_edit.setPlaceholderText("Others, separated by commas")
        self.attended_check = QCheckBox("I &attended this event", self)
        self.attended_check.setAccessibleName("I attended this event")
        self.attended_check.setAccessibleDescription(
            "Ticked events are printed in the attendance record"
        )
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setAccessibleDescription("Practical notes for yourself; not printed")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setPlaceholderText("Practical notes (not part of a reflection)")
        self.guide_label = self._guide_label("What to notice at this kind of event")
        self.hours_spin, self.confirmed_edit = self._attendance_fields(
            event.hours if event else None, event.confirmed_by if event else "", MAX_EVENT_HOURS
        )

        self.form.addRow("&Kind:", self.kind_combo)
        self.form.addRow("", self.guide_label)
        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("&Date:", date_row)
        self.form.addRow("&Place:", self.place_edit)
        self.form.addRow("P&rofessions present:", self.professions_list)
        self.form.addRow("&Other professions:", self.other_professions_edit)
        self.form.addRow("", self.attended_check)
        self.form.addRow("&Hours:", self.hours_spin)
        self.form.addRow("Confirmed &by:", self.confirmed_edit)
        self.form.addRow("Note&s:", self.notes_edit)
        # addRow(text, widget) makes the label the field's buddy; for the date row the buddy
        # must be the date edit itself, not its container, so Alt+D lands in the date.
        date_label = self.form.labelForField(date_row)
        if isinstance(date_label, QLabel):
            date_label.setBuddy(self.date_edit)

        present = event.professions_present if event else ()
        known = {p.casefold(): p for p in PROFESSIONS}
        self.professions_list.model.set_choices([Choice(key=p, label=p) for p in PROFESSIONS])
        self.professions_list.model.set_checked(
            {known[p.casefold()] for p in present if p.casefold() in known}
        )
        self.other_professions_edit.setText(
            ", ".join(p for p in present if p.casefold() not in known)
        )
        if event:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(event.kind.value))
            self.title_edit.setText(event.title)
            self.title_edit.setCursorPosition(0)
            self.place_edit.setText(event.place)
            self.notes_edit.setPlainText(event.notes)
        # A new event in the future has not been attended yet: the box follows the date until
        # the student ticks or unticks it themselves.
        self._attended_touched = event is not None
        self.attended_check.setChecked(event.attended if event else self._attended_by_date())
        self.attended_check.clicked.connect(self._on_attended_clicked)
        self.date_edit.dateChanged.connect(self._on_date_for_attendance_changed)
        self.no_date_check.toggled.connect(self._on_date_for_attendance_changed)
        self.kind_combo.currentIndexChanged.connect(
            lambda _row: self._show_guide(
                self.guide_label, event_guide(EventKind(self.kind_combo.currentData()))
            )
        )
        self._show_guide(self.guide_label, event_guide(EventKind(self.kind_combo.currentData())))
        self._track_title(self.title_edit)
        self.guard_typing(
            [self.title_edit, self.place_edit, self.other_professions_edit, self.notes_edit]
        )
        self.title_edit.setFocus()
        self.resize(self.sizeHint().expandedTo(self.minimumSizeHint()))

    def _attended_by_date(self) -> bool:
        day = _date_value(self.date_edit, self.no_date_check)
        return day is not None and day <= date.today()

    def _on_attended_clicked(self) -> None:
        self._attended_touched = True

    def _on_date_for_attendance_changed(self, *_args: object) -> None:
        if not self._attended_touched:
            self.attended_check.setChecked(self._attended_by_date())

    def professions(self) -> list[str]:
        """Ticked professions, then the typed ones."""
        return [
            *self.professions_list.model.checked_in_order(),
            *_split_list(self.other_professions_edit.text()),
        ]

    @override
    def accept(self) -> None:
        """Save through the service; stay open with the reason when it refuses."""
        kind = EventKind(self.kind_combo.currentData())
        on = _date_value(self.date_edit, self.no_date_check)
        try:
            if self._event is None:
                self.saved_event = self._service.add_event(
                    kind,
                    self.title_edit.text(),
                    on=on,
                    place=self.place_edit.text(),
                    professions_present=self.professions(),
                    notes=self.notes_edit.toPlainText(),
                    attended=self.attended_check.isChecked(),
                    hours=_hours_value(self.hours_spin),
                    confirmed_by=self.confirmed_edit.text(),
                )
            else:
                self.saved_event = self._service.save_event(
                    dataclasses.replace(
                        self._event,
                        kind=kind,
                        title=self.title_edit.text().strip(),
                        on=on,
                        place=self.place_edit.text().strip(),
                        professions_present=tuple(self.professions()),
                        notes=self.notes_edit.toPlainText(),
                        attended=self.attended_check.isChecked(),
                        hours=_hours_value(self.hours_spin),
                        confirmed_by=self.confirmed_edit.text().strip(),
                    )
                )
        except PortfolioError as exc:
            self.show_error(exc.user_message)
            return
        super().accept()


# ---- the experience form -----------------------------------------------------------------------


class ExperienceEditorDialog(_FormDialog):
    """Add or edit one experience (a placement, supervision...)."""

    def __init__(
        self,
        service: PortfolioService,
        experience: Experience | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__("Edit experience" if experience else "Add experience", parent)
        self._service = service
        self._experience = experience
        self.saved_experience: Experience | None = None

        self.kind_combo = QComboBox(self)
        self.kind_combo.setAccessibleName("Kind of experience")
        self.kind_combo.setAccessibleDescription("Placement, supervision, paired learning…")
        for kind in ExperienceKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Title")
        self.title_edit.setPlaceholderText("e.g. Community nursing placement")
        self.setting_edit = QLineEdit(self)
        self.setting_edit.setAccessibleName("Setting")
        self.setting_edit.setAccessibleDescription(
            "A kind of setting, not a named ward or hospital"
        )
        # Generic words only: a named ward or hospital here would be flagged by the identifier
        # check at export, so the hint must not suggest one.
        self.setting_edit.setPlaceholderText(
            "Kind of setting, e.g. an acute medical unit or a community team"
        )
        self.supervisor_edit = QLineEdit(self)
        self.supervisor_edit.setAccessibleName("Supervisor")
        self.supervisor_edit.setAccessibleDescription("Your supervisor's role or name")
        start_row, self.start_edit, self.no_start_check = _optional_date_row(
            self, "Starts on", experience.starts_on if experience else date.today(), "Not kno&wn"
        )
        end_row, self.end_edit, self.no_end_check = _optional_date_row(
            self, "Ends on", experience.ends_on if experience else None, "Not known or o&ngoing"
        )
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setAccessibleName("Notes")
        self.notes_edit.setAccessibleDescription("Practical notes for yourself; not printed")
        self.notes_edit.setTabChangesFocus(True)
        self.guide_label = self._guide_label("What to notice in this kind of experience")
        self.hours_spin, self.confirmed_edit = self._attendance_fields(
            experience.hours if experience else None,
            experience.confirmed_by if experience else "",
            MAX_EXPERIENCE_HOURS,
        )

        self.form.addRow("&Kind:", self.kind_combo)
        self.form.addRow("", self.guide_label)
        self.form.addRow("&Title:", self.title_edit)
        self.form.addRow("&Setting:", self.setting_edit)
        self.form.addRow("Su&pervisor:", self.supervisor_edit)
        self.form.addRow("St&arts on:", start_row)
        self.form.addRow("&Ends on:", end_row)
        self.form.addRow("&Hours:", self.hours_spin)
        self.form.addRow("Confirmed &by:", self.confirmed_edit)
        self.form.addRow("N&otes:", self.notes_edit)
        for row, edit in ((start_row, self.start_edit), (end_row, self.end_edit)):
            label = self.form.labelForField(row)
            if isinstance(label, QLabel):
                label.setBuddy(edit)

        if experience:
            self.kind_combo.setCurrentIndex(self.kind_combo.findData(experience.kind.value))
            self.title_edit.setText(experience.title)
            self.title_edit.setCursorPosition(0)
            self.setting_edit.setText(experience.setting)
            self.supervisor_edit.setText(experience.supervisor)
            self.notes_edit.setPlainText(experience.notes)
        self.kind_combo.currentIndexChanged.connect(
            lambda _row: self._show_guide(
                self.guide_label, experience_guide(ExperienceKind(self.kind_combo.currentData()))
            )
        )
        self._show_guide(
            self.guide_label, experience_guide(ExperienceKind(self.kind_combo.currentData()))
        )
        self._track_title(self.title_edit)
        self.guard_typing(
            [self.title_edit, self.setting_edit, self.supervisor_edit, self.notes_edit]
        )
        self.title_edit.setFocus()

    @override
    def accept(self) -> None:
        """Save through the service; stay open with the reason when it refuses."""
        kind = ExperienceKind(self.kind_combo.currentData())
        starts_on = _date_value(self.start_edit, self.no_start_check)
        ends_on = _date_value(self.end_edit, self.no_end_check)
        try:
            if self._experience is None:
                self.saved_experience = self._service.add_experience(
                    kind,
                    self.title_edit.text(),
                    setting=self.setting_edit.text(),
                    supervisor=self.supervisor_edit.text(),
                    starts_on=starts_on,
                    ends_on=ends_on,
                    notes=self.notes_edit.toPlainText(),
                    hours=_hours_value(self.hours_spin),
                    confirmed_by=self.confirmed_edit.text(),
                )
            else:
                self.saved_experience = self._service.save_experience(
                    dataclasses.replace(
                        self._experience,
                        kind=kind,
                        title=self.title_edit.text().strip(),
                        setting=self.setting_edit.text().strip(),
                        supervisor=self.supervisor_edit.text().strip(),
                        starts_on=starts_on,
                        ends_on=ends_on,
                        notes=self.notes_edit.toPlainText(),
                        hours=_hours_value(self.hours_spin),
                        confirmed_by=self.confirmed_edit.text().strip(),
                    )
                )
        except PortfolioError as exc:
            self.show_error(exc.user_message)
            return
        super().accept()


# ---- the catalogue -----------------------------------------------------------------------------


def _size_columns(table: QTableView, title_column: int, line: int) -> None:
    """Title first and taking the spare width; the other columns as wide as their contents
    (capped, the full text is in the tooltip), so the table reads without scrolling sideways."""
    header = table.horizontalHeader()
    header.moveSection(header.visualIndex(title_column), 0)
    table.resizeColumnsToContents()
    header.setStretchLastSection(False)
    for column in range(header.count()):
        if column == title_column:
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(column, min(header.sectionSize(column), line * 11))
    header.setSectionResizeMode(title_column, QHeaderView.ResizeMode.Stretch)
    header.setMinimumSectionSize(line * 3)


class _CatalogueTab(QWidget):
    """A filter box, a sortable table and Add/Edit/Delete buttons."""

    def __init__(self, noun: str, model: EventTableModel | ExperienceTableModel, parent: QWidget):
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setAccessibleName(f"Filter {noun}s")
        self.filter_edit.setAccessibleDescription("Shows only the rows containing these words")
        self.filter_edit.setPlaceholderText(f"Filter {noun}s…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(f"{noun.capitalize()}s")
        self.table.setAccessibleDescription("Enter edits the selected row, Delete deletes it")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        self.add_button = QPushButton(icon("new-note"), f"&Add {noun}…", self)
        self.add_button.setAccessibleDescription("Opens an empty form")
        self.edit_button = QPushButton(f"&Edit {noun}…", self)
        self.edit_button.setAccessibleDescription("Opens the selected row's form")
        self.delete_button = QPushButton(icon("delete"), f"&Delete {noun}…", self)
        self.delete_button.setAccessibleDescription(
            "Asks first; linked entries stay, without the link"
        )
        self.edit_button.setToolTip("Enter or double-click a row")
        self.delete_button.setToolTip("Delete key")
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.empty_label = QLabel(self)
        self.empty_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        self.edit_action = QAction(f"Edit {noun}", self.table)
        self.edit_action.setShortcuts(
            [QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)]
        )
        self.delete_action = QAction(f"Delete {noun}", self.table)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        for action in (self.edit_action, self.delete_action):
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            self.table.addAction(action)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    def current_source_row(self) -> int | None:
        """The selected row in the model, or None."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.proxy.mapToSource(rows[0]).row()

    def select_id(self, item_id: str, role: int) -> None:
        """Select the row whose ``role`` data is ``item_id``."""
        for row in range(self.proxy.rowCount()):
            index = self.proxy.index(row, 0)
            if index.data(role) == item_id:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return

    def _update_buttons(self) -> None:
        has = self.current_source_row() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.edit_action.setEnabled(has)
        self.delete_action.setEnabled(has)


class CatalogueDialog(QDialog):
    """Manage events and experiences. Emits ``catalogue_changed`` after every saved change."""

    catalogue_changed = Signal()

    def __init__(self, service: PortfolioService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self.setWindowTitle("Events and experiences")
        self.setWindowIcon(icon("catalogue"))
        self.event_model = EventTableModel(self)
        self.experience_model = ExperienceTableModel(self)
        self.tabs = QTabWidget(self)
        self.tabs.setAccessibleName("Catalogue")
        self.events_tab = _CatalogueTab("event", self.event_model, self.tabs)
        self.experiences_tab = _CatalogueTab("experience", self.experience_model, self.tabs)
        self.tabs.addTab(self.events_tab, "E&vents")
        self.tabs.addTab(self.experiences_tab, "E&xperiences")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Events are the IPL sessions you attend; experiences are longer placements and "
            "series. Entries link to them, and the attendance record in your PDF comes from "
            "the events.",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(close)

        self.events_tab.add_button.clicked.connect(self.add_event)
        self.events_tab.edit_button.clicked.connect(self.edit_selected_event)
        self.events_tab.edit_action.triggered.connect(self.edit_selected_event)
        self.events_tab.table.doubleClicked.connect(self._on_events_table_double_clicked)
        self.events_tab.delete_button.clicked.connect(self.delete_selected_event)
        self.events_tab.delete_action.triggered.connect(self.delete_selected_event)
        self.experiences_tab.add_button.clicked.connect(self.add_experience)
        self.experiences_tab.edit_button.clicked.connect(self.edit_selected_experience)
        self.experiences_tab.edit_action.triggered.connect(self.edit_selected_experience)
        self.experiences_tab.table.doubleClicked.connect(self._on_experiences_table_double_clicked)
        self.experiences_tab.delete_button.clicked.connect(self.delete_selected_experience)
        self.experiences_tab.delete_action.triggered.connect(self.delete_selected_experience)

        self.reload()
        self.events_tab.table.sortByColumn(EventTableModel.DATE, Qt.SortOrder.DescendingOrder)
        self.experiences_tab.table.sortByColumn(
            ExperienceTableModel.STARTS, Qt.SortOrder.DescendingOrder
        )
        line = self.fontMetrics().height()
        for tab, title_column in (
            (self.events_tab, EventTableModel.TITLE),
            (self.experiences_tab, ExperienceTableModel.TITLE),
        ):
            _size_columns(tab.table, title_column, line)
            tab.table.verticalHeader().setDefaultSectionSize(int(line * 1.6))
        self.resize(line * 72, line * 34)

    # ---- data ----------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read events and experiences from the service."""
        events = self._service.events()
        experiences = self._service.experiences()
        self.event_model.set_events(events)
        self.experience_model.set_experiences(experiences)
        self.events_tab.empty_label.setText(
            "" if events else "No events yet. Add the first with “Add event…”."
        )
        self.events_tab.empty_label.setVisible(not events)
        self.experiences_tab.empty_label.setText(
            "" if experiences else "No experiences yet. Add the first with “Add experience…”."
        )
        self.experiences_tab.empty_label.setVisible(not experiences)

    def open_record(self, record: str) -> None:
        """Show and open the form of "event:<id>" or "experience:<id>" (Go back and fix)."""
        kind, _sep, record_id = record.partition(":")
        if kind == "event":
            self.tabs.setCurrentWidget(self.events_tab)
            self.events_tab.select_id(record_id, EventIdRole)
            if self.selected_event() is not None:
                self.edit_selected_event()
        elif kind == "experience":
            self.tabs.setCurrentWidget(self.experiences_tab)
            self.experiences_tab.select_id(record_id, ExperienceIdRole)
            if self.selected_experience() is not None:
                self.edit_selected_experience()

    def _linked_entry_count(self, *, event_id: str = "", experience_id: str = "") -> int:
        return sum(
            1
            for entry in self._service.summaries()
            if (event_id and event_id in entry.event_ids)
            or (experience_id and experience_id in entry.experience_ids)
        )

    def _changed(self) -> None:
        self.reload()
        self.catalogue_changed.emit()

    # ---- events ----------------------------------------------------------------------------------

    def selected_event(self) -> Event | None:
        """The event selected in the table."""
        row = self.events_tab.current_source_row()
        return None if row is None else self.event_model.event_at(row)

    def add_event(self) -> None:
        """Open the form for a new event."""
        editor = EventEditorDialog(self._service, None, self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.saved_event:
            self._changed()
            self.events_tab.select_id(editor.saved_event.id, EventIdRole)

    def edit_selected_event(self) -> None:
        """Open the form for the selected event."""
        event = self.selected_event()
        if event is None:
            return
        editor = EventEditorDialog(self._service, event, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self._changed()
            self.events_tab.select_id(event.id, EventIdRole)

    def delete_selected_event(self) -> None:
        """Delete the selected event after a confirmation that says what happens to entries."""
        event = self.selected_event()
        if event is None:
            return
        linked = self._linked_entry_count(event_id=event.id)
        consequence = (
            f"{linked} {'entry links' if linked == 1 else 'entries link'} to it; "
            f"{'it stays' if linked == 1 else 'they stay'}, without the link."
            if linked
            else "No entry links to it."
        )
        if not self._confirm(f"Delete the event “{event.title}”?", consequence):
            return
        try:
            self._service.delete_event(event.id)
        except PortfolioError as exc:
            plain_message(self, QMessageBox.Icon.Warning, "Not deleted", exc.user_message).exec()
            return
        self._changed()

    def _on_events_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_selected_event()

    # ---- experiences ---------------------------------------------------------------------------

    def selected_experience(self) -> Experience | None:
        """The experience selected in the table."""
        row = self.experiences_tab.current_source_row()
        return None if row is None else self.experience_model.experience_at(row)

    def add_experience(self) -> None:
        """Open the form for a new experience."""
        editor = ExperienceEditorDialog(self._service, None, self)
        if editor.exec() == QDialog.DialogCode.Accepted and editor.saved_experience:
            self._changed()
            self.experiences_tab.select_id(editor.saved_experience.id, ExperienceIdRole)

    def edit_selected_experience(self) -> None:
        """Open the form for the selected experience."""
        experience = self.selected_experience()
        if experience is None:
            return
        editor = ExperienceEditorDialog(self._service, experience, self)
        if editor.exec() == QDialog.DialogCode.Accepted:
            self._changed()
            self.experiences_tab.select_id(experience.id, ExperienceIdRole)

    def delete_selected_experience(self) -> None:
        """Delete the selected experience after confirmation."""
        experience = self.selected_experience()
        if experience is None:
            return
        linked = self._linked_entry_count(experience_id=experience.id)
        consequence = (
            f"{linked} {'entry links' if linked == 1 else 'entries link'} to it; "
            f"{'it stays' if linked == 1 else 'they stay'}, without the link."
            if linked
            else "No entry links to it."
        )
        if not self._confirm(f"Delete the experience “{experience.title}”?", consequence):
            return
        try:
            self._service.delete_experience(experience.id)
        except PortfolioError as exc:
            plain_message(self, QMessageBox.Icon.Warning, "Not deleted", exc.user_message).exec()
            return
        self._changed()

    def _on_experiences_table_double_clicked(self, _index: QModelIndex) -> None:
        self.edit_selected_experience()

    def _confirm(self, question: str, detail: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Question, "Delete?", question, parent=self)
        box.setInformativeText(f"{detail} This cannot be undone.")
        delete = box.addButton("&Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete
