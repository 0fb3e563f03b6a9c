"""The patient-identifier check run over exactly the text an export will print.

Why here and not only in the editor: a PDF leaves the student's machine and is kept by the
university, so this is the last moment to catch an NHS number or a named ward. The check
warns and never rewrites: the student confirms (``acknowledge_findings=True``) or goes back
and anonymises (domain.md §4.4). Each finding says where it is (entry number and title, the
section heading) so a student can find it again.

Scanned: entry titles and section text, the final reflection (when exported), and the event
and experience titles and places that the attendance record and group headings print.
Supervisor names are not scanned: naming one's own supervisor is expected, and every "Dr X"
would otherwise be flagged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.privacy_guard import KIND_LABELS, find_identifiers

#: The kind of the export dialog's rows that are timeline notes, not identifiers.
TIMELINE_NOTE = "timeline-note"


@dataclass(frozen=True)
class ExportFinding:
    """One possible identifier in the export, with where it is and what to do about it."""

    entry_id: str | None
    where: str
    kind: str
    excerpt: str
    advice: str
    #: What holds it when it is not an entry: "event:<id>", "experience:<id>" or
    #: "final-reflection" (so "Go back and fix" can open the right record); "" for an entry.
    source: str = ""

    @property
    def kind_label(self) -> str:
        """How people name the kind ("NHS number")."""
        if self.kind == TIMELINE_NOTE:
            return "Timeline note"
        return KIND_LABELS.get(self.kind, (self.kind, self.kind))[0]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (CLI ``--json``, GUI models)."""
        return {
            "entry_id": self.entry_id,
            "where": self.where,
            "kind": self.kind,
            "kind_label": self.kind_label,
            "excerpt": self.excerpt,
            "advice": self.advice,
            "source": self.source,
        }


def readable_name(file_name: str) -> str:
    """A file name as words for the identifier check: ``J_Smith-NHS_485 777 3456.pdf`` ->
    ``J Smith NHS 485 777 3456`` (underscores and the extension hide words from it)."""
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return " ".join(stem.replace("_", " ").replace("+", " ").split())


def _scan(entry_id: str | None, where: str, text: str, source: str = "") -> list[ExportFinding]:
    if not text.strip():
        return []
    return [
        ExportFinding(entry_id, where, f.kind, f.excerpt, f.advice, source)
        for f in find_identifiers(text)
    ]


def find_export_identifiers(
    entries: Sequence[Entry],
    *,
    labels: dict[str, str] | None = None,
    final_reflection: str = "",
    events: Iterable[Event] = (),
    experiences: Iterable[Experience] = (),
    attachment_names: Iterable[tuple[str, str]] = (),
) -> list[ExportFinding]:
    """Findings in reading order of ``entries``; ``labels`` maps entry ids to "E12".

    ``attachment_names`` are ``(entry id, file name)`` of the evidence files the export
    embeds: a name is printed under its entry and travels with the file ("J_Smith
    discharge letter.pdf"), so it is checked like the text."""
    labels = labels or {}
    findings: list[ExportFinding] = []
    for entry in entries:
        name = f"{labels.get(entry.id, 'Entry')} '{entry.title}'"
        findings.extend(_scan(entry.id, f"{name}, title", entry.title))
        for section in entry.sections:
            heading = section.heading or "text"
            findings.extend(_scan(entry.id, f"{name}, section '{heading}'", section.body))
    names_by_entry: dict[str, list[str]] = {}
    for entry_id, file_name in attachment_names:
        names_by_entry.setdefault(entry_id, []).append(file_name)
    for entry in entries:
        for file_name in names_by_entry.get(entry.id, []):
            name = f"{labels.get(entry.id, 'Entry')} '{entry.title}'"
            findings.extend(
                _scan(entry.id, f"{name}, evidence file '{file_name}'", readable_name(file_name))
            )
    findings.extend(_scan(None, "Final reflection", final_reflection, "final-reflection"))
    for event in events:
        source = f"event:{event.id}"
        findings.extend(_scan(None, f"Event '{event.title}', title", event.title, source))
        findings.extend(_scan(None, f"Event '{event.title}', place", event.place, source))
    for exp in experiences:
        source = f"experience:{exp.id}"
        findings.extend(_scan(None, f"Experience '{exp.title}', title", exp.title, source))
        findings.extend(_scan(None, f"Experience '{exp.title}', setting", exp.setting, source))
    return findings
