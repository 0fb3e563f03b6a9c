"""Compare a later export with an earlier one, entry by entry, through their revision chains.

Input: the two ``portfolio.json`` documents, as signed (the caller checks the signatures
first: ``export_service.compare_files``). For every entry of the earlier export:

* **unchanged**: the later export has the same chain head, so the same saved history;
* **changed**: the later chain passes through the earlier head and goes on: the entry was
  saved N more times after the earlier export (with M changes to its content), and the
  fields that differ are named;
* **rewritten**: the later chain does not pass through the earlier head: the history the
  earlier file signed is not the start of the later one (the entry was deleted and made
  again, restored from an older backup, or its history edited outside the app);
* **removed**: not in the later export (deleted, or not selected for it);
* **cannot be compared**: a file has no timeline for it, or a chain that does not check.

Entries only in the later export are **added**. Each chain is checked first (every link's
hash recomputed, each ``prev`` the hash before it, and the head's content digest equal to the
exported text with the exported salt; ``core.timeline.chain``), so a modified app cannot
claim a history its own file contradicts.

What this proves and what not is in :data:`LIMITS` (printed by ``verify --compare``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from portfolio_app.core.timeline.chain import (
    Link,
    check_head_content,
    links_from_json,
    portfolio_head,
)

UNCHANGED = "unchanged"
CHANGED = "changed"
REWRITTEN = "rewritten"
REMOVED = "removed"
ADDED = "added"
UNCOMPARABLE = "cannot-be-compared"
#: Statuses under which the later export does not continue the earlier one.
BREAKS = (REWRITTEN, REMOVED, UNCOMPARABLE)

LIMITS = (
    "What this comparison proves: for every entry of the earlier file, whether the later file "
    "keeps the saved history the earlier file signed (the same history; more saved versions "
    "on top of it, counted; or a history that does not continue it), and which entries were "
    "added or are missing. It follows the hash chain, not the dates, so it holds whatever "
    "the clock of the student's computer said.",
    "What it cannot prove: when anything was written. Every date and time in both files is "
    "the student's own computer clock, and a student who sets the clock back before writing "
    "gets backdated entries with a perfectly consistent chain. Only a time from outside "
    "anchors an export: when you received the earlier file, or an RFC 3161 timestamp on its "
    "signature (check it with --trust-tsa). Everything in the earlier file existed by then; "
    "an entry 'added' since was saved after it, whatever its dates say; an entry 'changed' "
    "was edited after it.",
)

_FIELDS = (
    ("title", "title"),
    ("kind", "kind"),
    ("template", "template"),
    ("occurred_on", "date"),
    ("sections", "text"),
    ("plan_id", "plan it answers"),
    ("event_ids", "linked events"),
    ("experience_ids", "linked experiences"),
    ("professions", "professions"),
    ("tags", "tags"),
    ("competencies", "competencies"),
    ("status", "status"),
)


@dataclass(frozen=True)
class EntryComparison:
    """How one entry fared between the two exports."""

    entry_id: str
    status: str
    title: str
    earlier_label: str | None
    later_label: str | None
    detail: str
    later_versions: int = 0
    later_edits: int = 0
    fields_changed: tuple[str, ...] = ()
    evidence_added: tuple[str, ...] = ()
    evidence_removed: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "entry_id": self.entry_id,
            "status": self.status,
            "title": self.title,
            "earlier_label": self.earlier_label,
            "later_label": self.later_label,
            "detail": self.detail,
            "later_versions": self.later_versions,
            "later_edits": self.later_edits,
            "fields_changed": list(self.fields_changed),
            "evidence_added": list(self.evidence_added),
            "evidence_removed": list(self.evidence_removed),
        }

    def describe(self) -> str:
        """One line for people."""
        label = self.earlier_label or self.later_label or "?"
        if self.earlier_label and self.later_label and self.earlier_label != self.later_label:
            label = f"{self.earlier_label} (now {self.later_label})"
        return f"{label} '{self.title}': {self.detail}"


@dataclass(frozen=True)
class Comparison:
    """The outcome of :func:`compare_documents`."""

    entries: tuple[EntryComparison, ...] = ()
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    earlier_head: str | None = None
    later_head: str | None = None
    same_student: bool = True
    earlier_exported: str | None = None
    later_exported: str | None = None
    limits: tuple[str, ...] = field(default=LIMITS)

    @property
    def continues(self) -> bool:
        """True when the later export keeps every earlier entry's history (changes on top
        are fine): no entry removed, rewritten or uncomparable, and the same student."""
        return (
            self.same_student
            and not self.problems
            and not any(e.status in BREAKS for e in self.entries)
        )

    def count(self, status: str) -> int:
        """How many entries have ``status``."""
        return sum(1 for e in self.entries if e.status == status)

    def summary(self) -> str:
        """One sentence: the counts."""
        if not self.same_student:
            return "These are not exports of the same student's portfolio."
        parts = [
            f"{self.count(status)} {word}"
            for status, word in (
                (UNCHANGED, "unchanged"),
                (CHANGED, "changed after the earlier export"),
                (REWRITTEN, "with a rewritten history"),
                (REMOVED, "missing from the later export"),
                (UNCOMPARABLE, "that cannot be compared"),
                (ADDED, "added"),
            )
            if self.count(status)
        ]
        earlier = sum(1 for e in self.entries if e.earlier_label)
        verdict = (
            "The later export continues the earlier one."
            if self.continues
            else "The later export does NOT simply continue the earlier one."
        )
        return (
            f"{verdict} Of the earlier file's {earlier} entries: "
            + (", ".join(parts) if parts else "none")
            + "."
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "continues": self.continues,
            "same_student": self.same_student,
            "summary": self.summary(),
            "earlier_exported": self.earlier_exported,
            "later_exported": self.later_exported,
            "earlier_portfolio_head": self.earlier_head,
            "later_portfolio_head": self.later_head,
            "counts": {
                s: self.count(s)
                for s in (UNCHANGED, CHANGED, REWRITTEN, REMOVED, UNCOMPARABLE, ADDED)
            },
            "entries": [e.to_dict() for e in self.entries],
            "problems": list(self.problems),
            "notes": list(self.notes),
            "limits": list(self.limits),
        }

    def describe(self) -> list[str]:
        """Lines for people: the summary, notes and problems, then entry by entry."""
        lines = [self.summary()]
        lines.extend(f"Problem: {p}" for p in self.problems)
        lines.extend(f"Note: {n}" for n in self.notes)
        order = (REWRITTEN, REMOVED, UNCOMPARABLE, CHANGED, ADDED, UNCHANGED)
        for status in order:
            for entry in self.entries:
                if entry.status == status:
                    lines.append(f"  [{status}] {entry.describe()}")
        return lines


@dataclass(frozen=True)
class _Side:
    """One document's entries, labels and checked chains."""

    entries: dict[str, Mapping[str, Any]]
    labels: dict[str, str]
    chains: dict[str, list[Link]]
    problems: dict[str, str]
    order: list[str]


