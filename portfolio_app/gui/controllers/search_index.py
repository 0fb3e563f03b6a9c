"""Search-as-you-type over the open portfolio, fast enough for every keystroke at 10,000 entries.

The matching rules are the core's (``entry_filter.filter_entries``); this class only keeps what
makes them cheap per keystroke:
- the lower-cased text of every entry, built once on a pool thread after unlock (entries are
  immutable, so the worker reads them safely) and updated per saved entry;
- the last filter and its result: typing one more letter can only narrow the result, so the
  next keystroke scans the previous matches instead of every entry.
Until the texts are ready, callers fall back to ``PortfolioService.filter``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable

from portfolio_app.core.domain.entries import Entry
from portfolio_app.core.domain.entry_filter import EntryFilter, filter_entries

_NON_WORD_FIELDS = tuple(
    f.name for f in dataclasses.fields(EntryFilter) if f.name not in {"words", "extra"}
)


def build_texts(entries: Iterable[Entry]) -> dict[str, str]:
    """Searchable texts by entry id (runs on a pool thread)."""
    return {entry.id: entry.searchable_text() for entry in entries}


def narrows(new: EntryFilter, old: EntryFilter) -> bool:
    """True when every entry matching ``new`` also matches ``old`` (a letter was typed)."""
    if new.extra or old.extra:
        return False
    if any(getattr(new, name) != getattr(old, name) for name in _NON_WORD_FIELDS):
        return False
    return all(any(old_word in new_word for new_word in new.words) for old_word in old.words)


class SearchIndex:
    """Cached texts and the previous result, for incremental filtering."""

    def __init__(self) -> None:
        self._entries: dict[str, Entry] = {}
        self._texts: dict[str, str] | None = None
        self._last: tuple[EntryFilter, list[Entry]] | None = None

    @property
    def is_ready(self) -> bool:
        """Whether the texts are built."""
        return self._texts is not None

    def set_entries(self, entries: Iterable[Entry]) -> None:
        """The entries to search (texts arrive later through :meth:`set_texts`)."""
        self._entries = {entry.id: entry for entry in entries}
        self._texts = None
        self._last = None

    def snapshot(self) -> list[Entry]:
        """A copy of the entries for the text-building worker."""
        return list(self._entries.values())

    def set_texts(self, texts: dict[str, str]) -> None:
        """Texts built by the worker; entries changed meanwhile are recomputed."""
        for entry_id, entry in self._entries.items():
            if entry_id not in texts:
                texts[entry_id] = entry.searchable_text()
        for entry_id in set(texts) - set(self._entries):
            del texts[entry_id]
        self._texts = texts
        self._last = None

    def update(self, entry: Entry) -> None:
        """An entry was added or saved."""
        self._entries[entry.id] = entry
        if self._texts is not None:
            self._texts[entry.id] = entry.searchable_text()
        self._last = None

    def remove(self, entry_id: str) -> None:
        """An entry was deleted."""
        self._entries.pop(entry_id, None)
        if self._texts is not None:
            self._texts.pop(entry_id, None)
        self._last = None

    def clear(self) -> None:
        """Forget everything (lock)."""
        self._entries = {}
        self._texts = None
        self._last = None

    def matching_ids(
        self, flt: EntryFilter, event_kind_of: Callable[[str], str | None]
    ) -> set[str] | None:
        """Ids of the entries that pass ``flt``; None while the texts are not ready."""
        if self._texts is None:
            return None
        candidates: Iterable[Entry] = self._entries.values()
        if self._last is not None and narrows(flt, self._last[0]):
            candidates = self._last[1]
        found = filter_entries(candidates, flt, texts=self._texts, event_kind_of=event_kind_of)
        self._last = (flt, found)
        return {entry.id for entry in found}
