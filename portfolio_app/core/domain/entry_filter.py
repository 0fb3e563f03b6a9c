"""Search and filtering rules, applied in memory to decrypted entries (the reference scan).

A query is words that must all appear (case-insensitive, anywhere in a word: ``sepsi`` finds
"sepsis"), phrases in double quotes that must appear as written (``"hand hygiene"``; an
unclosed quote runs to the end), and a few prefixes students can type: ``#tag`` or ``tag:x``,
``kind:plan``, ``status:draft``, ``code:VE3``. The GUI's sidebar filters build the same
:class:`EntryFilter`, so the CLI and the window agree on what matches. The encrypted search
index (``entry_index``) answers the same filters without decrypting entries; a property test
holds it to exactly these rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from portfolio_app.core.domain.entries import Entry

if TYPE_CHECKING:
    from portfolio_app.core.domain.entry_index import EntrySummary


@dataclass(frozen=True)
class EntryFilter:
    """Everything an entry list can be narrowed by; empty fields match all."""

    words: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    kinds: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    event_ids: frozenset[str] = frozenset()
    event_kinds: frozenset[str] = frozenset()
    experience_ids: frozenset[str] = frozenset()
    codes: frozenset[str] = frozenset()
    professions: frozenset[str] = frozenset()
    date_from: date | None = None
    date_to: date | None = None
    #: Only these entries (None: any). The app's "Has tutor feedback" filter: the ids come
    #: from the imported feedback records, so the search index answers it like the rest.
    only_ids: frozenset[str] | None = None
    extra: tuple[Callable[[Entry], bool], ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing narrows the list."""
        return not (
            self.words
            or self.phrases
            or self.kinds
            or self.statuses
            or self.tags
            or self.event_ids
            or self.event_kinds
            or self.experience_ids
            or self.codes
            or self.professions
            or self.date_from
            or self.date_to
            or self.only_ids is not None
            or self.extra
        )


def parse_query(text: str) -> EntryFilter:
    """Turn what a student types into a filter."""
    words: list[str] = []
    phrases: list[str] = []
    kinds: set[str] = set()
    statuses: set[str] = set()
    tags: set[str] = set()
    codes: set[str] = set()
    for position, part in enumerate(text.split('"')):
        if position % 2:  # inside quotes (an unclosed quote runs to the end)
            phrase = normalise_text(part)
            if " " in phrase:
                phrases.append(phrase)
            elif phrase:
                words.append(phrase)
            continue
        for token in part.split():
            lower = token.casefold()
            if lower.startswith("#") and len(lower) > 1:
                tags.add(lower[1:])
            elif lower.startswith("tag:") and len(lower) > 4:
                tags.add(lower[4:])
            elif lower.startswith("kind:"):
                kinds.add(lower[5:])
            elif lower.startswith("status:"):
                statuses.add(lower[7:])
            elif lower.startswith("code:"):
                codes.add(lower[5:])
            else:
                words.append(lower)
    return EntryFilter(
        words=tuple(words),
        phrases=tuple(phrases),
        kinds=frozenset(kinds),
        statuses=frozenset(statuses),
        tags=frozenset(tags),
        codes=frozenset(codes),
    )


def normalise_text(text: str) -> str:
    """Case-folded, every run of whitespace one space (how texts and phrases are compared)."""
    return " ".join(text.casefold().split())


def entry_date(entry: Entry | EntrySummary) -> date:
    """The date an entry is about: when the experience happened, else when it was written."""
    return (entry.occurred_on or entry.created).date()


def newest_first(entry: Entry | EntrySummary) -> tuple[datetime, str]:
    """Sort key for "newest first" (with ``reverse=True``): the date it is about, then the id,
    so every list (scan, index, GUI) orders ties the same way."""
    return (entry.occurred_on or entry.created, entry.id)


def matches(
    entry: Entry,
    flt: EntryFilter,
    *,
    text: str | None = None,
    event_kind_of: Callable[[str], str | None] | None = None,
) -> bool:
    """Whether ``entry`` passes ``flt``. ``text`` is a cached ``entry.searchable_text()``."""
    if flt.only_ids is not None and entry.id not in flt.only_ids:
        return False
    if flt.kinds and entry.kind.value not in flt.kinds:
        return False
    if flt.statuses and entry.status.value not in flt.statuses:
        return False
    if flt.tags and not flt.tags.issubset({t.casefold() for t in entry.tags}):
        return False
    if flt.codes and not flt.codes.issubset({c.code.casefold() for c in entry.competencies}):
        return False
    if flt.event_ids and not flt.event_ids.intersection(entry.event_ids):
        return False
    if flt.experience_ids and not flt.experience_ids.intersection(entry.experience_ids):
        return False
    if flt.professions and not flt.professions.intersection(entry.professions):
        return False
    if flt.event_kinds:
        kinds = {event_kind_of(e) for e in entry.event_ids} if event_kind_of else set()
        if not flt.event_kinds.intersection(k for k in kinds if k):
            return False
    if flt.date_from or flt.date_to:
        day = entry_date(entry)
        if flt.date_from and day < flt.date_from:
            return False
        if flt.date_to and day > flt.date_to:
            return False
    if flt.words or flt.phrases:
        haystack = text if text is not None else entry.searchable_text()
        if not all(word in haystack for word in flt.words):
            return False
        if not all(phrase in haystack for phrase in flt.phrases):
            return False
    return all(check(entry) for check in flt.extra)


def filter_entries(
    entries: Iterable[Entry],
    flt: EntryFilter,
    *,
    texts: dict[str, str] | None = None,
    event_kind_of: Callable[[str], str | None] | None = None,
) -> list[Entry]:
    """The entries that pass the filter, in the given order."""
    if flt.is_empty:
        return list(entries)
    return [
        e
        for e in entries
        if matches(e, flt, text=texts.get(e.id) if texts else None, event_kind_of=event_kind_of)
    ]