def _read_side(document: Mapping[str, Any]) -> _Side:
    export = document.get("export") if isinstance(document.get("export"), Mapping) else {}
    numbers = export.get("entry_numbers") if isinstance(export, Mapping) else None
    labels = (
        {str(k): str(v) for k, v in (numbers or {}).items()} if isinstance(numbers, Mapping) else {}
    )
    entries: dict[str, Mapping[str, Any]] = {}
    order: list[str] = []
    chains: dict[str, list[Link]] = {}
    problems: dict[str, str] = {}
    raw_entries = document.get("entries")
    for raw in raw_entries if isinstance(raw_entries, list) else []:
        if not isinstance(raw, Mapping) or not isinstance(raw.get("id"), str):
            continue
        entry_id = raw["id"]
        entries[entry_id] = raw
        order.append(entry_id)
        timeline = raw.get("timeline")
        if not isinstance(timeline, Mapping):
            problems[entry_id] = "the file records no history chain for it (an older export)"
            continue
        links, found = links_from_json(entry_id, timeline.get("links"))
        if not found and links and timeline.get("head") != links[-1].hash:
            found.append("its recorded head is not its newest saved version")
        if not found:
            content_problem = check_head_content(raw, links, timeline.get("head_salt"))
            if content_problem:
                found.append(content_problem)
        if found:
            problems[entry_id] = "its history chain does not check: " + "; ".join(found)
        else:
            chains[entry_id] = links
    return _Side(entries, labels, chains, problems, order)


def _title(entry: Mapping[str, Any]) -> str:
    title = entry.get("title")
    return title if isinstance(title, str) else "(untitled)"


