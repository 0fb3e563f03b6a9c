"""The search index in memory: what the list shows of each entry, and its search terms.

The index lets the app list and search 10,000 entries without decrypting them: it holds, per
entry, a *summary record* (everything a list row, a sidebar count or a filter needs, but not
the text) and its *terms*: the distinct words of its searchable text, sorted and joined by
single spaces. On disk it is encrypted and sealed like every record
(``core.storage.index_store``); here it is plain data in the unlocked app's memory, like the
decrypted entries it replaces.

A summary record is a JSON-ready list (the form it is stored in, so loading the index builds
no objects per entry); :class:`EntrySummary` objects are made from it only for the entries a
caller asks for.

Matching follows :mod:`entry_filter` exactly (a property test compares the two on random
portfolios and queries):

- a search word never contains whitespace, so it occurs in the searchable text exactly when
  it occurs inside one of its words, i.e. in the terms string (a match cannot span the space
  between two terms);
- a phrase needs the words in order, which the terms do not keep: the terms narrow the
  candidates (every word of the phrase must occur), then ``text_of`` (the entry's searchable
  text, decrypted on demand) decides;
- tags, codes, kinds, statuses, links, professions and dates come from the summary.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import compress
from typing import Any

from portfolio_app.core.domain.entries import CompetencyLink, Entry, EntryKind, EntryStatus
from portfolio_app.core.domain.entry_filter import EntryFilter
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId

#: Positions in a summary record (see :func:`summary_record`).
(
    R_ID,
    R_KIND,
    R_STATUS,
    R_TITLE,
    R_TEMPLATE,
    R_CREATED,
    R_UPDATED,
    R_OCCURRED,
    R_PLAN,
    R_EVENTS,
    R_EXPERIENCES,
    R_PROFESSIONS,
    R_TAGS,
    R_COMPETENCIES,
    R_WORDS,
) = range(15)
RECORD_LENGTH = 15

_KINDS = {k.value: k for k in EntryKind}
_STATUSES = {s.value: s for s in EntryStatus}


@dataclass(frozen=True, slots=True)
class EntrySummary:
    """An entry without its text: what a list, a count or a filter needs."""

    id: EntryId
    kind: EntryKind
    status: EntryStatus
    title: str
    template_id: str
    created: datetime
    updated: datetime
    occurred_on: datetime | None
    plan_id: EntryId | None
    event_ids: tuple[EventId, ...]
    experience_ids: tuple[ExperienceId, ...]
    professions: tuple[str, ...]
    tags: tuple[str, ...]
    competencies: tuple[CompetencyLink, ...]
    word_count: int

    @classmethod
    def of(cls, entry: Entry) -> EntrySummary:
        """The summary of a full entry."""
        return summary_from_record(summary_record(entry))


def _stamp(value: datetime) -> str:
    """A fixed-width UTC timestamp: such strings sort in time order."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def summary_record(entry: Entry) -> list[Any]:
    """The JSON-ready summary record of an entry (stored in the index, sealed)."""
    return [
        entry.id,
        entry.kind.value,
        entry.status.value,
        entry.title,
        entry.template_id,
        _stamp(entry.created),
        _stamp(entry.updated),
        _stamp(entry.occurred_on) if entry.occurred_on else None,
        entry.plan_id,
        list(entry.event_ids),
        list(entry.experience_ids),
        list(entry.professions),
        list(entry.tags),
        [[c.framework_id, c.code, c.self_rating] for c in entry.competencies],
        entry.word_count,
    ]


def check_record(record: object) -> list[Any]:
    """A stored summary record, checked for shape (a stale or foreign index is refused)."""
    if not isinstance(record, list) or len(record) != RECORD_LENGTH:
        raise ValueError("not a summary record")
    text_fields = (R_ID, R_KIND, R_STATUS, R_TITLE, R_TEMPLATE, R_CREATED, R_UPDATED)
    if not all(isinstance(record[i], str) for i in text_fields):
        raise ValueError("not a summary record")
    if record[R_KIND] not in _KINDS or record[R_STATUS] not in _STATUSES:
        raise ValueError("not a summary record")
    for i in (R_EVENTS, R_EXPERIENCES, R_PROFESSIONS, R_TAGS, R_COMPETENCIES):
        if not isinstance(record[i], list):
            raise ValueError("not a summary record")
    if not isinstance(record[R_WORDS], int):
        raise ValueError("not a summary record")
    return record


