"""The open portfolio's controller: list, filters, entry commands, editor and secondary windows.

Contract:
- One controller per unlocked session, with its own QUndoStack (active in the app's
  QUndoGroup). It is the only GUI object that calls the PortfolioService for entries.
- Every change the student makes goes on that one stack, in order: typing in word-sized steps
  (TextEditCommand), the date, status, model, tags and links, new and deleted entries. The
  commands call back the ``op_*`` methods here; those call the service (or, for typing, the
  editor, which autosaves) and update single rows of the models. An undo that belongs to
  another entry first opens that entry, so the student sees what changed.
- Search and sidebar filters build one core EntryFilter; the service decides which entries
  match (cached texts) and the list's proxy shows that set without a model reset.
- ``shutdown`` saves typed text and drops every reference to decrypted data; the caller then
  closes the service.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMessageBox, QWidget

from portfolio_app.core.domain.catalogue import PROFESSIONS
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
    check_status_move,
)
from portfolio_app.core.domain.entry_filter import EntryFilter, parse_query
from portfolio_app.core.domain.errors import PortfolioError, ValidationError
from portfolio_app.core.domain.model_change import change_model
from portfolio_app.core.domain.templates import FREE_TEMPLATE_ID, ReflectiveTemplate
from portfolio_app.core.preferences import Preferences
from portfolio_app.core.reflective_templates import (
    TemplateError,
    get_template,
    templates_for,
)
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService
from portfolio_app.gui.controllers.attachments_controller import AttachmentsController
from portfolio_app.gui.controllers.editor_controller import PLAN_PENDING_HTML, EditorController
from portfolio_app.gui.controllers.facets import (
    GROUP_CODES,
    GROUP_EVENT_KINDS,
    GROUP_EXPERIENCES,
    GROUP_FEEDBACK,
    GROUP_KINDS,
    GROUP_PROFESSIONS,
    GROUP_STATUSES,
    GROUP_TAGS,
    HAS_FEEDBACK,
    build_facet_groups,
)
from portfolio_app.gui.controllers.search_index import SearchIndex
from portfolio_app.gui.editor.entry_editor import EditorChoices
from portfolio_app.gui.editor.text_change import TextChange
from portfolio_app.gui.item_models.checklist_model import Choice
from portfolio_app.gui.main_window import MainWindow
from portfolio_app.gui.undo_commands import (
    CreateEntryCommand,
    DateCommand,
    DeleteEntryCommand,
    SetEntryFieldsCommand,
    TextEditCommand,
    _EntryCommand,
    status_command,
)
from portfolio_app.gui.widgets.plain_text import plain_message

#: More competencies than this on one entry earns a gentle hint (never a block).
USUAL_COMPETENCIES = 3
COMPETENCY_HINT = (
    "1-3 competencies of one framework is usual for one entry: link more only when the entry "
    "really shows them."
)
FACETS_MS = 400

#: Templates preferred for a new entry of each kind when the preference does not suit it.
_KIND_TEMPLATE = {
    EntryKind.PLAN: "pre-event-plan",
    EntryKind.REFLECTION: "what-so-what-now-what",
    EntryKind.NOTE: "quick-capture",
}


class PortfolioController(QObject):
    """Everything the main window does with an open portfolio."""

    #: A status-bar message for the student.
    status_message = Signal(str)

    def __init__(
        self,
        service: PortfolioService,
        window: MainWindow,
        undo_stack: QUndoStack,
        preferences: Preferences,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service = service
        self.window = window
        self.undo_stack = undo_stack
        self.preferences = preferences
        self.editor = window.editor
        self.entry_list = window.entry_list
        self.sidebar = window.sidebar
        self.editor_controller = EditorController(service, window.editor, self)
        self.editor_controller.entry_saved.connect(self._on_editor_entry_saved)
        self.editor_controller.save_failed.connect(self._on_editor_save_failed)
        # Evidence files: a tab of the editor and drops on it (issue 9).
        self.attachments = AttachmentsController(service, window.editor, self)
        self._facet_timer = QTimer(self)
        self._facet_timer.setSingleShot(True)
        self._facet_timer.setInterval(FACETS_MS)
        self._facet_timer.timeout.connect(self.refresh_facets)
        self._competency_choices: list[Choice] | None = None
        self.search_index = SearchIndex()
        self._open_windows: dict[str, QWidget] = {}
        self._in_history = False
        self._connect()

    # ---- wiring ---------------------------------------------------------------------------

    def _connect(self) -> None:
        self.entry_list.search_text_changed.connect(self._on_search_text_changed)
        self.entry_list.current_entry_changed.connect(self._on_current_entry_changed)
        self.sidebar.filters_changed.connect(self.apply_filter)
        self.editor.status_change_requested.connect(self._on_status_change_requested)
        self.editor.template_change_requested.connect(self._on_template_change_requested)
        self.editor.tags_change_requested.connect(self._on_tags_change_requested)
        self.editor.links_change_requested.connect(self._on_links_change_requested)
        self.editor.text_change_made.connect(self._on_editor_text_change_made)
        self.editor.date_change_made.connect(self._on_editor_date_change_made)
        self.undo_stack.indexChanged.connect(self._on_undo_index_changed)
        actions = self.window.app_actions
        slots: dict[str, Any] = {
            "new_reflection": lambda: self.new_entry(EntryKind.REFLECTION),
            "new_plan": lambda: self.new_entry(EntryKind.PLAN),
            "new_note": lambda: self.new_entry(EntryKind.NOTE),
            "save": self.save,
            "reflect_on_plan": self.reflect_on_plan,
            "mark_ready": lambda: self.change_status(EntryStatus.READY),
            "mark_draft": lambda: self.change_status(EntryStatus.DRAFT),
            "history": self.open_history,
            "final_reflection": self.open_final_reflection,
            "delete_entry": self.delete_current,
            "toggle_preview": self.editor_controller.set_preview_visible,
            "clear_filters": self.clear_filters,
            "coverage": self.open_coverage,
            "catalogue": self.open_catalogue,
            "import_framework": self.open_framework_import,
            "import_archive": self.open_archive_import,
            "export": self.open_export,
            "backup": self.open_backup,
            "change_passphrase": self.open_change_passphrase,
            "recovery_key": self.open_recovery_key,
            "verify": self.open_verify,
            "countersign": self.open_countersign,
            "review": self.open_review,
            "import_feedback": self.open_import_feedback,
            "course_certificates": self.open_course_certificates,
            "get_certified": self.open_get_certified,
            "signing_settings": self.open_signing_settings,
        }
        for name, slot in slots.items():
            action = actions.get(name)
            if action.isCheckable():
                action.toggled.connect(slot)
            else:
                action.triggered.connect(slot)

    # ---- populate -------------------------------------------------------------------------

    def populate(self) -> None:
        """Fill the list from the service (unlock); counts and search texts follow shortly."""
        self._reload_entries()
        # The sidebar counts come right after the window is shown, not before.
        self._facet_timer.start(0)
        self.apply_filter()
        if self.entry_list.proxy.rowCount() and not self.editor.entry_id:
            # Open the newest entry: an empty editor on start-up looks like lost work.
            self.entry_list.table.selectRow(0)
        profile = self.service.profile
        self.window.setWindowTitle(f"{profile.name} — Reflective Portfolio")
        if self.service.damaged or self.service.integrity_findings:
            # After the window is on screen, so the student sees what the findings are about.
            QTimer.singleShot(0, self.show_integrity_findings)

    def show_integrity_findings(self) -> None:
        """What changed outside the app and what cannot be read (shown once at unlock)."""
        if not self.service.is_open:
            return
        from portfolio_app.gui.dialogs.integrity_dialog import IntegrityDialog

        dialog = IntegrityDialog(self.service, self.window)
        kept = dialog.exec() == IntegrityDialog.DialogCode.Accepted
        if kept:  # the saved values are back in place: show them
            self._reload_entries()

    def refresh_facets(self) -> None:
        """Recount the sidebar (debounced after changes)."""
        if not self.service.is_open:
            return
        from portfolio_app.core.services.feedback_service import entries_with_feedback

        summaries = self.service.summaries()
        groups = build_facet_groups(
            summaries,
            self.service.events(),
            self.service.experiences(),
            self._frameworks(),
            with_feedback=entries_with_feedback(self.service) & {s.id for s in summaries},
        )
        self.sidebar.model.set_groups(groups)

    def _frameworks(self) -> list[Any]:
        return self.service.frameworks()

    # ---- searching and filtering ------------------------------------------------------------

    def current_filter(self) -> EntryFilter:
        """The search words plus the sidebar's ticks and dates, as one core filter."""
        typed = parse_query(self.entry_list.search.text())
        ticked = self.sidebar.model.checked()
        date_from, date_to = self.sidebar.date_range()
        only_ids = None
        if HAS_FEEDBACK in ticked.get(GROUP_FEEDBACK, frozenset()):
            from portfolio_app.core.services.feedback_service import entries_with_feedback

            # ids from the (few) imported feedback records: the search index answers it
            only_ids = frozenset(entries_with_feedback(self.service))
        return dataclasses.replace(
            typed,
            only_ids=only_ids,
            kinds=typed.kinds | ticked.get(GROUP_KINDS, frozenset()),
            statuses=typed.statuses | ticked.get(GROUP_STATUSES, frozenset()),
            tags=typed.tags | ticked.get(GROUP_TAGS, frozenset()),
            codes=typed.codes | ticked.get(GROUP_CODES, frozenset()),
            event_kinds=ticked.get(GROUP_EVENT_KINDS, frozenset()),
            experience_ids=ticked.get(GROUP_EXPERIENCES, frozenset()),
            professions=ticked.get(GROUP_PROFESSIONS, frozenset()),
            date_from=date_from,
            date_to=date_to,
        )

    def apply_filter(self) -> None:
        """Show the entries that pass the current filter (no model reset)."""
        if not self.service.is_open:
            return
        flt = self.current_filter()
        accepted = None if flt.is_empty else self.search_index.matching_ids(self.service, flt)
        self.entry_list.proxy.set_accepted(accepted)
        self._update_count()

    def _reload_entries(self) -> None:
        """Reset the list from the service's search index (unlock, or links changed by the
        catalogue): no entry is decrypted until it is opened."""
        self.entry_list.source_model.set_entries(self.service.summaries())
        self.search_index.invalidate()

    def clear_filters(self) -> None:
        """Show every entry again."""
        self.sidebar.blockSignals(True)
        self.sidebar.clear()
        self.sidebar.blockSignals(False)
        self.entry_list.search.clear()
        self.apply_filter()

    def _update_count(self) -> None:
        total = self.service.entry_count()
        self.entry_list.update_count(total)
        self.editor.set_portfolio_empty(total == 0)
        self.window.count_label.setText(self.entry_list.count_label.text())

    def _on_search_text_changed(self, _text: str) -> None:
        self.apply_filter()

    # ---- showing entries --------------------------------------------------------------------

    def _on_current_entry_changed(self, entry_id: str) -> None:
        if not entry_id or entry_id == self.editor.entry_id:
            return
        self.flush_typing()
        self.show_entry(entry_id)

    def show_entry(self, entry_id: str) -> None:
        """Open an entry in the editor."""
        try:
            entry = self.service.get_entry(entry_id)
        except PortfolioError as exc:
            self.status_message.emit(exc.user_message)
            return
        template = _template_or_none(entry.template_id)
        plan = None
        if entry.plan_id:
            try:
                plan = self.service.get_entry(entry.plan_id)
            except PortfolioError:
                plan = None
        pending = PLAN_PENDING_HTML if plan is not None else ""
        self.editor.show_entry(entry, template, self._choices(entry), plan_html=pending)
        self.editor_controller.show_plan(plan)  # rendered on a worker thread
        self._update_competency_hint(entry)
        from portfolio_app.core.services.feedback_service import entry_feedback

        self.editor.set_feedback(entry_feedback(self.service, entry.id))
        self.editor_controller.entry_shown(entry)
        self.attachments.entry_shown(entry.id)

    def _choices(self, entry: Entry) -> EditorChoices:
        templates = [(t.id, t.name) for t in templates_for(entry.kind.value)]
        events = [
            Choice(
                e.id,
                f"{e.title} ({e.kind.label}{_date_suffix(e.on)})",
                e.place,
                f"{e.kind.label} {e.place}",
            )
            for e in self.service.events()
        ]
        experiences = [
            Choice(x.id, f"{x.title} ({x.kind.label})", x.setting, f"{x.kind.label} {x.setting}")
            for x in self.service.experiences()
        ]
        used = {
            p
            for group in self.sidebar.model.groups()
            if group.key == GROUP_PROFESSIONS
            for p in (f.key for f in group.facets)
        }
        professions = [Choice(p, p) for p in (*PROFESSIONS, *sorted(used - set(PROFESSIONS)))]
        tags = sorted(self.service.all_tags().items(), key=lambda kv: (-kv[1], kv[0].casefold()))
        return EditorChoices(
            templates=templates,
            events=events,
            experiences=experiences,
            professions=professions,
            competencies=self._competency_list(),
            known_tags=[t for t, _n in tags],
        )

    def _competency_list(self) -> list[Choice]:
        if self._competency_choices is None:
            frameworks = sorted(
                self._frameworks(),
                key=lambda f: (f.id != self.preferences.default_framework, f.name),
            )
            choices: list[Choice] = []
            for framework in frameworks:
                for code, label, _standard in framework.linkable():
                    choices.append(
                        Choice(
                            f"{framework.id}:{code}",
                            f"{framework.short_name} · {label}",
                            f"{framework.name}\n{label}",
                            f"{code} {framework.id}",
                        )
                    )
            self._competency_choices = choices
        return self._competency_choices

    def _update_competency_hint(self, entry: Entry) -> None:
        # Counted per framework: one entry mapped to a course's outcomes, IPEC and a UK
        # standard at once is normal, and must not earn the "too many" hint.
        per_framework: dict[str, int] = {}
        for link in entry.competencies:
            per_framework[link.framework_id] = per_framework.get(link.framework_id, 0) + 1
        many = max(per_framework.values(), default=0) > USUAL_COMPETENCIES
        self.editor.set_competency_hint(COMPETENCY_HINT if many else "")

    # ---- entry-level commands -----------------------------------------------------------------

    def _push(self, command: _EntryCommand) -> bool:
        # Tags still being typed become their own undo step first (never pushed from inside
        # another command's redo, which is where op_* methods run).
        self.editor.tags_edit.commit()
        self.undo_stack.push(command)
        if command.error is not None:
            self.show_error("That change was not made", command.error)
            return False
        return True

    def new_entry(
        self,
        kind: EntryKind,
        plan: Entry | None = None,
        competencies: tuple[CompetencyLink, ...] = (),
    ) -> Entry | None:
        """Start a plan, reflection or note (undoable), optionally linked to competencies."""
        if not self.flush_typing():
            return None
        template = self._template_for_new(kind)
        sections = tuple(Section(heading=s.heading, body="", key=s.key) for s in template.sections)
        today = date.today()
        # No date in a new title: the privacy check rightly flags dates, so a dated default
        # warned the student about text the app wrote (the date is in "Happened on").
        title = f"Reflection on: {plan.title}" if plan is not None else f"New {kind.label.lower()}"
        occurred = None if kind is EntryKind.PLAN else datetime.combine(today, time(12), UTC)
        if plan is not None and plan.occurred_on is None:
            days: dict[str, date | None] = {str(e.id): e.on for e in self.service.events()}
            planned = next((days[i] for i in plan.event_ids if days.get(i) is not None), None)
            if planned is not None:
                occurred = datetime.combine(planned, time(12), UTC)
        draft = EntryDraft(
            kind=kind,
            title=title[:300],
            template_id=template.id,
            sections=sections,
            occurred_on=plan.occurred_on if plan and plan.occurred_on else occurred,
            plan_id=plan.id if plan else None,
            event_ids=plan.event_ids if plan else (),
            experience_ids=plan.experience_ids if plan else (),
            professions=plan.professions if plan else (),
            competencies=competencies,
        )
        command = CreateEntryCommand(self, draft)
        if not self._push(command) or command.entry is None:
            return None
        self.editor.title_edit.setFocus()
        self.editor.title_edit.selectAll()
        self.status_message.emit(f"New {kind.label.lower()}: type a title, then write.")
        return command.entry

    def _template_for_new(self, kind: EntryKind) -> ReflectiveTemplate:
        wanted = [self.preferences.default_template, _KIND_TEMPLATE[kind], FREE_TEMPLATE_ID]
        if kind is not EntryKind.REFLECTION:
            wanted = [_KIND_TEMPLATE[kind], FREE_TEMPLATE_ID]
        for template_id in wanted:
            template = _template_or_none(template_id)
            if template is not None and template.suits(kind.value):
                return template
        return templates_for(kind.value)[0]

    def reflect_on_plan(self) -> Entry | None:
        """Start a reflection that answers the selected plan."""
        entry = self.current_entry()
        if entry is None or entry.kind is not EntryKind.PLAN:
            QMessageBox.information(
                self.window,
                "Reflect on a plan",
                "Select a plan in the list first; the reflection will show it beside your text.",
            )
            return None
        return self.new_entry(EntryKind.REFLECTION, plan=entry)

    def delete_current(self) -> None:
        """Delete the entry in the editor (Undo brings it back)."""
        entry = self.current_entry()
        if entry is None:
            return
        if self._push(DeleteEntryCommand(self, entry.id, entry.title)):
            self.status_message.emit(f"Deleted “{entry.title}”. Undo (Ctrl+Z) brings it back.")

    def change_status(self, status: EntryStatus) -> None:
        """Move the current entry to another status (undoable)."""
        entry = self.current_entry()
        if entry is None or entry.status is status:
            return
        self.flush_typing()
        entry = self.service.get_entry(entry.id)
        try:
            check_status_move(entry.status, status)
        except PortfolioError as exc:
            self.editor.set_status_shown(entry.status)
            self.show_error("Status not changed", exc)
            return
        self._push(status_command(self, entry, status))

    def _on_status_change_requested(self, value: str) -> None:
        self.change_status(EntryStatus(value))

    def _on_template_change_requested(self, template_id: str) -> None:
        """Use another reflective model; the answers move to its sections (undoable)."""
        entry = self.current_entry()
        template = _template_or_none(template_id)
        if entry is None or template is None or template.id == entry.template_id:
            return
        self.flush_typing()
        entry = self.service.get_entry(entry.id)
        moved = change_model(entry.sections, _template_or_none(entry.template_id), template)
        if self._push(
            SetEntryFieldsCommand(
                self,
                entry.id,
                {"template_id": entry.template_id, "sections": entry.sections},
                {"template_id": template.id, "sections": moved.sections},
                f"Use {template.name}",
            )
        ):
            note = moved.summary or "No text to move."
            self.status_message.emit(f"Now using {template.name}. {note} Undo (Ctrl+Z) goes back.")

    def _on_tags_change_requested(self, tags: tuple[str, ...]) -> None:
        entry = self.current_entry()
        if entry is None or tuple(tags) == entry.tags:
            return
        self._push(
            SetEntryFieldsCommand(
                self, entry.id, {"tags": entry.tags}, {"tags": tuple(tags)}, "Change tags"
            )
        )

    def _on_links_change_requested(self, field_name: str, keys: tuple[str, ...]) -> None:
        entry = self.current_entry()
        if entry is None:
            return
        old: object = getattr(entry, field_name)
        new: object = tuple(keys)
        if field_name == "competencies":
            ratings = {
                f"{link.framework_id}:{link.code}": link.self_rating for link in entry.competencies
            }
            links = []
            for key in keys:
                framework_id, _sep, code = key.partition(":")
                links.append(CompetencyLink(framework_id, code, ratings.get(key)))
            new = tuple(links)
        if new == old:
            return
        titles = {
            "event_ids": "Change events",
            "experience_ids": "Change experiences",
            "professions": "Change professions",
            "competencies": "Change competencies",
        }
        before: dict[str, object] = {field_name: old}
        after: dict[str, object] = {field_name: new}
        event_day = self._event_day_for(entry, keys) if field_name == "event_ids" else None
        if event_day is not None:
            # A reflection on an event happened on the event's day (same undo step).
            before["occurred_on"] = entry.occurred_on
            after["occurred_on"] = datetime.combine(event_day, time(12), UTC)
        if (
            self._push(
                SetEntryFieldsCommand(
                    self, entry.id, before, after, titles.get(field_name, "Change links")
                )
            )
            and event_day is not None
        ):
            self.status_message.emit(
                f"“Happened on” set to the event's date, {_date_suffix(event_day)[2:]}. "
                "Undo (Ctrl+Z) puts it back."
            )

    def _event_day_for(self, entry: Entry, keys: tuple[str, ...]) -> date | None:
        """The date of a newly linked event, when a reflection's date is still the default.

        The default is the day the entry was made (new_entry sets it); a date the student
        changed is left alone.
        """
        if entry.kind is not EntryKind.REFLECTION:
            return None
        added = [key for key in keys if key not in entry.event_ids]
        if not added:
            return None
        untouched = entry.occurred_on is None or entry.occurred_on.date() == entry.created.date()
        if not untouched:
            return None
        days: dict[str, date | None] = {str(e.id): e.on for e in self.service.events()}
        day = days.get(added[0])
        if day is None or (entry.occurred_on is not None and entry.occurred_on.date() == day):
            return None
        return day

    # ---- EntryOperations (called by undo commands) -----------------------------------------

    def op_add(self, draft: EntryDraft) -> Entry:
        """Create and show an entry."""
        with self._history_step():
            entry = self.service.add_entry(draft)
            self._entry_changed(entry, select=True)
            return entry

    def op_restore(self, entry: Entry) -> Entry:
        """Put a deleted entry back and show it."""
        with self._history_step():
            restored = self.service.restore_entry(entry)
            self._entry_changed(restored, select=True)
            return restored

    def op_delete(self, entry_id: str) -> Entry:
        """Delete an entry (typed text is saved first, so undo gets it back)."""
        with self._history_step():
            shown = self.editor.entry_id == entry_id
            if shown:
                self.editor_controller.flush()
            entry = self.service.delete_entry(entry_id)
            if shown:
                self.editor_controller.discard()
                self.editor.clear()
                self.attachments.entry_shown("")
            self.entry_list.source_model.remove_entry(entry_id)
            self.search_index.invalidate()
            self._after_change()
            return entry

    def op_update(self, entry_id: str, changes: dict[str, object]) -> Entry:
        """Change fields of an entry and save them."""
        with self._history_step():
            if self.editor.entry_id and self.editor.entry_id != entry_id:
                self._show_for_history(entry_id)  # an undo of another entry: show it first
            shown = self.editor.entry_id == entry_id
            if shown:
                self.editor_controller.flush()
            entry = self.service.get_entry(entry_id)
            # Ticking a tag or competency is part of the same working session as the typing
            # around it: coalesce it into the recent revision instead of adding a version that
            # looks identical in the history (words and title unchanged).
            text_changed = bool({"sections", "template_id", "title"} & changes.keys())
            saved = self.service.save_entry(entry.replace(**changes), autosave=not text_changed)
            self._entry_changed(saved, select=False)
            if shown:
                if "sections" in changes or "template_id" in changes:
                    self.show_entry(saved.id)
                else:
                    self.editor.apply_links(saved)
                    self._update_competency_hint(saved)
                    if "occurred_on" in changes:
                        self.editor.show_date(saved.occurred_on)
            return saved

    def op_text(self, entry_id: str, field_name: str, change: TextChange) -> None:
        """Undo or redo typing: open the entry if need be, change the text, autosave it."""
        with self._history_step():
            self._show_for_history(entry_id)
            try:
                self.editor.apply_text_change(field_name, change)
            except ValueError as exc:
                raise ValidationError(
                    "That typing can no longer be undone: the text changed since (for "
                    "example, an earlier version was restored)."
                ) from exc

    def op_date(self, entry_id: str, value: date | None) -> None:
        """Undo or redo a change of the "Happened on" date."""
        with self._history_step():
            self._show_for_history(entry_id)
            self.editor.apply_date(value)

    @contextmanager
    def _history_step(self) -> Iterator[None]:
        """While an undo or redo runs: switching entries must not push new steps."""
        before = self._in_history
        self._in_history = True
        try:
            yield
        finally:
            self._in_history = before

    def _show_for_history(self, entry_id: str) -> None:
        if self.editor.entry_id == entry_id:
            return
        self.editor_controller.flush()
        if not self.entry_list.select_entry(entry_id):
            self.show_entry(entry_id)
        if self.editor.entry_id != entry_id:
            raise ValidationError("That entry is no longer in the portfolio.")

    def _on_editor_text_change_made(self, field_name: str, change: TextChange) -> None:
        entry_id = self.editor.entry_id
        if entry_id and not self._in_history:
            self.undo_stack.push(TextEditCommand(self, entry_id, field_name, change))

    def _on_editor_date_change_made(self, old: date | None, new: date | None) -> None:
        entry_id = self.editor.entry_id
        if entry_id and not self._in_history:
            self.undo_stack.push(DateCommand(self, entry_id, old, new))

    def _entry_changed(self, entry: Entry, *, select: bool) -> None:
        self.entry_list.source_model.upsert_entry(entry)
        self.search_index.invalidate()
        self.entry_list.proxy.pin(entry.id)
        if select and not self.entry_list.select_entry(entry.id):
            self.show_entry(entry.id)
        self._after_change()

    def _after_change(self) -> None:
        self._update_count()
        self._facet_timer.start()
        self._refresh_open_views()

    def _on_editor_entry_saved(self, entry: Entry) -> None:
        self.entry_list.source_model.upsert_entry(entry)
        self.search_index.invalidate()
        # A new title or date can move the row (sorted list); keep it selected.
        if self.entry_list.current_entry_id() != entry.id:
            self.entry_list.select_entry(entry.id)
        self._facet_timer.start()

    def _on_editor_save_failed(self, message: str) -> None:
        self.status_message.emit(f"Not saved: {message}")

    def _on_undo_index_changed(self, index: int) -> None:
        try:
            count = self.undo_stack.count()
        except RuntimeError:
            return  # QUndoStack's destructor clears it (and signals) after the C++ side is gone
        self.window.app_actions.get("save").setEnabled(True)
        # An undo or redo that could not be made says why (the stack has moved on regardless).
        for position in (index, index - 1):
            if 0 <= position < count:
                command = self.undo_stack.command(position)
                error = getattr(command, "error", None)
                if isinstance(error, PortfolioError):
                    self.status_message.emit(error.user_message)
                    command.error = None  # type: ignore[attr-defined]

    # ---- helpers ----------------------------------------------------------------------------

    def current_entry(self) -> Entry | None:
        """The entry shown in the editor (or selected in the list)."""
        entry_id = self.editor.entry_id or self.entry_list.current_entry_id()
        if not entry_id:
            return None
        try:
            return self.service.get_entry(entry_id)
        except PortfolioError:
            return None

    def flush_typing(self) -> bool:
        """Save what is typed: tags still in their box (an undoable change), then the text."""
        if not self._in_history:
            self.editor.tags_edit.commit()
        return self.editor_controller.flush()

    def save(self) -> bool:
        """Save typed text now (Ctrl+S)."""
        ok = self.flush_typing()
        if ok:
            self.status_message.emit("Saved.")
        return ok

    def show_error(self, title: str, error: PortfolioError) -> None:
        """A clear dialog with the error's user message (never a traceback)."""
        # The message may quote a file name or a file's own text: plain, never rich text.
        plain_message(self.window, QMessageBox.Icon.Warning, title, error.user_message).exec()

    def shutdown(self) -> bool:
        """Save typed text and forget decrypted data (lock or quit); False if the save failed."""
        saved = self.flush_typing()
        self.editor_controller.discard()
        self.attachments.shutdown()
        self._facet_timer.stop()
        for widget in list(self._open_windows.values()):
            widget.close()
            widget.deleteLater()
        self._open_windows.clear()
        self.editor.clear()
        self.entry_list.search.blockSignals(True)
        self.entry_list.search.clear()
        self.entry_list.search.blockSignals(False)
        self.entry_list.proxy.set_accepted(None)
        self.entry_list.source_model.clear()
        self.search_index.invalidate()
        self.sidebar.model.set_groups([])
        self.undo_stack.indexChanged.disconnect(self._on_undo_index_changed)
        self.undo_stack.clear()
        self._competency_choices = None
        return saved

    # ---- secondary windows (another engineer's modules, imported on first use) ----------------

    def _load(self, module: str, name: str) -> Any:
        try:
            return getattr(importlib.import_module(f"portfolio_app.gui.{module}"), name)
        except (ModuleNotFoundError, AttributeError):
            QMessageBox.information(
                self.window,
                "Not available yet",
                "This part of the app is not available yet in this version.",
            )
            return None

    def _exec_dialog(self, module: str, name: str, *args: Any) -> Any:
        cls = self._load(module, name)
        if cls is None:
            return None
        self.flush_typing()
        try:
            dialog = cls(*args, self.window)
        except PortfolioError as exc:
            self.show_error("Could not open", exc)
            return None
        return dialog

    def _show_window(self, key: str, module: str, name: str, *args: Any) -> QWidget | None:
        existing = self._open_windows.get(key)
        if existing is not None:
            refresh = getattr(existing, "refresh", None)
            if callable(refresh):
                refresh()
            existing.show()
            existing.raise_()
            existing.activateWindow()
            return existing
        cls = self._load(module, name)
        if cls is None:
            return None
        widget: QWidget = cls(*args, self.window)
        widget.setWindowFlag(Qt.WindowType.Window, True)
        widget.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._open_windows[key] = widget
        widget.show()
        return widget

    def _refresh_open_views(self) -> None:
        coverage = self._open_windows.get("coverage")
        if coverage is not None and coverage.isVisible():
            refresh = getattr(coverage, "refresh", None)
            if callable(refresh):
                refresh()

    def open_coverage(self) -> None:
        """Competency coverage and gaps."""
        fresh = "coverage" not in self._open_windows
        widget = self._show_window("coverage", "views.coverage_view", "CoverageView", self.service)
        if widget is not None and fresh:
            signal = getattr(widget, "entry_activated", None)
            if signal is not None:
                signal.connect(self._on_coverage_entry_activated)
            planned = getattr(widget, "plan_requested", None)
            if planned is not None:
                planned.connect(self.plan_for_competency)
        if widget is not None:
            widget.setWindowTitle("Coverage — Reflective Portfolio")
            widget.resize(self.window.width() * 3 // 4, self.window.height() * 3 // 4)

    def plan_for_competency(self, framework_id: str, code: str) -> Entry | None:
        """Start a plan linked to a competency that has no evidence yet (from Next steps)."""
        self.window.raise_()
        self.window.activateWindow()
        return self.new_entry(EntryKind.PLAN, competencies=(CompetencyLink(framework_id, code),))

    def _on_coverage_entry_activated(self, entry_id: str) -> None:
        """Show an entry picked in the coverage view (clearing filters that would hide it)."""
        if not self.entry_list.select_entry(entry_id):
            self.clear_filters()
            if not self.entry_list.select_entry(entry_id):
                self.show_entry(entry_id)
        self.window.raise_()
        self.window.activateWindow()

    def open_catalogue(self, record: str = "") -> None:
        """Events and experiences; ``record`` ("event:<id>", "experience:<id>") opens its form."""
        dialog = self._exec_dialog("dialogs.catalogue_dialog", "CatalogueDialog", self.service)
        if dialog is None:
            return
        dialog.catalogue_changed.connect(self._on_catalogue_changed)
        if record:
            QTimer.singleShot(0, lambda: dialog.open_record(record))
        dialog.exec()

    def _on_catalogue_changed(self, *_args: object) -> None:
        self.flush_typing()
        self._reload_entries()
        self.apply_filter()
        self.refresh_facets()
        entry = self.current_entry()
        if entry is not None:
            self.entry_list.select_entry(entry.id)
            self.show_entry(entry.id)

    def open_final_reflection(self) -> None:
        """The closing overall reflection of the portfolio."""
        dialog = self._exec_dialog(
            "dialogs.final_reflection_dialog", "FinalReflectionDialog", self.service
        )
        if dialog is not None:
            dialog.exec()
            if dialog.saved_once:
                self.status_message.emit("Final reflection saved.")

    def open_history(self) -> None:
        """Earlier versions of the current entry."""
        entry = self.current_entry()
        if entry is None:
            return
        dialog = self._exec_dialog(
            "dialogs.history_dialog", "RevisionHistoryDialog", self.service, entry.id
        )
        if dialog is None:
            return
        dialog.revision_restored.connect(self.on_revision_restored)
        dialog.exec()

    def on_revision_restored(self, entry_id: str) -> None:
        """A revision became current: show it (the restore itself is in the history)."""
        self.undo_stack.clear()  # earlier field commands may no longer apply to the restored text
        entry = self.service.get_entry(entry_id)
        self.entry_list.source_model.upsert_entry(entry)
        self.search_index.invalidate()
        if self.editor.entry_id == entry_id:
            self.editor_controller.discard()
            self.show_entry(entry_id)
        self._after_change()
        self.status_message.emit(
            "Earlier version restored; the version it replaced is in the history."
        )

    def open_export(self) -> Any:
        """Signed PDF export. The app unlocks from the search index, so the first export of a
        session reads and checks every record first: on a worker thread behind a progress
        dialog (about a second at 10,000 entries), never on the GUI thread."""
        if self.service.has_read_everything:
            self._open_export_dialog()
            return None
        return self.read_everything_then(self._open_export_dialog)

    def read_everything_then(self, then: Callable[[], None]) -> Any:
        """Read and check every record off the GUI thread (typed text saved first, auto-lock
        paused, the window blocked by a progress dialog so nothing else touches the
        portfolio meanwhile), then call ``then`` on the GUI thread."""
        from PySide6.QtWidgets import QProgressDialog

        from portfolio_app.gui.background import run_in_background

        if not self.flush_typing():
            return None
        idle = getattr(self.parent(), "idle", None)
        if idle is not None:
            idle.set_active(False)
        progress = QProgressDialog("Reading and checking every entry…", "", 0, 0, self.window)
        progress.setWindowTitle("Preparing the export")
        progress.setCancelButton(None)  # reading only: it changes nothing and ends soon
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(300)
        progress.setAccessibleName("Reading progress")
        service = self.service

        def finish() -> None:
            progress.reset()
            progress.deleteLater()
            if idle is not None and service.is_open:
                idle.set_active(True)

        def succeeded(_result: object) -> None:
            finish()
            if service.is_open:
                then()

        def failed(error: BaseException) -> None:
            finish()
            if isinstance(error, PortfolioError):
                self.show_error("Could not read the portfolio", error)
            else:
                raise error

        return run_in_background(
            lambda _progress, _cancelled: service.read_everything(),
            on_success=succeeded,
            on_error=failed,
        )

    def _open_export_dialog(self) -> None:
        dialog = self._exec_dialog("dialogs.export_dialog", "ExportDialog", self.service)
        if dialog is not None:
            # "Go back and fix" names the entry whose text looked identifying: open it.
            dialog.fix_requested.connect(self._on_export_fix_requested)
            dialog.fix_record_requested.connect(self._on_export_fix_record_requested)
            dialog.exec()
            if dialog.result_info is not None and dialog.result_info.signed:
                self.refresh_after_status_changes()

    def _on_export_fix_requested(self, entry_id: str) -> None:
        if entry_id:
            self._on_coverage_entry_activated(entry_id)

    def _on_export_fix_record_requested(self, record: str) -> None:
        """The finding is in an event, an experience or the final reflection: open that."""
        # After the export dialog's own event loop has returned.
        if record == "final-reflection":
            QTimer.singleShot(0, self.open_final_reflection)
        elif record.startswith(("event:", "experience:")):
            QTimer.singleShot(0, lambda: self.open_catalogue(record))

    def open_backup(self) -> None:
        """Encrypted backup."""
        dialog = self._exec_dialog("dialogs.backup_dialog", "BackupDialog", self.service)
        if dialog is not None:
            dialog.exec()

    def open_change_passphrase(self) -> None:
        """Change the passphrase."""
        dialog = self._exec_dialog(
            "dialogs.passphrase_dialog", "ChangePassphraseDialog", self.service
        )
        if dialog is not None:
            dialog.exec()

    def open_recovery_key(self) -> None:
        """What the recovery key is for; make a new one."""
        dialog = self._exec_dialog(
            "dialogs.passphrase_dialog", "RecoveryKeyStatusDialog", self.service
        )
        if dialog is not None:
            dialog.exec()

    def open_framework_import(self) -> None:
        """Import a framework pack (a file dialog, then the service validates it)."""
        importer = self._load("dialogs.framework_import", "import_framework_pack")
        if importer is None:
            return
        self.flush_typing()
        if importer(self.service, self.window):
            self._competency_choices = None
            self.refresh_facets()
            entry = self.current_entry()
            if entry is not None:
                self.show_entry(entry.id)

    def open_archive_import(self, path: Path | None = None) -> Any:
        """File ▸ Import archive…: read, check and write an archive off the GUI thread, with
        auto-lock paused and typed text saved first; the list reloads when it is done."""
        importer = self._load("dialogs.archive_import_dialog", "ArchiveImport")
        if importer is None or not self.flush_typing():
            return None
        idle = getattr(self.parent(), "idle", None)
        if idle is not None:
            idle.set_active(False)

        def done(counts: dict[str, int] | None) -> None:
            if idle is not None and self.service.is_open:
                idle.set_active(True)
            if counts is None or not self.service.is_open:
                return
            from portfolio_app.gui.dialogs.archive_import_dialog import describe

            self._competency_choices = None
            self._reload_entries()
            self.refresh_facets()
            self.apply_filter()
            self.status_message.emit(describe(counts))

        job = importer(self.service, self.window, done)
        if not job.start(path):
            done(None)
            return None
        return job

    def open_verify(self) -> None:
        """Verify a signed PDF (needs no portfolio)."""
        cls = self._load("dialogs.verify_window", "VerifyWindow")
        if cls is None:
            return
        widget = self._open_windows.get("verify")
        if widget is None:
            widget = cls(self.window)
            widget.setWindowFlag(Qt.WindowType.Window, True)
            self._open_windows["verify"] = widget
        widget.show()
        widget.raise_()

    def open_countersign(self) -> None:
        """Countersign a student's PDF (tutor)."""
        dialog = self._exec_dialog("dialogs.countersign_dialog", "CountersignDialog", self.service)
        if dialog is not None:
            dialog.exec()

    def open_review(self) -> None:
        """Review a student's signed PDF: entries, feedback per entry, countersign (tutor)."""
        widget = self._open_windows.get("review")
        if widget is None:
            cls = self._load("dialogs.review_window", "ReviewWindow")
            if cls is None:
                return
            widget = cls(self.service, self.window)
            widget.setWindowFlag(Qt.WindowType.Window, True)
            self._open_windows["review"] = widget
        widget.show()
        widget.raise_()

    def open_import_feedback(self) -> None:
        """Import a tutor's countersigned PDF (File > Import tutor feedback)."""
        self.flush_typing()
        dialog = self._exec_dialog(
            "dialogs.feedback_import_dialog", "FeedbackImportDialog", self.service
        )
        if dialog is not None:
            dialog.exec()
            if dialog.imported:
                self.refresh_after_status_changes()

    def refresh_after_status_changes(self) -> None:
        """Statuses or feedback changed outside the editor (export, feedback import)."""
        current = self.current_entry()
        self._reload_entries()
        self.refresh_facets()
        self.apply_filter()
        if current is not None:
            self.show_entry(current.id)

    def open_course_certificates(self) -> None:
        """The tutor's course CA (a folder; needs no portfolio)."""
        self._show_window(
            "course_certificates",
            "dialogs.course_certificates_window",
            "CourseCertificatesWindow",
            None,
        )

    def open_get_certified(self) -> None:
        """Certificate request and import, and who exports are signed as."""
        dialog = self._exec_dialog(
            "dialogs.get_certified_dialog", "GetCertifiedDialog", self.service
        )
        if dialog is not None:
            dialog.exec()

    def open_signing_settings(self) -> None:
        """Staff boxes and time-stamping authority for exports."""
        dialog = self._exec_dialog(
            "dialogs.signing_settings_dialog", "SigningSettingsDialog", self.service
        )
        if dialog is not None:
            dialog.exec()


def _template_or_none(template_id: str) -> ReflectiveTemplate | None:
    try:
        return get_template(template_id)
    except TemplateError:
        return None


def _date_suffix(day: date | None) -> str:
    return f", {day.day} {day:%b %Y}" if day else ""
