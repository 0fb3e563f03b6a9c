"""The entry editor widget: title, template sections, plan pane, preview, and the links panel.

It renders an entry and emits intents: ``text_change_made`` for each change to the title or an
answer (the controller makes it an undo step and autosaves, debounced), ``date_change_made``
for "Happened on", and ``*_change_requested`` for entry-level changes (status, model, tags,
links), which the controller turns into undoable commands. It holds no business rules and never
calls the portfolio service.

Room to write: the answers get the height. The pickers for tags, professions, events,
experiences and competencies are in :attr:`links_panel`, which the main window puts in a side
panel that can be hidden; a one-line summary under the title (:class:`LinksSummaryWidget`) says
what is linked and opens the panel. Focus mode hides everything but the title, the prompts and
the answers, in a column of readable width.

Tab order: title → model → status → first answer → next answers → date → links summary →
links panel.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QAction, QColor, QFont, QResizeEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)
from typing_extensions import override

from portfolio_app.core.domain.entries import Entry, EntryStatus
from portfolio_app.core.domain.templates import ReflectiveTemplate
from portfolio_app.gui.editor.answer_edit import AnswerEdit, TitleEdit
from portfolio_app.gui.editor.preview_browser import PreviewBrowser
from portfolio_app.gui.editor.section_editor import SectionEditor
from portfolio_app.gui.editor.text_change import TextChange
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.theme import status_colours
from portfolio_app.gui.widgets.checklist import ChecklistWidget
from portfolio_app.gui.widgets.feedback_panel import FeedbackPanel
from portfolio_app.gui.widgets.flow_layout import FlowLayout
from portfolio_app.gui.widgets.info_bar import InfoBar
from portfolio_app.gui.widgets.links_summary import LinksSummaryWidget
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
#: The title's field name in text changes; an answer's is ``section:<key>``.
TITLE_FIELD = "title"
SECTION_PREFIX = "section:"
#: Width of the writing column in focus mode, in average characters (a comfortable line).
READABLE_COLUMN_CHARS = 80
#: Shares of the width for the plan, the entry and the preview (when shown).
BODY_WEIGHTS: tuple[int, int, int] = (2, 4, 3)
#: Qt's "no maximum" size.
QWIDGETSIZE_MAX = (1 << 24) - 1


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


@dataclass(frozen=True)
class CaretPlace:
    """Where the student was typing: a field (``title`` or ``section:<key>``) and a position."""

    field: str
    position: int


class EntryEditorWidget(QWidget):
    """Renders one entry for editing."""

    text_edited = Signal()
    text_change_made = Signal(str, object)  # field, TextChange
    date_change_made = Signal(object, object)  # old, new: date | None
    status_change_requested = Signal(str)
    template_change_requested = Signal(str)
    tags_change_requested = Signal(tuple)
    links_change_requested = Signal(str, tuple)
    links_panel_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entry_id = ""
        self._loading = False
        self._focus_mode = False
        self._shown_date: date | None = None
        self.sections: list[SectionEditor] = []
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget(self)
        outer.addWidget(self.stack)
        self.stack.addWidget(self._build_empty_page())
        self.stack.addWidget(self._build_editor_page())
        self.links_panel = self._build_links_panel()
        self.chain_tab_order()
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
            button.setAccessibleName(action.text().replace("&", ""))
            button.setAccessibleDescription(action.statusTip())
            self.start_buttons.insertWidget(self.start_buttons.count() - 1, button)

    def set_history_actions(self, undo: QAction, redo: QAction) -> None:
        """The window's Undo and Redo, offered in the text boxes' context menus."""
        AnswerEdit.history.actions = (undo, redo)

    def set_portfolio_empty(self, empty: bool) -> None:
        """A welcome with what to do first while there are no entries; else 'select one'."""
        self.empty_label.setText(WELCOME_TEXT if empty else SELECT_OR_START_TEXT)

    def _build_editor_page(self) -> QWidget:
        page = QWidget(self)
        self.page = page
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(4, 4, 4, 4)
        page_layout.setSpacing(4)
        self.body_splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.body_splitter.setChildrenCollapsible(False)
        self.plan_box = QGroupBox("The plan you are reflecting on", self.body_splitter)
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.setContentsMargins(4, 4, 4, 4)
        self.plan_view = PreviewBrowser("Plan (read only)", self.plan_box)
        plan_layout.addWidget(self.plan_view)
        self.plan_box.hide()

        # One scrolling page for the whole entry: title, model and links scroll away with the
        # text, so a short laptop screen still gives the answers most of its height.
        self.sections_scroll = QScrollArea(self.body_splitter)
        self.sections_scroll.setWidgetResizable(True)
        self.sections_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.sections_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sections_scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.sections_scroll.setAccessibleName("Entry")
        self.sections_scroll.setAccessibleDescription("Title, model, links and your answers")
        self.sections_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sections_host = QWidget()
        narrowest = self.fontMetrics().horizontalAdvance("m") * 12
        self.sections_host.setMinimumWidth(narrowest)
        # The pane never gets narrower than its page, so the text is never cut at the side.
        scrollbar = self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        self.sections_scroll.setMinimumWidth(narrowest + scrollbar + 2)
        layout = QVBoxLayout(self.sections_host)
        layout.setContentsMargins(4, 2, 8, 4)
        layout.setSpacing(4)
        self.page_layout = layout
        self.sections_scroll.setWidget(self.sections_host)
        page = self.sections_host

        self.title_edit = TitleEdit(page)
        self.title_edit.setPlaceholderText("Title")
        self.title_edit.setAccessibleName("Entry title")
        self.title_edit.setAccessibleDescription("The title of the entry, as printed in the PDF")
        title_font = QFont(self.title_edit.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.35)
        self.title_edit.setFont(title_font)
        self.title_edit.text_changed_by_user.connect(self._on_title_changed)
        layout.addWidget(self.title_edit)

        # Model, status, date and save state: one line on a wide screen, wrapping on a narrow one.
        self.meta_row = QWidget(page)
        meta = FlowLayout(self.meta_row, spacing=self.fontMetrics().horizontalAdvance("mm"))
        self.kind_label = QLabel(self.meta_row)
        self.kind_label.setAccessibleName("Entry kind")
        meta.addWidget(self.kind_label)
        template_label = QLabel("&Model:")
        self.template_combo = QComboBox()
        self.template_combo.setAccessibleName("Reflective model")
        self.template_combo.setAccessibleDescription(
            "The model's prompts appear as sections; changing it moves your answers across"
        )
        self.template_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.template_combo.setMinimumContentsLength(22)
        template_label.setBuddy(self.template_combo)
        self.template_combo.activated.connect(self._on_template_activated)
        meta.addWidget(_pair(self.meta_row, template_label, self.template_combo))
        status_label = QLabel("St&atus:")
        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("Status")
        self.status_combo.setAccessibleDescription(
            "Draft or ready; the app sets submitted (signed export) and feedback received"
        )
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
        meta.addWidget(_pair(self.meta_row, status_label, self.status_combo))
        self.date_check = QCheckBox("Happened &on")
        self.date_check.setAccessibleName("Set the date it happened")
        self.date_check.setAccessibleDescription("Untick when the entry is not about one day")
        self.date_edit = QDateEdit(QDate.currentDate())
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("d MMM yyyy")
        self.date_edit.setAccessibleName("Date it happened")
        self.date_edit.setAccessibleDescription("The day of the event or experience")
        self.date_check.toggled.connect(self._on_date_toggled)
        self.date_edit.dateChanged.connect(self._on_date_changed)
        self.date_row = _pair(self.meta_row, self.date_check, self.date_edit)
        meta.addWidget(self.date_row)
        self.save_state_label = QLabel(self.meta_row)
        self.save_state_label.setAccessibleName("Save state")
        meta.addWidget(self.save_state_label)
        layout.addWidget(self.meta_row)

        self.links_summary = LinksSummaryWidget(page)
        self.links_summary.page_requested.connect(self.links_panel_requested)
        layout.addWidget(self.links_summary)

        self.reminder_bar = InfoBar("info", closable=False, parent=page)
        self.reminder_bar.setAccessibleName("Template reminder")
        layout.addWidget(self.reminder_bar)

        self.sections_layout = QVBoxLayout()
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        self.sections_layout.setSpacing(0)
        layout.addLayout(self.sections_layout)
        # Tutor feedback (issue 9), read-only, under the answers it is about.
        self.feedback_panel = FeedbackPanel(page)
        layout.addWidget(self.feedback_panel)
        layout.addStretch(1)
        # The page is never narrower than its widest row that cannot wrap (the model box and
        # its label): otherwise the scroll area, which never scrolls sideways, cuts it off.
        widest = max(narrowest, layout.minimumSize().width())
        self.sections_host.setMinimumWidth(widest)
        self.sections_scroll.setMinimumWidth(widest + scrollbar + 2)

        self.preview = PreviewBrowser("Preview", self.body_splitter)
        self.preview.hide()
        for pane, weight in enumerate(BODY_WEIGHTS):
            self.body_splitter.setStretchFactor(pane, weight)
        self._panes_moved = False
        self.body_splitter.splitterMoved.connect(self._on_body_splitter_moved)
        page_layout.addWidget(self.body_splitter, 1)

        # At the bottom: when it appears it shortens the text area from below instead of
        # pushing the text the student is reading down the screen.
        self.privacy_bar = InfoBar("warning", closable=True, kind="warning", parent=self.page)
        self.privacy_bar.setAccessibleName("Possible patient identifiers")
        page_layout.addWidget(self.privacy_bar)
        return self.page

    def _build_links_panel(self) -> QWidget:
        panel = QWidget()
        panel.setObjectName("links_panel")
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(2, 2, 2, 2)
        self.links_tabs = QTabWidget(panel)
        self.links_tabs.setDocumentMode(True)
        self.links_tabs.setAccessibleName("Links")
        self.links_tabs.setAccessibleDescription(
            "Tags and professions, events, experiences and competencies of this entry"
        )
        self.links_tabs.tabBar().setAccessibleName("Links pages")
        self.links_tabs.tabBar().setAccessibleDescription("Choose what to link")
        layout.addWidget(self.links_tabs)
        tags_page = QWidget()
        tags_layout = QVBoxLayout(tags_page)
        tags_layout.setContentsMargins(4, 4, 4, 4)
        tags_label = QLabel("Ta&gs:", tags_page)
        self.tags_edit = TagsLineEdit(tags_page)
        self.tags_edit.setAccessibleDescription(
            "Separate tags with commas; Enter or leaving the box saves them"
        )
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
        tags_page.setFocusProxy(self.tags_edit)
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
        return panel

    def chain_tab_order(self) -> None:
        """title → model → status → answers → date → links summary → links panel."""
        chain: list[QWidget] = [self.title_edit, self.template_combo, self.status_combo]
        chain.extend(section.edit for section in self.sections)
        chain.extend([self.date_check, self.date_edit])
        chain.extend(self.links_summary.buttons.values())
        if self.links_panel.window() is self.window():  # once the main window docked it
            chain.extend(
                [
                    self.tags_edit,
                    self.professions.filter_edit,
                    self.professions.view,
                    self.links_tabs.tabBar(),
                ]
            )
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

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
    ) -> None:
        """Render ``entry`` (replacing whatever was shown)."""
        self._loading = True
        try:
            self._entry_id = entry.id
            self.title_edit.set_text(entry.title)
            self.title_edit.setCursorPosition(0)
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
            hint = (
                "Choose a reflective model; its prompts appear as sections. Text you have "
                "written moves to the matching sections of the new model."
            )
            credit = template.credit if template is not None else ""
            self.template_combo.setToolTip(f"{hint}\n\n{credit}" if credit else hint)
            self.template_combo.setAccessibleDescription(f"{hint} {credit}".strip())
            self._set_status(entry.status)
            self._set_date_shown(entry.occurred_on.date() if entry.occurred_on else None)
            self._build_sections(entry, template)
            reminder = template.reminder if template else ""
            if reminder and not self._focus_mode:
                self.reminder_bar.show_message(reminder)
            else:
                self.reminder_bar.set_message(reminder)
                self.reminder_bar.hide()
            self.privacy_bar.hide()
            self.plan_box.setVisible(bool(plan_html) and not self._focus_mode)
            self.plan_box.setProperty("hasPlan", bool(plan_html))
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
            self.sections_scroll.verticalScrollBar().setValue(0)
        finally:
            self._loading = False

    def _build_sections(self, entry: Entry, template: ReflectiveTemplate | None) -> None:
        self._drop_sections()
        for position, part in enumerate(entry.sections):
            template_section = template.section(part.key) if template and part.key else None
            prompts = template_section.prompts if template_section else ()
            editor = SectionEditor(part.key, part.heading, prompts, part.body, self.sections_host)
            editor.text_changed.connect(self._on_section_changed)
            editor.edit.cursor_moved.connect(self._keep_cursor_visible)
            self.sections_layout.insertWidget(position, editor)
            self.sections.append(editor)
        self.chain_tab_order()

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
            self.links_summary.set_links(
                entry.tags,
                len(entry.professions),
                len(entry.event_ids),
                len(entry.experience_ids),
                len(entry.competencies),
            )
        finally:
            self._loading = was_loading

    def set_section_bodies(self, bodies: dict[str, str], title: str) -> None:
        """Replace the text (a restored revision) without it counting as typing."""
        self._loading = True
        try:
            self.title_edit.set_text(title)
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
            self.title_edit.set_text("")
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
            self.links_summary.set_links((), 0, 0, 0, 0)
            self.stack.setCurrentIndex(0)
        finally:
            self._loading = False

    # ---- reading what was typed -------------------------------------------------------------

    def current_text(self) -> EditorText:
        """Title, sections and date as they are now."""
        return EditorText(
            title=self.title_edit.text(),
            sections=tuple((s.key, s.heading, s.body()) for s in self.sections),
            occurred_on=self.occurred_on(),
        )

    def occurred_on(self) -> date | None:
        """The "Happened on" date, or None when unticked."""
        if not self.date_check.isChecked():
            return None
        value = self.date_edit.date().toPython()
        assert isinstance(value, date)
        return value

    def all_text(self) -> str:
        """Everything typed, for the privacy check."""
        return "\n\n".join([self.title_edit.text(), *(s.body() for s in self.sections)])

    def field_texts(self) -> dict[str, str]:
        """Each text field by name (``title`` and ``section:<key>``)."""
        texts = {TITLE_FIELD: self.title_edit.text()}
        for section in self.sections:
            texts[SECTION_PREFIX + section.key] = section.body()
        return texts

    def link_keys(self, field_name: str) -> tuple[str, ...]:
        """The ticked keys of one checklist, in list order."""
        return tuple(self._checklists[field_name].model.checked_in_order())

    # ---- changes made by undo and redo ----------------------------------------------------

    def apply_text_change(self, field_name: str, change: TextChange) -> None:
        """Make an undo or redo of typing in one field, put the cursor there, and autosave.

        Raises ValueError when the field is gone or its text is not what the change expects.
        """
        if field_name == TITLE_FIELD:
            self.title_edit.apply_change(change)
            self.title_edit.setFocus()
        else:
            section = self._section(field_name)
            if section is None:
                raise ValueError("that section is no longer in the entry")
            section.edit.apply_change(change)
            section.edit.setFocus()
            self._keep_cursor_visible()
        self._on_text_changed()

    def _section(self, field_name: str) -> SectionEditor | None:
        key = field_name.removeprefix(SECTION_PREFIX)
        return next((s for s in self.sections if s.key == key), None)

    def show_date(self, moment: datetime | None) -> None:
        """Show a stored "Happened on" (set by a command; not an edit of the student's)."""
        self._loading = True
        try:
            self._set_date_shown(moment.date() if moment is not None else None)
        finally:
            self._loading = False

    def apply_date(self, value: date | None) -> None:
        """Show a date set by undo or redo, and autosave it."""
        self._loading = True
        try:
            self._set_date_shown(value)
        finally:
            self._loading = False
        self._on_text_changed()

    # ---- where the student was --------------------------------------------------------------

    def caret_place(self) -> CaretPlace | None:
        """The field with the keyboard focus and the cursor position in it (None: elsewhere).

        Asked of the window's focus widget, so it works while the window is inactive too.
        """
        focused = self.window().focusWidget()
        if focused is self.title_edit:
            return CaretPlace(TITLE_FIELD, self.title_edit.cursorPosition())
        for section in self.sections:
            if focused is section.edit:
                return CaretPlace(
                    SECTION_PREFIX + section.key, section.edit.textCursor().position()
                )
        return None

    def restore_caret(self, place: CaretPlace) -> bool:
        """Put the focus and cursor back where :meth:`caret_place` found them."""
        if place.field == TITLE_FIELD:
            self.title_edit.setFocus()
            self.title_edit.setCursorPosition(min(place.position, len(self.title_edit.text())))
            return True
        section = self._section(place.field)
        if section is None:
            return False
        cursor = section.edit.textCursor()
        cursor.setPosition(min(place.position, len(section.body())))
        section.edit.setTextCursor(cursor)
        section.edit.setFocus()
        self._keep_cursor_visible()
        return True

    # ---- feedback from the controller -------------------------------------------------------

    def set_save_state(self, text: str) -> None:
        """ "Saved 12:03", "Saving…" or "Not saved: reason"."""
        self.save_state_label.setText(text)
        self.save_state_label.setAccessibleDescription(text)

    def set_privacy_warning(self, text: str, spans: dict[str, list[tuple[int, int]]]) -> None:
        """Show (or with "" hide) the gentle identifier warning, and mark the words in the text.

        ``spans`` gives, per field name, the (start, end) of each finding; they are underlined
        and tinted with the warning colour (and named in words in the bar: never colour alone).
        """
        if text:
            self.privacy_bar.show_message(text)
        else:
            self.privacy_bar.hide()
        background, foreground = status_colours("warning", self.palette())
        marked = QTextCharFormat()
        marked.setBackground(QColor(background))
        marked.setForeground(QColor(foreground))
        marked.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        marked.setUnderlineColor(QColor(foreground))
        for section in self.sections:
            selections = []
            for start, end in spans.get(SECTION_PREFIX + section.key, []):
                selection = QTextEdit.ExtraSelection()
                cursor = QTextCursor(section.edit.document())
                cursor.setPosition(start)
                cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
                selection.cursor = cursor
                selection.format = marked
                selections.append(selection)
            section.edit.setExtraSelections(selections)

    def set_competency_hint(self, text: str) -> None:
        """A gentle hint under the competency list."""
        self.competencies.set_hint(text)

    def set_preview_visible(self, visible: bool) -> None:
        """Show or hide the rendered preview beside the sections (sharing the width evenly)."""
        self.preview.setVisible(visible)
        self._balance_body()

    def _balance_body(self) -> None:
        """The entry gets the largest share; the plan and the preview share the rest."""
        panes = [self.plan_box, self.sections_scroll, self.preview]
        shown = [
            w if not pane.isHidden() else 0 for pane, w in zip(panes, BODY_WEIGHTS, strict=True)
        ]
        total = max(self.body_splitter.width(), 300)
        self.body_splitter.setSizes([total * w // max(1, sum(shown)) for w in shown])

    def set_plan_html(self, html: str) -> None:
        """Show the plan's sanitised HTML (rendered on a worker thread after ``show_entry``)."""
        self.plan_view.setHtml(html)

    def set_preview_html(self, html: str) -> None:
        """Show sanitised HTML in the preview, keeping the scroll position."""
        bar = self.preview.verticalScrollBar()
        position = bar.value()
        self.preview.setHtml(html)
        bar.setValue(position)

    def set_feedback(self, items: Sequence[Any]) -> None:
        """The tutor feedback received on the shown entry (read-only; hidden when none).

        The panel sits in the editor's scrolling page, so it is as tall as its text (up to
        about twenty lines) and the page scrolls rather than squeezing the answers."""
        self.feedback_panel.set_feedback(items)
        if items:
            # Measured per item at the page's width: the body's own size hint is taken before
            # the wrapped "From ..." lines know their width, and comes out a line or two short.
            width = max(200, self.sections_host.width() - 40)
            spacing = self.feedback_panel.body_layout.spacing()
            wanted = sum(
                who.heightForWidth(width) + text.height() + 2 * spacing
                for who, text in self.feedback_panel.items
            )
            cap = self.fontMetrics().lineSpacing() * 20
            self.feedback_panel.scroll_area.setMinimumHeight(min(wanted + 4, cap))

    def set_status_shown(self, status: EntryStatus) -> None:
        """Show a status (e.g. to revert a refused change)."""
        self._set_status(status)

    # ---- focus mode -------------------------------------------------------------------------

    @property
    def focus_mode(self) -> bool:
        """Whether only the title, prompts and answers are shown."""
        return self._focus_mode

    def set_focus_mode(self, on: bool) -> None:
        """Show only the title, prompts and answers, in a column of readable width."""
        self._focus_mode = on
        for widget in (self.meta_row, self.links_summary):
            widget.setVisible(not on)
        self.reminder_bar.setVisible(not on and bool(self.reminder_bar.text()))
        self.plan_box.setVisible(not on and bool(self.plan_box.property("hasPlan")))
        self._balance_body()
        self._fit_column()

    def _fit_column(self) -> None:
        """In focus mode, a centred column of readable width (wider with the preview)."""
        if self._focus_mode:
            width = self.fontMetrics().averageCharWidth() * READABLE_COLUMN_CHARS
            self.sections_host.setMaximumWidth(width)
        else:
            self.sections_host.setMaximumWidth(QWIDGETSIZE_MAX)

    @override
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._panes_moved:
            self._balance_body()  # until the student drags the dividers themselves

    def _on_body_splitter_moved(self, _position: int, _index: int) -> None:
        self._panes_moved = True

    # ---- slots ------------------------------------------------------------------------------

    def _keep_cursor_visible(self) -> None:
        edit = self.focusWidget()
        if not isinstance(edit, AnswerEdit) or not self.sections_host.isAncestorOf(edit):
            return
        rect = edit.cursorRect()
        centre = edit.viewport().mapTo(self.sections_host, rect.center())
        margin = rect.height() * 2
        self.sections_scroll.ensureVisible(centre.x(), centre.y(), 0, margin)

    def _set_status(self, status: EntryStatus) -> None:
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(status.value)))

    def _set_date_shown(self, value: date | None) -> None:
        self.date_check.setChecked(value is not None)
        day = value or date.today()
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.setEnabled(value is not None)
        self._shown_date = value

    def _on_text_changed(self, *_args: object) -> None:
        if not self._loading and self._entry_id:
            self.text_edited.emit()

    def _on_title_changed(self, change: TextChange) -> None:
        if not self._loading and self._entry_id:
            self.text_change_made.emit(TITLE_FIELD, change)
            self.text_edited.emit()

    def _on_section_changed(self, key: str, change: TextChange) -> None:
        if not self._loading and self._entry_id:
            self.text_change_made.emit(SECTION_PREFIX + key, change)
            self.text_edited.emit()

    def _on_date_toggled(self, checked: bool) -> None:
        self.date_edit.setEnabled(checked)
        self._on_date_changed()

    def _on_date_changed(self, *_args: object) -> None:
        if self._loading or not self._entry_id:
            return
        new = self.occurred_on()
        if new != self._shown_date:
            old, self._shown_date = self._shown_date, new
            self.date_change_made.emit(old, new)
            self.text_edited.emit()

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


def _pair(parent: QWidget, first: QWidget, second: QWidget) -> QWidget:
    """Two widgets that stay on one line when a flow layout wraps (a label and its field)."""
    holder = QWidget(parent)
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.setSpacing(4)
    first.setParent(holder)
    second.setParent(holder)
    row.addWidget(first)
    row.addWidget(second, 1)
    return holder


def template_credit(template_id: str) -> str:
    """The credit line of a bundled template ("" for unknown ids and the free template)."""
    from portfolio_app.core.reflective_templates import TemplateNotFoundError, get_template

    try:
        return get_template(template_id).credit
    except TemplateNotFoundError:
        return ""