_LINKS: dict[tuple[str, str, int | None], CompetencyLink] = {}


def _link(framework_id: str, code: str, rating: int | None) -> CompetencyLink:
    # Few distinct links exist; building frozen dataclasses per entry is what costs.
    key = (framework_id, code, rating)
    link = _LINKS.get(key)
    if link is None:
        link = CompetencyLink(framework_id, code, rating)
        if len(_LINKS) < 10_000:
            _LINKS[key] = link
    return link


def summary_from_record(record: list[Any]) -> EntrySummary:
    """The summary object of a record (checked here: records are decoded in bulk unchecked,
    and only the ones a caller asks for become objects)."""
    check_record(record)
    occurred = record[R_OCCURRED]
    plan = record[R_PLAN]
    return EntrySummary(
        id=EntryId(record[R_ID]),
        kind=_KINDS[record[R_KIND]],
        status=_STATUSES[record[R_STATUS]],
        title=record[R_TITLE],
        template_id=record[R_TEMPLATE],
        created=datetime.fromisoformat(record[R_CREATED]),
        updated=datetime.fromisoformat(record[R_UPDATED]),
        occurred_on=datetime.fromisoformat(occurred) if occurred else None,
        plan_id=EntryId(plan) if plan else None,
        event_ids=tuple(record[R_EVENTS]),
        experience_ids=tuple(record[R_EXPERIENCES]),
        professions=tuple(record[R_PROFESSIONS]),
        tags=tuple(record[R_TAGS]),
        competencies=tuple(_link(fw, code, rating) for fw, code, rating in record[R_COMPETENCIES]),
        word_count=record[R_WORDS],
    )


_NON_TEXT_FIELDS = tuple(
    f.name for f in dataclasses.fields(EntryFilter) if f.name not in {"words", "phrases", "extra"}
)


def narrows(new: EntryFilter, old: EntryFilter) -> bool:
    """True when every entry matching ``new`` also matches ``old`` (a letter was typed), so
    the search may look only at ``old``'s matches. Kinds and statuses are alternatives (one
    more widens), so every filter but the text must be unchanged; every old word or phrase
    must sit inside a new word or phrase."""
    if new.extra or old.extra:
        return False
    if any(getattr(new, name) != getattr(old, name) for name in _NON_TEXT_FIELDS):
        return False
    new_texts = (*new.words, *new.phrases)
    return all(any(o in n for n in new_texts) for o in (*old.words, *old.phrases))


def search_terms(entry: Entry) -> str:
    """The distinct words of an entry's searchable text, sorted, joined by single spaces."""
    return " ".join(sorted(set(entry.searchable_text().split(" ")) - {""}))


class _Row:
    """One entry: its record and terms, with the sets its filters test made on first use."""

    __slots__ = ("_codes", "_day", "_summary", "_tags", "record", "sort_key", "terms")

    def __init__(self, record: list[Any], terms: str) -> None:
        self.record = record
        self.terms = terms
        self.sort_key = (record[R_OCCURRED] or record[R_CREATED], record[R_ID])
        self._summary: EntrySummary | None = None
        self._tags: frozenset[str] | None = None
        self._codes: frozenset[str] | None = None
        self._day: date | None = None

    @property
    def summary(self) -> EntrySummary:
        if self._summary is None:
            self._summary = summary_from_record(self.record)
        return self._summary

    def tags(self) -> frozenset[str]:
        if self._tags is None:
            self._tags = frozenset(str(t).casefold() for t in self.record[R_TAGS])
        return self._tags

    def codes(self) -> frozenset[str]:
        if self._codes is None:
            self._codes = frozenset(str(c[1]).casefold() for c in self.record[R_COMPETENCIES])
        return self._codes

    def day(self) -> date:
        if self._day is None:
            self._day = datetime.fromisoformat(self.sort_key[0]).date()
        return self._day


