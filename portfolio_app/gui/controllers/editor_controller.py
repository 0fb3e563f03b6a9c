"""Autosave, the privacy check and the preview for the entry shown in the editor.

Contract:
- Typing restarts a 1 s single-shot timer; when it fires the text is saved with
  ``save_entry(autosave=True)`` (one revision per working session, see the service). ``flush``
  saves at once and is called before switching entries, locking, deleting and quitting, so typed
  text is never lost.
- The save state is always visible: "Saving…", "Saved 12:03" or "Not saved: <reason>".
- Only the text fields (title, sections, date) are saved here. Status, tags and links change
  through undo commands, which save at once; autosave re-reads the stored entry first, so the
  two never overwrite each other.
- The privacy check (core.domain.privacy_guard) runs debounced and only warns: a bar under the
  text names each finding, and the words are marked where they are in the answers.
- The preview renders debounced on a worker thread (gui.background): Markdown can take a
  few hundred ms on hostile text even bounded (core.markdown_guard). One rendering runs at
  a time; text typed meanwhile is rendered when it ends, and a result for text that has
  changed since, or for another entry, is dropped.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time

from PySide6.QtCore import QObject, QTimer, Signal

from portfolio_app.core.domain.entries import Entry, Section
from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.privacy_guard import KIND_LABELS, find_identifiers, summarise
from portfolio_app.core.markdown_html import render_document
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.gui.background import BackgroundTask, run_in_background
from portfolio_app.gui.editor.entry_editor import EntryEditorWidget

AUTOSAVE_MS = 1000
PRIVACY_MS = 700
PREVIEW_MS = 250
MAX_FINDINGS_LISTED = 6


def occurred_datetime(day: date | None, previous: datetime | None) -> datetime | None:
    """The stored time for a picked day: keep the old time on the same day, else midday UTC."""
    if day is None:
        return None
    if previous is not None and previous.date() == day:
        return previous
    return datetime.combine(day, time(12, 0), UTC)


def privacy_message(text: str) -> str:
    """The info bar text for possible identifiers in ``text`` ("" when none)."""
    findings = find_identifiers(text)
    if not findings:
        return ""
    lines = [
        "This is a gentle check; nothing is blocked. " + summarise(findings),
    ]
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        key = (finding.kind, finding.excerpt)
        if key in seen:
            continue
        seen.add(key)
        if len(seen) > MAX_FINDINGS_LISTED:
            lines.append(f"…and {len(findings) - MAX_FINDINGS_LISTED} more.")
            break
        label = KIND_LABELS.get(finding.kind, (finding.kind, finding.kind))[0]
        lines.append(f"• “{finding.excerpt}” ({label}): {finding.advice}")
    return "\n".join(lines)


class EditorController(QObject):
    """Saves what is typed in the editor and keeps its helpers up to date."""

    entry_saved = Signal(object)
    save_failed = Signal(str)

    def __init__(
        self, service: PortfolioService, editor: EntryEditorWidget, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._service = service
        self._editor = editor
        self._dirty = False
        self._preview_visible = False
        self._preview_task: BackgroundTask | None = None
        self._preview_wanted = 0  # bumped for every text the preview should show
        self._preview_shown = 0  # the number of the text the preview shows
        self.autosave_timer = self._single_shot(AUTOSAVE_MS, self._on_autosave_timeout)
        self.privacy_timer = self._single_shot(PRIVACY_MS, self.check_privacy)
        self.preview_timer = self._single_shot(PREVIEW_MS, self.render_preview)
        editor.text_edited.connect(self._on_editor_text_edited)

    def _single_shot(self, interval: int, slot: Callable[[], object]) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    @property
    def is_dirty(self) -> bool:
        """Whether typed text waits to be saved."""
        return self._dirty

    def entry_shown(self, entry: Entry) -> None:
        """The editor now shows ``entry`` (nothing is unsaved)."""
        self._dirty = False
        self.autosave_timer.stop()
        self._editor.set_save_state(f"Saved {_local_time(entry.updated)}")
        self.privacy_timer.start()
        if self._preview_visible:
            self.render_preview()

    def flush(self) -> bool:
        """Save now if anything is unsaved; False when the save failed."""
        self.autosave_timer.stop()
        if not self._dirty:
            return True
        return self.save_now()

    def discard(self) -> None:
        """Forget unsaved state (the entry was deleted or the portfolio closed)."""
        self._dirty = False
        for timer in (self.autosave_timer, self.privacy_timer, self.preview_timer):
            timer.stop()
        self._preview_wanted += 1  # a rendering still running is for text now gone

    def save_now(self) -> bool:
        """Store the typed text; reports the outcome in the editor."""
        entry_id = self._editor.entry_id
        if not entry_id or not self._service.is_open:
            self._dirty = False
            return True
        self._editor.set_save_state("Saving…")
        typed = self._editor.current_text()
        try:
            stored = self._service.get_entry(entry_id)
            keys_and_headings = {s.key: s.heading for s in stored.sections}
            sections = tuple(
                Section(heading=keys_and_headings.get(key, heading), body=body, key=key)
                for key, heading, body in typed.sections
            )
            changed = stored.replace(
                title=typed.title,
                sections=sections,
                occurred_on=occurred_datetime(typed.occurred_on, stored.occurred_on),
            )
            if (changed.title, changed.sections, changed.occurred_on) == (
                stored.title,
                stored.sections,
                stored.occurred_on,
            ):
                self._dirty = False
                self._editor.set_save_state(f"Saved {_local_time(stored.updated)}")
                return True
            saved = self._service.save_entry(changed, autosave=True)
        except PortfolioError as exc:
            self._editor.set_save_state(f"Not saved: {exc.user_message}")
            self.save_failed.emit(exc.user_message)
            return False
        except OSError as exc:
            message = f"the disk refused the write ({exc.strerror or exc})"
            self._editor.set_save_state(f"Not saved: {message}")
            self.save_failed.emit(message)
            return False
        self._dirty = False
        self._editor.set_save_state(f"Saved {_local_time(saved.updated)}")
        self.entry_saved.emit(saved)
        return True

    def set_preview_visible(self, visible: bool) -> None:
        """Show or hide the preview (rendering only while it is visible)."""
        self._preview_visible = visible
        self._editor.set_preview_visible(visible)
        if visible:
            self.render_preview()

    def render_preview(self) -> None:
        """Render the typed text as sanitised HTML into the preview, on a worker thread."""
        if not self._preview_visible or not self._editor.entry_id:
            return
        self._preview_wanted += 1
        if self._preview_task is None:
            self._start_preview()
        # else: _on_preview_finished starts the rendering of the newest text

    def _start_preview(self) -> None:
        wanted = self._preview_wanted
        typed = self._editor.current_text()
        title, sections = typed.title, [(heading, body) for _k, heading, body in typed.sections]
        self._preview_task = run_in_background(
            lambda _progress, _cancelled: render_document(title, sections),
            on_success=lambda html: self._on_preview_rendered(wanted, str(html)),
            on_finished=self._on_preview_finished,
        )

    @property
    def preview_pending(self) -> bool:
        """Whether a rendering runs or the preview is behind the typed text (tests wait)."""
        return self._preview_task is not None or (
            self._preview_visible
            and bool(self._editor.entry_id)
            and self._preview_shown != self._preview_wanted
        )

    def _on_preview_rendered(self, wanted: int, html: str) -> None:
        if wanted == self._preview_wanted and self._preview_visible:
            self._editor.set_preview_html(html)
            self._preview_shown = wanted

    def _on_preview_finished(self) -> None:
        self._preview_task = None
        stale = self._preview_shown != self._preview_wanted
        # While typing goes on, the debounce timer starts the next rendering when it pauses.
        typing = self.preview_timer.isActive()
        if stale and self._preview_visible and self._editor.entry_id and not typing:
            self._start_preview()

    def check_privacy(self) -> None:
        """Warn (never block) about text that may identify a patient."""
        if not self._editor.entry_id:
            return
        spans: dict[str, list[tuple[int, int]]] = {}
        for field_name, text in self._editor.field_texts().items():
            found = [(f.start, f.end) for f in find_identifiers(text)]
            if found:
                spans[field_name] = found
        self._editor.set_privacy_warning(privacy_message(self._editor.all_text()), spans)

    def _on_editor_text_edited(self) -> None:
        self._dirty = True
        self._preview_wanted += 1  # a rendering still running is for older text
        self._editor.set_save_state("Editing…")
        self.autosave_timer.start()
        self.privacy_timer.start()
        if self._preview_visible:
            self.preview_timer.start()

    def _on_autosave_timeout(self) -> None:
        if self._dirty:
            self.save_now()


def _local_time(moment: datetime) -> str:
    """Today: "12:03"; another day: "3 Mar 2025 12:03", so an old save does not look new."""
    local = moment.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return f"{local.day} {local:%b %Y %H:%M}"
