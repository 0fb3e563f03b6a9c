"""The entry editor widget: title, template sections, plan pane, preview and link pickers.

It renders an entry and emits intents: ``text_edited`` for typing (the controller autosaves,
debounced), and ``*_change_requested`` for entry-level changes (status, template, tags, links),
which the controller turns into undoable commands. It holds no business rules and never calls
the portfolio service.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.templates import ReflectiveTemplate
from portfolio_app.gui.editor.preview_browser import PreviewBrowser
from portfolio_app.gui.editor.section_editor import SectionEditor
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.widgets.checklist import ChecklistWidget
from portfolio_app.gui.widgets.feedback_panel import FeedbackPanel
from portfolio_app.gui.widgets.info_bar import InfoBar
from portfolio_app.gui.widgets.tags_edit import TagsLineEdit

#: The editor's text when no entry is shown, and when the portfolio has none yet.
SELECT_OR_START_TEXT = (
    "Select an entry in the list, or start a new one:\n"
    "a plan before an event (Ctrl+Shift+N), a reflection after it (Ctrl+N), "
    "or a quick note (Ctrl+Alt+N)."
)
WELCOME_TEXT = (
    "Welcome! Your portfolio is empty for now.\n\n"
    "Before an interprofessional event, write a plan: what you want to learn and from whom. "
    "Afterwards, write a reflection with a reflective model such as Gibbs. "
    "Record the events and placements themselves in Tools ▸ Events & experiences "
    "(Ctrl+Shift+E) and link your entries to them.\n\n"
    "Everything stays encrypted on this computer until you export a signed PDF."
)
#: Hints under the event and experience pickers while there is nothing to pick.
NO_EVENTS_HINT = (
    "No events recorded yet: add IPL events in Tools ▸ Events & experiences (Ctrl+Shift+E)."
)
NO_EXPERIENCES_HINT = (
    "No experiences recorded yet: add placements and other experiences in "
    "Tools ▸ Events & experiences (Ctrl+Shift+E)."
)

#: Link fields that are picked from checklists (the key of each checklist).
LINK_FIELDS: tuple[str, ...] = ("event_ids", "experience_ids", "professions", "competencies")


@dataclass(frozen=True)
class EditorChoices:
    """What the pickers offer, computed by the controller."""

    templates: list[tuple[str, str]] = field(default_factory=list)
    events: list[Choice] = field(default_factory=list)
    experiences: list[Choice] = field(default_factory=list)
    professions: list[Choice] = field(default_factory=list)
    competencies: list[Choice] = field(default_factory=list)
    known_tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EditorText:
    """The text fields as typed (what autosave stores)."""

    title: str
    sections: tuple[tuple[str, str, str], ...]  # (key, heading, body)
    occurred_on: date | None


class EntryEditorWidget(QWidget):
    """Renders one entry for editing."""

    text_edited = Signal()
    status_change_requested = Signal(str)
    template_change_requested = Signal(str)
    tags_change_requested = Signal(tuple)
    links_change_requested = Signal(str, tuple)
    new_entry_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entry_id = ""
        self._loading = False
        self.sections: list[SectionEditor] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.stack.addWidget(self._build_empty_page())
        self.stack.addWidget(self._build_editor_page())
        self.stack.setCurrentIndex(0)

    # ---- construction -------------------------------------------------------------------

    def _build_empty_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.empty_label = QLabel(SELECT_OR_START_TEXT, page)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setAccessibleName("Getting started")
        self.start_buttons = QHBoxLayout()
        self.start_buttons.addStretch(1)
        self.start_buttons.addStretch(1)
        layout.addStretch(1)
        layout.addWidget(self.empty_label)
        layout.addLayout(self.start_buttons)
        layout.addStretch(2)
        return page

    def set_start_actions(self, actions: list[QAction]) -> None:
        """Buttons under the empty page's text (new plan, reflection, note) for these actions."""
        for action in actions:
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            self.start_buttons.insertWidget(self.start_buttons.count() - 1, button)

    def set_portfolio_empty(self, empty: bool) -> None:
        """A welcome with what to do first while there are no entries; else 'select one'."""
        self.empty_label.setText(WELCOME_TEXT if empty else SELECT_OR_START_TEXT)

    def _build_editor_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(8, 6, 6, 4)
        layout.setSpacing(6)

        self.title_edit = QLineEdit(page)
        self.title_edit.setPlaceholderText("Title")
        self.title_edit.setAccessibleName("Entry title")
        title_font = QFont(self.title_edit.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        self.title_edit.setFont(title_font)
        self.title_edit.textEdited.connect(self._on_text_changed)
        layout.addWidget(self.title_edit)

        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        self.kind_label = QLabel(page)
        self.kind_label.setAccessibleName("Entry kind")
        grid.addWidget(self.kind_label, 0, 0)
        template_label = QLabel("&Model:", page)
        self.template_combo = QComboBox(page)
        self.template_combo.setAccessibleName("Reflective model")
        self.template_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        # 14 characters (long model names elide): leaves room for the status combo's
        # "Feedback received" within the editor's minimum width on an 800-pixel screen.
        self.template_combo.setMinimumContentsLength(14)
        template_label.setBuddy(self.template_combo)
        self.template_combo.activated.connect(self._on_template_activated)
        grid.addWidget(template_label, 0, 1)
        grid.addWidget(self.template_combo, 0, 2)
        status_label = QLabel("S&tatus:", page)
        self.status_combo = QComboBox(page)
        self.status_combo.setAccessibleName("Status")
        for status in EntryStatus:
            self.status_combo.addItem(status.label, status.value)
            if status.set_by_app:  # shown, never chosen: export and feedback import set them
                item = self.status_combo.model().item(self.status_combo.count() - 1)  # type: ignore[attr-defined]
                item.setEnabled(False)
                item.setToolTip(
                    "Set by the app: a signed export marks entries submitted; importing your "
                    "tutor's countersigned PDF marks entries with feedback."
                )
        status_label.setBuddy(self.status_combo)
        self.status_combo.activated.connect(self._on_status_activated)
        grid.addWidget(status_label, 0, 3)
        grid.addWidget(self.status_combo, 0, 4)
        self.date_check = QCheckBox("&Happened on", page)
        self.date_check.setAccessibleName("Set the date it happened")
        self.date_edit = QDateEdit(QDate.currentDate(), page)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setAccessibleName("Date it happened")
        self.date_check.toggled.connect(self._on_date_toggled)
        self.date_edit.dateChanged.connect(self._on_text_changed)
        # Two rows keep the editor usable in a narrow window (one row needed ~700 px).
        grid.addWidget(self.date_check, 1, 1)
        grid.addWidget(self.date_edit, 1, 2)
        grid.setColumnStretch(5, 1)
        self.save_state_label = QLabel(page)
        self.save_state_label.setAccessibleName("Save state")
        grid.addWidget(self.save_state_label, 1, 3, 1, 3)
        layout.addLayout(grid)

        self.reminder_bar = InfoBar("info", closable=False, parent=page)
        self.reminder_bar.setAccessibleName("Template reminder")
        layout.addWidget(self.reminder_bar)
        self.privacy_bar = InfoBar("warning", closable=True, parent=page)
        self.privacy_bar.setAccessibleName("Possible patient identifiers")
        layout.addWidget(self.privacy_bar)

        self.vertical_splitter = QSplitter(Qt.Orientation.Vertical, page)
        self.vertical_splitter.setChildrenCollapsible(False)
        self.body_splitter = QSplitter(Qt.Orientation.Horizontal, self.vertical_splitter)
        self.body_splitter.setChildrenCollapsible(False)

        self.plan_box = QGroupBox("The plan you are reflecting on", self.body_splitter)
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.setContentsMargins(4, 4, 4, 4)
        self.plan_view = PreviewBrowser("Plan (read only)", self.plan_box)
        plan_layout.addWidget(self.plan_view)
        self.plan_box.hide()

        self.sections_scroll = QScrollArea(self.body_splitter)
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_host = QWidget()
        self.sections_layout = QVBoxLayout(self.sections_host)
        self.sections_layout.setContentsMargins(0, 0, 8, 0)
        self.sections_scroll.setWidget(self.sections_host)

        self.preview = PreviewBrowser("Preview", self.body_splitter)
        self.preview.hide()
        self.body_splitter.setStretchFactor(0, 2)
        self.body_splitter.setStretchFactor(1, 3)
        self.body_splitter.setStretchFactor(2, 2)

        self.links_tabs = QTabWidget(self.vertical_splitter)
        self.links_tabs.setDocumentMode(True)
        self.links_tabs.setAccessibleName("Links")
        tags_page = QWidget()
        tags_layout = QVBoxLayout(tags_page)
        tags_layout.setContentsMargins(4, 4, 4, 4)
        tags_label = QLabel("T&ags:", tags_page)
        self.tags_edit = TagsLineEdit(tags_page)
        tags_label.setBuddy(self.tags_edit)
        self.tags_edit.tags_committed.connect(self._on_tags_committed)
        tags_row = QHBoxLayout()
        tags_row.addWidget(tags_label)
        tags_row.addWidget(self.tags_edit, 1)
        tags_layout.addLayout(tags_row)
        self.professions = ChecklistWidget(
            "Professions involved",
            "Filter professions (or type a new one and press Enter)",
            tags_page,
        )
        tags_layout.addWidget(self.professions, 1)
        self.links_tabs.addTab(tags_page, "Tags && professions")
        self.events = ChecklistWidget("Events", "Filter events")
        self.links_tabs.addTab(self.events, "Events")
        self.experiences = ChecklistWidget("Experiences", "Filter experiences")
        self.links_tabs.addTab(self.experiences, "Experiences")
        self.competencies = ChecklistWidget("Competencies", "Filter competencies (code or words)")
        self.links_tabs.addTab(self.competencies, "Competencies")
        self._checklists = {
            "event_ids": self.events,
            "experience_ids": self.experiences,
            "professions": self.professions,
            "competencies": self.competencies,
        }
        for field_name, checklist in self._checklists.items():
            checklist.model.check_toggled.connect(
                lambda _key, _ticked, name=field_name: self._on_checklist_toggled(name)
            )
        self.professions.filter_edit.returnPressed.connect(self._on_profession_typed)
        # Tutor feedback (issue 9) sits under the writing area, above the link pickers.
        self.feedback_panel = FeedbackPanel(self.vertical_splitter)
        self.vertical_splitter.insertWidget(1, self.feedback_panel)
        self.vertical_splitter.setStretchFactor(0, 4)
        self.vertical_splitter.setStretchFactor(1, 1)
        line = self.fontMetrics().lineSpacing()
        # Most of the height for writing; the link pickers get about ten lines.
        self.vertical_splitter.setSizes([line * 40, line * 11])
        layout.addWidget(self.vertical_splitter, 1)
        return page

    # ---- showing an entry -----------------------------------------------------------------

    @property
    def entry_id(self) -> str:
        """The id of the entry shown, or "" when none."""
        return self._entry_id

    def show_entry(
        self,
        entry: Entry,
        template: ReflectiveTemplate | None,
        choices: EditorChoices,
        *,
        plan_html: str = "",
        template_locked: bool = False,
    ) -> None:
        """Render ``entry`` (replacing whatever was shown)."""
        self._loading = True
        try:
            self._entry_id = entry.id
            self.title_edit.setText(entry.title)
            self.kind_label.setText(f"<b>{entry.kind.label}</b>")
            self.template_combo.clear()
            for template_id, name in choices.templates:
                self.template_combo.addItem(name, template_id)
                credit = template_credit(template_id)
                if credit:  # each model names its source (Gibbs 1988, Johns after Carper...)
                    self.template_combo.setItemData(
                        self.template_combo.count() - 1, credit, Qt.ItemDataRole.ToolTipRole
                    )
            position = self.template_combo.findData(entry.template_id)
            if position < 0:
                self.template_combo.addItem(entry.template_id, entry.template_id)
                position = self.template_combo.count() - 1
            self.template_combo.setCurrentIndex(position)
            self.template_combo.setEnabled(not template_locked)
            hint = (
                "The model can be changed while the sections are empty"
                if template_locked
                else "Choose a reflective model; its prompts appear as sections"
            )
            credit = template.credit if template is not None else ""
            self.template_combo.setToolTip(f"{hint}\n\n{credit}" if credit else hint)
            self.template_combo.setAccessibleDescription(credit)
            self._set_status(entry.status)
            self.date_check.setChecked(entry.occurred_on is not None)
            day = entry.occurred_on.date() if entry.occurred_on else date.today()
            self.date_edit.setDate(QDate(day.year, day.month, day.day))
            self.date_edit.setEnabled(entry.occurred_on is not None)
            self._build_sections(entry, template)
            reminder = template.reminder if template else ""
            if reminder:
                self.reminder_bar.show_message(reminder)
            else:
                self.reminder_bar.hide()
            self.privacy_bar.hide()
            self.plan_box.setVisible(bool(plan_html))
            self.plan_view.setHtml(plan_html)
            self._balance_body()
            self.tags_edit.set_known_tags(choices.known_tags)
            self.events.model.set_choices(choices.events)
            self.events.set_hint("" if choices.events else NO_EVENTS_HINT)
            self.experiences.model.set_choices(choices.experiences)
            self.experiences.set_hint("" if choices.experiences else NO_EXPERIENCES_HINT)
            self.professions.model.set_choices(choices.professions)
            self.competencies.model.set_choices(choices.competencies)
            self.apply_links(entry)
            self.stack.setCurrentIndex(1)
        finally:
            self._loading = False

    def _build_sections(self, entry: Entry, template: ReflectiveTemplate | None) -> None:
        self._drop_sections()
        for position, part in enumerate(entry.sections):
            template_section = template.section(part.key) if template and part.key else None
            prompts = template_section.prompts if template_section else ()
            editor = SectionEditor(part.key, part.heading, prompts, part.body, self.sections_host)
            editor.text_changed.connect(self._on_text_changed)
            self.sections_layout.insertWidget(position, editor, 1)
            self.sections.append(editor)
        previous: QWidget = self.date_edit
        for editor in self.sections:
            QWidget.setTabOrder(previous, editor.edit)
            previous = editor.edit
        QWidget.setTabOrder(previous, self.tags_edit)

    def _drop_sections(self) -> None:
        # Hidden at once: deleteLater runs after the next paint, and a still-visible old
        # section would be drawn over the new ones until then.
        for old in self.sections:
            self.sections_layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.sections = []

    def apply_links(self, entry: Entry) -> None:
        """Show the entry's status, tags and links (after an undo, without touching the text)."""
        was_loading = self._loading
        self._loading = True
        try:
            self._set_status(entry.status)
            self.tags_edit.set_tags(entry.tags)
            self.events.model.set_checked(set(entry.event_ids))
            self.experiences.model.set_checked(set(entry.experience_ids))
            known = {c.key for c in self.professions.model.choices()}
            missing = [p for p in entry.professions if p not in known]
            if missing:
                self.professions.model.set_choices(
                    [*self.professions.model.choices(), *(Choice(p, p) for p in missing)]
                )
            self.professions.model.set_checked(set(entry.professions))
            self.competencies.model.set_checked(
                {f"{link.framework_id}:{link.code}" for link in entry.competencies}
            )
        finally:
            self._loading = was_loading

    def set_section_bodies(self, bodies: dict[str, str], title: str) -> None:
        """Replace the text (a restored revision) without it counting as typing."""
        self._loading = True
        try:
            self.title_edit.setText(title)
            for section in self.sections:
                if section.key in bodies:
                    section.set_body(bodies[section.key])
        finally:
            self._loading = False

    def clear(self) -> None:
        """Show nothing (locking, or the shown entry was deleted)."""
        self._loading = True
        try:
            self._entry_id = ""
            self.title_edit.clear()
            self._drop_sections()
            self.plan_view.clear()
            self.preview.clear()
            self.tags_edit.set_tags(())
            for checklist in self._checklists.values():
                checklist.model.set_choices([])
                checklist.filter_edit.clear()
            self.privacy_bar.hide()
            self.reminder_bar.hide()
            self.feedback_panel.set_feedback(())
            self.save_state_label.clear()
            self.stack.setCurrentIndex(0)
        finally:
            self._loading = False

    # ---- reading what was typed -------------------------------------------------------------

    def current_text(self) -> EditorText:
        """Title, sections and date as they are now."""
        occurred = self.date_edit.date().toPython() if self.date_check.isChecked() else None
        return EditorText(
            title=self.title_edit.text(),
            sections=tuple((s.key, s.heading, s.body()) for s in self.sections),
            occurred_on=occurred,  # type: ignore[arg-type]
        )

    def all_text(self) -> str:
        """Everything typed, for the privacy check."""
        return "\n\n".join([self.title_edit.text(), *(s.body() for s in self.sections)])

    def link_keys(self, field_name: str) -> tuple[str, ...]:
        """The ticked keys of one checklist, in list order."""
        return tuple(self._checklists[field_name].model.checked_in_order())

    # ---- feedback from the controller -------------------------------------------------------

    def set_save_state(self, text: str) -> None:
        """ "Saved 12:03", "Saving…" or "Not saved: reason"."""
        self.save_state_label.setText(text)
        self.save_state_label.setAccessibleDescription(text)

    def set_privacy_warning(self, text: str) -> None:
        """Show (or with "" hide) the gentle identifier warning."""
        if text:
            self.privacy_bar.show_message(text)
        else:
            self.privacy_bar.hide()

    def set_competency_hint(self, text: str) -> None:
        """A gentle hint under the competency list."""
        self.competencies.set_hint(text)

    def set_preview_visible(self, visible: bool) -> None:
        """Show or hide the rendered preview beside the sections (sharing the width evenly)."""
        self.preview.setVisible(visible)
        self._balance_body()

    def _balance_body(self) -> None:
        panes = [self.plan_box, self.sections_scroll, self.preview]
        shown = [pane for pane in panes if not pane.isHidden()]
        total = max(self.body_splitter.width(), 300)
        share = total // max(1, len(shown))
        self.body_splitter.setSizes([share if not pane.isHidden() else 0 for pane in panes])

    def set_preview_html(self, html: str) -> None:
        """Show sanitised HTML in the preview, keeping the scroll position."""
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(html)
        bar.setValue(position)

    def set_feedback(self, items: Sequence[Any]) -> None:
        """The tutor feedback received on the shown entry (read-only; hidden when none)."""
        was_visible = self.feedback_panel.isVisible()
        self.feedback_panel.set_feedback(items)
        if items and not was_visible:  # room to read it: about a third of the writing area
            body, _feedback, links = self.vertical_splitter.sizes()
            share = max(self.fontMetrics().lineSpacing() * 9, body // 3)
            self.vertical_splitter.setSizes([max(1, body - share), share, links])

    def set_status_shown(self, status: EntryStatus) -> None:
        """Show a status (e.g. to revert a refused change)."""
        self._set_status(status)

    # ---- slots ------------------------------------------------------------------------------

    def _set_status(self, status: EntryStatus) -> None:
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(status.value)))

    def _on_text_changed(self, *_args: object) -> None:
        if not self._loading and self._entry_id:
            self.text_edited.emit()

    def _on_date_toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(checked)
        self._on_text_changed()

    def _on_status_activated(self, _index: int) -> None:
        if not self._loading:
            self.status_change_requested.emit(str(self.status_combo.currentData()))

    def _on_template_activated(self, _index: int) -> None:
        if not self._loading:
            self.template_change_requested.emit(str(self.template_combo.currentData()))

    def _on_tags_committed(self, tags: tuple[str, ...]) -> None:
        if not self._loading and self._entry_id:
            self.tags_change_requested.emit(tags)

    def _on_checklist_toggled(self, field_name: str) -> None:
        if not self._loading and self._entry_id:
            self.links_change_requested.emit(field_name, self.link_keys(field_name))

    def _on_profession_typed(self) -> None:
        text = self.professions.filter_edit.text().strip()
        if not text or not self._entry_id:
            return
        keys = {c.key.casefold() for c in self.professions.model.choices()}
        if text.casefold() not in keys:
            self.professions.model.set_choices(
                [*self.professions.model.choices(), Choice(text, text)]
            )
        self.professions.filter_edit.clear()
        current = list(self.link_keys("professions"))
        match = next(
            c.key for c in self.professions.model.choices() if c.key.casefold() == text.casefold()
        )
        if match not in current:
            self.links_change_requested.emit("professions", (*current, match))


def template_credit(template_id: str) -> str:
    """The credit line of a bundled template ("" for unknown ids and the free template)."""
    from portfolio_app.core.reflective_templates import TemplateNotFoundError, get_template

    try:
        return get_template(template_id).credit
    except TemplateNotFoundError:
        return ""