class SearchResult:
    """The entries one search matched, newest first, as parallel lists (rows, their terms,
    their ids), so the next keystroke narrows them with C-speed passes
    (``EntryIndex.search_result``) without looking at any other entry."""

    __slots__ = ("_id_set", "ids", "rows", "terms")

    def __init__(self, rows: list[_Row], terms: list[str], ids: list[str]) -> None:
        self.rows = rows
        self.terms = terms
        self.ids = ids
        self._id_set: frozenset[str] | None = None

    def __len__(self) -> int:
        return len(self.rows)

    def id_set(self) -> frozenset[str]:
        """The matching ids, as a set (made once)."""
        if self._id_set is None:
            self._id_set = frozenset(self.ids)
        return self._id_set

    def keep(self, mask: list[bool]) -> SearchResult:
        """The rows whose mask is true (this very result when every one is)."""
        if all(mask):
            return self
        return SearchResult(
            list(compress(self.rows, mask)),
            list(compress(self.terms, mask)),
            list(compress(self.ids, mask)),
        )

    def keep_rows(self, rows: list[_Row]) -> SearchResult:
        """A result of these rows (a subset of this one's, in order)."""
        if len(rows) == len(self.rows):
            return self
        return SearchResult(rows, [r.terms for r in rows], [r.record[R_ID] for r in rows])


class EntryIndex:
    """Summaries and terms of every entry of an open portfolio, searchable per keystroke.

    Not thread-safe; the owner (the service, or the GUI's controller) updates it after each
    save.
    """

    def __init__(self, items: Iterable[tuple[list[Any], str]] = ()) -> None:
        self._rows: dict[str, _Row] = {r[R_ID]: _Row(r, terms) for r, terms in items}
        self._ordered: SearchResult | None = None

    def __len__(self) -> int:
        return len(self._rows)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._rows

    def __iter__(self) -> Iterator[EntrySummary]:
        return (row.summary for row in self._ordered_rows())

    def get(self, entry_id: str) -> EntrySummary | None:
        """The summary of one entry, or None."""
        row = self._rows.get(entry_id)
        return row.summary if row else None

    def terms(self, entry_id: str) -> str | None:
        """The terms of one entry, or None."""
        row = self._rows.get(entry_id)
        return row.terms if row else None

    def ids(self) -> list[EntryId]:
        """Every id, newest first."""
        return [EntryId(row.record[R_ID]) for row in self._ordered_rows()]

    def items(self) -> Iterator[tuple[list[Any], str]]:
        """Every (summary record, terms), newest first (what the stored index holds)."""
        return ((row.record, row.terms) for row in self._ordered_rows())

    def summaries(self) -> list[EntrySummary]:
        """Every summary, newest first."""
        return [row.summary for row in self._ordered_rows()]

    def put(self, entry: Entry) -> EntrySummary:
        """Add or replace an entry (after a save); returns its summary."""
        row = _Row(summary_record(entry), search_terms(entry))
        self._rows[entry.id] = row
        self._ordered = None
        return row.summary

    def put_record(self, record: list[Any], terms: str) -> None:
        """Add or replace an entry from its stored record and terms."""
        self._rows[record[R_ID]] = _Row(record, terms)
        self._ordered = None

    def remove(self, entry_id: str) -> None:
        """Forget an entry (deleted)."""
        if self._rows.pop(entry_id, None) is not None:
            self._ordered = None

    def prepare_filters(self) -> None:
        """Make every row's tag and code sets and day now (the app calls this while
        unlocking, off the GUI thread, so the first "#tag" typed is not the slow one)."""
        for row in self._rows.values():
            row.tags()
            row.codes()
            row.day()
        self._everything()

    def _ordered_rows(self) -> list[_Row]:
        return self._everything().rows

    def _everything(self) -> SearchResult:
        """Every entry, newest first, as a search result (kept until the index changes)."""
        if self._ordered is None:
            rows = sorted(self._rows.values(), key=lambda r: r.sort_key, reverse=True)
            self._ordered = SearchResult(
                rows, [r.terms for r in rows], [r.record[R_ID] for r in rows]
            )
        return self._ordered

    def search(
        self,
        flt: EntryFilter,
        *,
        event_kind_of: Callable[[str], str | None] | None = None,
        text_of: Callable[[EntryId], str] | None = None,
        within: Iterable[str] | None = None,
    ) -> list[EntrySummary]:
        """The summaries passing ``flt``, newest first (``entry_filter.matches`` semantics)."""
        return [r.summary for r in self._search(flt, event_kind_of, text_of, within).rows]

    def search_ids(
        self,
        flt: EntryFilter,
        *,
        event_kind_of: Callable[[str], str | None] | None = None,
        text_of: Callable[[EntryId], str] | None = None,
        within: Iterable[str] | None = None,
    ) -> list[EntryId]:
        """The ids passing ``flt``, newest first (builds no summary objects)."""
        found: list[EntryId] = list(self._search(flt, event_kind_of, text_of, within).ids)  # type: ignore[arg-type]
        return found

    def search_result(
        self,
        flt: EntryFilter,
        *,
        event_kind_of: Callable[[str], str | None] | None = None,
        text_of: Callable[[EntryId], str] | None = None,
        previous: SearchResult | None = None,
    ) -> SearchResult:
        """Like :meth:`search`, searching only ``previous``'s matches when given (the caller
        checks that the new filter ``narrows`` the old one, and that nothing changed since).
        When nothing drops out, ``previous`` itself comes back (its id set too)."""
        return self._search(flt, event_kind_of, text_of, None, previous)

    def _search(
        self,
        flt: EntryFilter,
        event_kind_of: Callable[[str], str | None] | None,
        text_of: Callable[[EntryId], str] | None,
        within: Iterable[str] | None,
        start: SearchResult | None = None,
    ) -> SearchResult:
        """``within``/``start`` narrow the candidates (the previous keystroke's result: one
        more letter can only narrow it). ``text_of`` gives an entry's searchable text, needed
        only for phrases. Filters with ``extra`` checks need full entries: use the scan.
        """
        if flt.extra:
            raise ValueError("extra checks need full entries; use entry_filter.filter_entries")
        found = start if start is not None else self._everything()
        if within is not None:
            wanted = within if isinstance(within, set | frozenset | dict) else set(within)
            found = found.keep([i in wanted for i in found.ids])
        if flt.is_empty:
            return found
        for word in flt.words:  # first: the cheapest pass, and usually the narrowest
            found = found.keep([word in t for t in found.terms])
        found = found.keep_rows(_narrow(found.rows, flt, event_kind_of))
        if flt.phrases:
            if text_of is None:
                raise ValueError("phrases need the entries' texts (text_of)")
            for phrase in flt.phrases:
                pieces = phrase.split(" ")
                found = found.keep([all(p in t for p in pieces) for t in found.terms])
            found = found.keep(
                [all(p in text_of(EntryId(i)) for p in flt.phrases) for i in found.ids]
            )
        return found