def _changed_fields(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> tuple[str, ...]:
    changed = []
    for key, words in _FIELDS:
        if earlier.get(key) != later.get(key):
            if key == "sections":
                changed.append(_section_words(earlier.get(key), later.get(key)))
            else:
                changed.append(words)
    return tuple(changed)


def _section_words(earlier: object, later: object) -> str:
    def by_heading(value: object) -> dict[str, str]:
        out: dict[str, str] = {}
        for item in value if isinstance(value, list) else []:
            if isinstance(item, Mapping):
                out[str(item.get("heading") or item.get("key") or "text")] = str(item.get("body"))
        return out

    a, b = by_heading(earlier), by_heading(later)
    named = [h for h in b if a.get(h) != b[h]] + [h for h in a if h not in b]
    if not named:
        return "text"
    shown = ", ".join(f"'{h}'" for h in named[:4]) + (" and more" if len(named) > 4 else "")
    return f"text of {shown}"


def _evidence(entry: Mapping[str, Any]) -> dict[str, str]:
    files = entry.get("attachments")
    result: dict[str, str] = {}
    for item in files if isinstance(files, list) else []:
        if isinstance(item, Mapping) and isinstance(item.get("sha256"), str):
            result[item["sha256"]] = str(item.get("name") or item.get("embedded_as") or "?")
    return result


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _day(value: object) -> str:
    if not isinstance(value, str):
        return "?"
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return "?"
    return f"{moment.day} {moment:%b %Y}"


def _compare_entry(entry_id: str, earlier: _Side, later: _Side) -> EntryComparison:
    old = earlier.entries[entry_id]
    title = _title(old)
    e_label = earlier.labels.get(entry_id)
    new = later.entries.get(entry_id)
    if new is None:
        return EntryComparison(
            entry_id,
            REMOVED,
            title,
            e_label,
            None,
            "not in the later export (deleted since, or not selected for it)",
        )
    l_label = later.labels.get(entry_id)
    title = _title(new)  # the later title names it (an edit may have changed it)
    for side, which in ((earlier, "earlier"), (later, "later")):
        if entry_id in side.problems:
            return EntryComparison(
                entry_id,
                UNCOMPARABLE,
                title,
                e_label,
                l_label,
                f"cannot be compared: in the {which} file, {side.problems[entry_id]}",
            )
    old_links, new_links = earlier.chains[entry_id], later.chains[entry_id]
    old_head = old_links[-1].hash
    fields_changed = _changed_fields(old, new)
    old_files, new_files = _evidence(old), _evidence(new)
    added = tuple(sorted(new_files[h] for h in new_files if h not in old_files))
    removed = tuple(sorted(old_files[h] for h in old_files if h not in new_files))
    evidence_words = []
    if added:
        evidence_words.append(f"evidence added: {', '.join(added)}")
    if removed:
        evidence_words.append(f"evidence removed: {', '.join(removed)}")
    position = next((i for i, link in enumerate(new_links) if link.hash == old_head), None)
    if position is None:
        common = 0
        for a, b in zip(old_links, new_links, strict=False):
            if a.hash != b.hash:
                break
            common += 1
        shared = _plural(common, "saved version", "saved versions")
        agree = (
            f"the two histories agree on the first {shared}, then part"
            if common
            else "the two histories have no saved version in common"
        )
        return EntryComparison(
            entry_id,
            REWRITTEN,
            title,
            e_label,
            l_label,
            "history REWRITTEN: the later file's saved versions do not continue the "
            f"{_plural(len(old_links), 'version', 'versions')} the earlier file signed ({agree}; "
            "the entry was deleted and made again, restored from an older copy, or its "
            "history was changed outside the app)",
            fields_changed=fields_changed,
            evidence_added=added,
            evidence_removed=removed,
        )
    after = new_links[position + 1 :]
    if not after:
        detail = "unchanged (the same saved history)"
        if evidence_words:
            detail += "; " + "; ".join(evidence_words)
        return EntryComparison(
            entry_id,
            UNCHANGED,
            title,
            e_label,
            l_label,
            detail,
            evidence_added=added,
            evidence_removed=removed,
        )
    edits = sum(1 for link in after if link.edit)
    what = ", ".join(fields_changed) if fields_changed else "nothing it shows (saved again)"
    more = _plural(len(after), "more saved version", "more saved versions")
    detail = (
        f"changed after the earlier export: {more} ({edits} with changes), the last on "
        f"{_day(after[-1].saved)}; what differs: {what}"
    )
    if evidence_words:
        detail += "; " + "; ".join(evidence_words)
    return EntryComparison(
        entry_id,
        CHANGED,
        title,
        e_label,
        l_label,
        detail,
        later_versions=len(after),
        later_edits=edits,
        fields_changed=fields_changed,
        evidence_added=added,
        evidence_removed=removed,
    )


def _heads(side: _Side) -> dict[str, str]:
    return {entry_id: links[-1].hash for entry_id, links in side.chains.items()}


def compare_documents(earlier: Mapping[str, Any], later: Mapping[str, Any]) -> Comparison:
    """Compare two signed ``portfolio.json`` documents (see the module docstring)."""
    e_profile = earlier.get("profile") if isinstance(earlier.get("profile"), Mapping) else {}
    l_profile = later.get("profile") if isinstance(later.get("profile"), Mapping) else {}
    assert isinstance(e_profile, Mapping) and isinstance(l_profile, Mapping)
    e_export = earlier.get("export") if isinstance(earlier.get("export"), Mapping) else {}
    l_export = later.get("export") if isinstance(later.get("export"), Mapping) else {}
    assert isinstance(e_export, Mapping) and isinstance(l_export, Mapping)
    e_when, l_when = e_export.get("generated_at"), l_export.get("generated_at")
    earlier_exported = e_when if isinstance(e_when, str) else None
    later_exported = l_when if isinstance(l_when, str) else None
    e_id, l_id = e_profile.get("student_id"), l_profile.get("student_id")
    if (e_id or l_id) and e_id != l_id:
        return Comparison(
            same_student=False,
            problems=(
                f"the earlier file is the portfolio of student id {e_id!r} "
                f"({e_profile.get('name')!r}), the later one of {l_id!r} "
                f"({l_profile.get('name')!r})",
            ),
            earlier_exported=earlier_exported,
            later_exported=later_exported,
        )
    notes: list[str] = []
    if e_profile.get("name") != l_profile.get("name"):
        notes.append(
            f"the student's name differs: {e_profile.get('name')!r} then {l_profile.get('name')!r}"
        )
    e_cert = e_export.get("signing_certificate_sha256")
    l_cert = l_export.get("signing_certificate_sha256")
    if e_cert and l_cert and e_cert != l_cert:
        notes.append(
            "the two files are signed with different certificates (the student got a new one, "
            "or these are not from the same portfolio: the checks above say who signed each)"
        )
    if isinstance(e_when, str) and isinstance(l_when, str) and e_when > l_when:
        notes.append(
            "the file given as EARLIER says it was exported after the LATER one (by the "
            "student's clock): were they given the wrong way round?"
        )
    selection = later.get("selection")
    if isinstance(selection, Mapping) and selection.get("all_entries") is False:
        notes.append(
            "the later export is a selection ("
            + str(selection.get("description") or "not every entry")
            + "): an entry missing from it may simply not have been selected"
        )
    e_side, l_side = _read_side(earlier), _read_side(later)
    results = [_compare_entry(entry_id, e_side, l_side) for entry_id in e_side.order]
    earlier_time = _moment(e_when)
    for entry_id in l_side.order:
        if entry_id in e_side.entries:
            continue
        entry = l_side.entries[entry_id]
        detail = "added after the earlier export"
        created = entry.get("created")
        written = _moment(created)
        if earlier_time is not None and written is not None and written < earlier_time:
            detail += (
                f"; its first-written date ({_day(created)}) is before the earlier export, "
                "by the student's clock, but it was not in that file (not selected then, or "
                "written with the clock set back)"
            )
        if entry_id in l_side.problems:
            detail += f"; {l_side.problems[entry_id]}"
        results.append(
            EntryComparison(
                entry_id, ADDED, _title(entry), None, l_side.labels.get(entry_id), detail
            )
        )
    e_heads, l_heads = _heads(e_side), _heads(l_side)
    return Comparison(
        entries=tuple(results),
        notes=tuple(notes),
        earlier_head=portfolio_head(e_heads) if e_heads else None,
        later_head=portfolio_head(l_heads) if l_heads else None,
        earlier_exported=earlier_exported,
        later_exported=later_exported,
    )


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


__all__: Sequence[str] = (
    "ADDED",
    "CHANGED",
    "LIMITS",
    "REMOVED",
    "REWRITTEN",
    "UNCHANGED",
    "Comparison",
    "EntryComparison",
    "compare_documents",
)
