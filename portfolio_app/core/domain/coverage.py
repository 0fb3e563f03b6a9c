"""Competency coverage and activity counts: which competencies entries evidence, and when.

Pure functions over domain objects, shared by the GUI's coverage view and the PDF export:

* :func:`coverage` lists every linkable competency of a framework (standards and elements,
  in pack order) with the entries that evidence it. An element is evidenced by entries linked
  to it; a standard that has elements is a *heading* whose evidence is its own links plus its
  elements' (a student who evidenced VE3 has evidence under "Values and Ethics"); a standard
  without known elements (IPEC 2023 "TT") is evidenced by its own links.
* :func:`summarise` counts what a tutor counts: every listed element, and every standard that
  has no listed elements ("12 of 16 listed competencies evidenced"); headings are not counted
  twice. Evidence for one element never hides a gap in its sibling, so the gap list stays
  honest. The count is over what the pack lists; ``Framework.completeness_text()`` says, next
  to every count, whether that is the whole framework.
* :func:`suggestions` turns the gaps into suggestions for the next plan, competencies with the
  least evidence first.
* :func:`rating_history` and :func:`rating_heatmap` show how a student's self-ratings of each
  competency grew over time, by academic term.
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
from portfolio_app.core.domain.entry_index import EntrySummary
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
    depth: int = 0
    name: str = ""
    whole_only: bool = False

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
        """One sentence: "18 of 21 listed competencies evidenced"."""
        noun = "competency" if self.total == 1 else "competencies"
        return f"{self.evidenced} of {self.total} listed {noun} evidenced"


def coverage(
    framework: Framework, entries: Iterable[Entry | EntrySummary]
) -> list[CompetencyCoverage]:
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
    depth = _depths(framework)
    names = _names(framework)
    whole = {standard.code for standard in framework.whole_only_standards()}
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
                    depth=0,
                    name=names[code],
                )
            )
        else:
            rows.append(
                CompetencyCoverage(
                    code,
                    label,
                    std,
                    tuple(linked[code]),
                    depth=depth.get(code, 0),
                    name=names[code],
                    whole_only=code in whole,
                )
            )
    return rows


def _names(framework: Framework) -> dict[str, str]:
    names: dict[str, str] = {}
    for standard in framework.standards:
        names[standard.code] = standard.name
        for element in standard.elements:
            names[element.code] = element.name
    return names


def _depths(framework: Framework) -> dict[str, int]:
    """Indent level per code: standards 0, their elements 1, sub-clauses one deeper each."""
    depths: dict[str, int] = {}
    for standard in framework.standards:
        depths[standard.code] = 0
        parents = {e.code: e.parent for e in standard.elements}
        for element in standard.elements:
            level, parent, hops = 1, element.parent, 0
            while parent is not None and hops < len(parents):
                level, parent, hops = level + 1, parents.get(parent), hops + 1
            depths[element.code] = level
    return depths


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


@dataclass(frozen=True)
class Suggestion:
    """A competency with no evidence yet, offered as a focus for the next plan."""

    code: str
    label: str
    standard_code: str
    reason: str


def suggestions(
    framework: Framework, rows: Sequence[CompetencyCoverage], limit: int | None = None
) -> list[Suggestion]:
    """Competencies without evidence, as suggestions for the next plan.

    The competencies (standards) with the least evidence come first, and the suggestions take
    one gap from each in turn (then a second from each, and so on), so that following them
    spreads a portfolio across the framework; within a competency, gaps keep pack order.
    """
    evidence: dict[str, int] = {}
    for row in rows:
        if not row.is_heading:
            evidence[row.standard_code] = evidence.get(row.standard_code, 0) + (
                1 if row.is_evidenced else 0
            )
    order = {standard.code: index for index, standard in enumerate(framework.standards)}
    by_standard: dict[str, list[CompetencyCoverage]] = {}
    for row in rows:
        if not row.is_heading and not row.is_evidenced:
            by_standard.setdefault(row.standard_code, []).append(row)
    queues = sorted(
        by_standard.items(),
        key=lambda item: (evidence.get(item[0], 0), order.get(item[0], 0)),
    )
    gaps: list[CompetencyCoverage] = []
    depth = max((len(queue) for _code, queue in queues), default=0)
    for turn in range(depth):
        gaps.extend(queue[turn] for _code, queue in queues if turn < len(queue))
    found: list[Suggestion] = []
    for row in gaps:
        standard = framework.find(row.standard_code)
        standard_name = standard.name if standard is not None else row.standard_code
        evidenced = evidence.get(row.standard_code, 0)
        if row.is_standard:
            reason = "No entry links to this competency yet."
        elif evidenced == 0:
            reason = f"Nothing in {standard_name} is evidenced yet."
        else:
            noun = "item" if evidenced == 1 else "items"
            reason = f"{evidenced} other {noun} in {standard_name} already evidenced."
        found.append(Suggestion(row.code, row.label, row.standard_code, reason))
        if limit is not None and len(found) >= limit:
            break
    return found


@dataclass(frozen=True)
class RatingPoint:
    """One self-rating: the day the entry is about, the rating (1-5) and the entry."""

    day: date
    rating: int
    entry_id: EntryId


def rating_history(
    framework: Framework, entries: Iterable[Entry | EntrySummary]
) -> dict[str, list[RatingPoint]]:
    """Self-ratings per code of ``framework``, oldest first; codes never rated are left out."""
    history: dict[str, list[RatingPoint]] = {}
    for entry in entries:
        for link in entry.competencies:
            if link.framework_id != framework.id or link.self_rating is None:
                continue
            if framework.find(link.code) is None:
                continue
            history.setdefault(link.code, []).append(
                RatingPoint(entry_day(entry), link.self_rating, entry.id)
            )
    for points in history.values():
        points.sort(key=lambda point: point.day)
    order = {code: index for index, (code, _l, _s) in enumerate(framework.linkable())}
    return dict(sorted(history.items(), key=lambda item: order.get(item[0], 0)))


@dataclass(frozen=True)
class Term:
    """A UK academic term: autumn (September-December), spring (January-April), summer."""

    season: str
    year: int
    start: date

    @property
    def label(self) -> str:
        """The name people read: "Autumn 2024"."""
        return f"{self.season} {self.year}"


def academic_term(day: date) -> Term:
    """The academic term a day falls in."""
    if day.month >= 9:
        return Term("Autumn", day.year, date(day.year, 9, 1))
    if day.month <= 4:
        return Term("Spring", day.year, date(day.year, 1, 1))
    return Term("Summer", day.year, date(day.year, 5, 1))


def _next_term(term: Term) -> Term:
    if term.season == "Autumn":
        return academic_term(date(term.year + 1, 1, 1))
    if term.season == "Spring":
        return academic_term(date(term.year, 5, 1))
    return academic_term(date(term.year, 9, 1))


@dataclass(frozen=True)
class RatingRow:
    """One competency's self-ratings by term: the latest rating in each term, or None."""

    code: str
    label: str
    cells: tuple[int | None, ...]
    first: int
    latest: int

    @property
    def growth(self) -> int:
        """Latest rating minus the first one (negative when it fell)."""
        return self.latest - self.first