def _narrow(
    rows: list[_Row], flt: EntryFilter, event_kind_of: Callable[[str], str | None] | None
) -> list[_Row]:
    """Apply every filter but words and phrases, one list pass per criterion."""
    if flt.only_ids is not None:
        wanted = flt.only_ids
        rows = [r for r in rows if r.record[R_ID] in wanted]
    if flt.kinds:
        rows = [r for r in rows if r.record[R_KIND] in flt.kinds]
    if flt.statuses:
        rows = [r for r in rows if r.record[R_STATUS] in flt.statuses]
    if flt.tags:
        rows = [r for r in rows if flt.tags <= r.tags()]
    if flt.codes:
        rows = [r for r in rows if flt.codes <= r.codes()]
    if flt.event_ids:
        rows = [r for r in rows if not flt.event_ids.isdisjoint(r.record[R_EVENTS])]
    if flt.experience_ids:
        rows = [r for r in rows if not flt.experience_ids.isdisjoint(r.record[R_EXPERIENCES])]
    if flt.professions:
        rows = [r for r in rows if not flt.professions.isdisjoint(r.record[R_PROFESSIONS])]
    if flt.event_kinds:
        kind_of = event_kind_of or (lambda _e: None)
        rows = [
            r
            for r in rows
            if not flt.event_kinds.isdisjoint(k for k in map(kind_of, r.record[R_EVENTS]) if k)
        ]
    if flt.date_from:
        start: date = flt.date_from
        rows = [r for r in rows if r.day() >= start]
    if flt.date_to:
        end: date = flt.date_to
        rows = [r for r in rows if r.day() <= end]
    return rows
