"""Competency coverage and activity counts: which competencies entries evidence, and when.

Pure functions over domain objects, shared by the GUI's coverage view and the PDF export:

* :func:`coverage` lists every linkable competency of a framework (standards and elements,
  in pack order) with the entries that evidence it. An element is evidenced by entries linked
  to it; a standard that has elements is a *heading* whose evidence is its own links plus its
  elements' (a student who evidenced VE3 has evidence under "Values and Ethics"); a standard
  without known elements (IPEC 2023 "TT") is evidenced by its own links.
* :func:`summarise` counts what a tutor counts: every element, and every standard that has no
  elements ("16 of 17 competencies evidenced"); headings are not counted twice. Evidence for
  one element never hides a gap in its sibling, so the gap list stays honest.
* :func:`unlisted_links` finds links to codes the framework no longer has (a newer pack
  version dropped them), so they are shown rather than silently lost.
* :func:`entries_per_month` and :func:`entries_by_event_kind` feed the summary charts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from portfolio_app.core.domain.catalogue import EventKind
from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.events import Event
from portfolio_app.core.domain.frameworks import Framework
from portfolio_app.core.domain.ids import EntryId, EventId

#: Words used wherever a competency has no evidence (never colour alone).
NO_EVIDENCE_TEXT = "No evidence yet"


@dataclass(frozen=True)
class CompetencyCoverage:
    """One linkable competency and the entries that evidence it (in the order given)."""

    code: str
    label: str
    standard_code: str
    entry_ids: tuple[EntryId, ...]
    has_elements: bool = False
    direct_entry_ids: tuple[EntryId, ...] | None = None

    @property
    def count(self) -> int:
        """How many entries evidence this competency."""
        return len(self.entry_ids)

    @property
    def is_evidenced(self) -> bool:
        """Whether at least one entry links to it."""
        return bool(self.entry_ids)

    @property
    def is_standard(self) -> bool:
        """Whether this row is a whole standard (domain) rather than one of its elements."""
        return self.code == self.standard_code

    @property
    def is_heading(self) -> bool:
        """A standard with elements: shown, but counted through its elements."""
        return self.is_standard and self.has_elements

    @property
    def direct_ids(self) -> tuple[EntryId, ...]:
        """Entries linked to this very code (for a heading, not to its elements)."""
        return self.entry_ids if self.direct_entry_ids is None else self.direct_entry_ids


@dataclass(frozen=True)
class CoverageSummary:
    """Counts over one framework's coverage rows."""

    total: int
    evidenced: int
    gaps: tuple[str, ...]
    linked_entries: int
    links: int

    @property
    def gap_count(self) -> int:
        """How many competencies have no evidence."""
        return len(self.gaps)

    def describe(self) -> str:
        """One sentence: "18 of 21 competencies evidenced"."""
        noun = "competency" if self.total == 1 else "competencies"
        return f"{self.evidenced} of {self.total} {noun} evidenced"


def coverage(framework: Framework, entries: Iterable[Entry]) -> list[CompetencyCoverage]:
    """Every linkable competency of ``framework`` with the ids of entries evidencing it."""
    linkable = framework.linkable()
    linked: dict[str, list[EntryId]] = {code: [] for code, _label, _std in linkable}
    for entry in entries:
        seen: set[str] = set()
        for link in entry.competencies:
            if link.framework_id != framework.id or link.code in seen:
                continue
            bucket = linked.get(link.code)
            if bucket is not None:
                bucket.append(entry.id)
                seen.add(link.code)
    children: dict[str, list[str]] = {}
    for code, _label, std in linkable:
        if code != std:
            children.setdefault(std, []).append(code)
    rows = []
    for code, label, std in linkable:
        if code == std and children.get(code):
            evidence: list[EntryId] = list(linked[code])
            for child in children[code]:
                evidence.extend(e for e in linked[child] if e not in evidence)
            rows.append(
                CompetencyCoverage(
                    code=code,
                    label=label,
                    standard_code=std,
                    entry_ids=tuple(evidence),
                    has_elements=True,
                    direct_entry_ids=tuple(linked[code]),
                )
            )
        else:
            rows.append(CompetencyCoverage(code, label, std, tuple(linked[code])))
    return rows


def summarise(rows: Sequence[CompetencyCoverage]) -> CoverageSummary:
    """Totals: elements and element-less standards evidenced, gaps, distinct entries, links."""
    counted = [row for row in rows if not row.is_heading]
    entry_ids: set[EntryId] = set()
    links = 0
    for row in rows:
        entry_ids.update(row.direct_ids)
        links += len(row.direct_ids)
    return CoverageSummary(
        total=len(counted),
        evidenced=sum(1 for row in counted if row.is_evidenced),
        gaps=tuple(row.code for row in counted if not row.is_evidenced),
        linked_entries=len(entry_ids),
        links=links,
    )


def unlisted_links(
    framework: Framework, entries: Iterable[Entry]
) -> dict[str, tuple[EntryId, ...]]:
    """Links to codes of ``framework`` that it does not list (e.g. dropped by a newer pack)."""
    found: dict[str, list[EntryId]] = {}
    for entry in entries:
        for link in entry.competencies:
            if link.framework_id == framework.id and framework.find(link.code) is None:
                ids = found.setdefault(link.code, [])
                if entry.id not in ids:
                    ids.append(entry.id)
    return {code: tuple(ids) for code, ids in sorted(found.items())}


def entry_day(entry: Entry) -> date:
    """The day an entry is about: when it happened, else when it was written."""
    return (entry.occurred_on or entry.created).date()


def entries_per_month(entries: Iterable[Entry]) -> list[tuple[date, int]]:
    """Entry counts per calendar month, oldest first, with empty months in between as 0.

    Each month is given as the date of its first day.
    """
    counts: dict[date, int] = {}
    for entry in entries:
        day = entry_day(entry)
        first_day = date(day.year, day.month, 1)
        counts[first_day] = counts.get(first_day, 0) + 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    months: list[tuple[date, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        key = date(year, month, 1)
        months.append((key, counts.get(key, 0)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return months


def entries_by_event_kind(
    entries: Iterable[Entry], events: Mapping[EventId, Event] | Iterable[Event]
) -> list[tuple[EventKind, int]]:
    """How many entries are linked to events of each kind, most first (kinds with 0 left out).

    An entry linked to two events of one kind counts once for that kind; an entry linked to
    events of two kinds counts for both.
    """
    by_id: Mapping[EventId, Event] = (
        events if isinstance(events, Mapping) else {event.id: event for event in events}
    )
    counts: dict[EventKind, int] = {}
    for entry in entries:
        kinds = {by_id[event_id].kind for event_id in entry.event_ids if event_id in by_id}
        for kind in kinds:
            counts[kind] = counts.get(kind, 0) + 1
    order = list(EventKind)
    return sorted(counts.items(), key=lambda item: (-item[1], order.index(item[0])))
