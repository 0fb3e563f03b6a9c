"""Search and filtering over decrypted entries, in memory (nothing decrypted is indexed on disk).

A query is words that must all appear (case-insensitive), with a few prefixes students can type:
``#tag`` or ``tag:x``, ``kind:plan``, ``status:draft``, ``code:VE3``. The GUI's sidebar filters
build the same :class:`EntryFilter`, so the CLI and the window agree on what matches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from portfolio_app.core.domain.entries import Entry


@dataclass(frozen=True)
class EntryFilter:
    """Everything an entry list can be narrowed by; empty fields match all."""

    words: tuple[str, ...] = ()
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
    extra: tuple[Callable[[Entry], bool], ...] = field(default=(), compare=False)

    @property
    def is_empty(self) -> bool:
        """True when nothing narrows the list."""
        return not (
            self.words
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
            or self.extra
        )


def parse_query(text: str) -> EntryFilter:
    """Turn what a student types into a filter."""
    words: list[str] = []
    kinds: set[str] = set()
    statuses: set[str] = set()
    tags: set[str] = set()
    codes: set[str] = set()
    for token in text.split():
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
        kinds=frozenset(kinds),
        statuses=frozenset(statuses),
        tags=frozenset(tags),
        codes=frozenset(codes),
    )


def entry_date(entry: Entry) -> date:
    """The date an entry is about: when the experience happened, else when it was written."""
    return (entry.occurred_on or entry.created).date()


def matches(
    entry: Entry,
    flt: EntryFilter,
    *,
    text: str | None = None,
    event_kind_of: Callable[[str], str | None] | None = None,
) -> bool:
    """Whether ``entry`` passes ``flt``. ``text`` is a cached ``entry.searchable_text()``."""
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
    if flt.words:
        haystack = text if text is not None else entry.searchable_text()
        if not all(word in haystack for word in flt.words):
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