@dataclass(frozen=True)
class RatingGrid:
    """A heat map of self-ratings: competencies down, academic terms across."""

    terms: tuple[Term, ...]
    rows: tuple[RatingRow, ...]


def rating_heatmap(framework: Framework, entries: Iterable[Entry | EntrySummary]) -> RatingGrid:
    """Each rated competency's latest self-rating in every term from the first to the last.

    Terms with no rating are None (the student did not rate it that term), never a zero.
    """
    history = rating_history(framework, entries)
    days = [point.day for points in history.values() for point in points]
    if not days:
        return RatingGrid((), ())
    terms: list[Term] = [academic_term(min(days))]
    last = academic_term(max(days))
    while terms[-1] != last:
        terms.append(_next_term(terms[-1]))
    index = {term: position for position, term in enumerate(terms)}
    rows: list[RatingRow] = []
    for code, points in history.items():
        cells: list[int | None] = [None] * len(terms)
        for point in points:  # oldest first, so the latest in a term wins
            cells[index[academic_term(point.day)]] = point.rating
        rows.append(
            RatingRow(
                code, framework.label(code), tuple(cells), points[0].rating, points[-1].rating
            )
        )
    return RatingGrid(tuple(terms), tuple(rows))


def unlisted_links(
    framework: Framework, entries: Iterable[Entry | EntrySummary]
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


def entry_day(entry: Entry | EntrySummary) -> date:
    """The day an entry is about: when it happened, else when it was written."""
    return (entry.occurred_on or entry.created).date()


def entries_per_month(entries: Iterable[Entry | EntrySummary]) -> list[tuple[date, int]]:
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
    entries: Iterable[Entry | EntrySummary], events: Mapping[EventId, Event] | Iterable[Event]
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
