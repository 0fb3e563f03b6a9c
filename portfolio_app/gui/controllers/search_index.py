"""Search-as-you-type over the open portfolio, within one frame per keystroke at 10,000 entries.

The service answers every filter from its search index in memory (summaries and terms, the
same rules as the core's scan: ``core.domain.entry_index``); no entry is decrypted to filter
the list. This class keeps the one thing that makes typing cheaper still: the last filter and
its result. Typing one more letter can only narrow the result (``narrows``), so the next
keystroke looks only at the previous matches. Any change to the entries forgets it.
"""

from __future__ import annotations

from portfolio_app.core.domain.entry_filter import EntryFilter
from portfolio_app.core.domain.entry_index import SearchResult, narrows
from portfolio_app.core.services.portfolio_service import PortfolioService


class SearchIndex:
    """The previous keystroke's filter and result."""

    def __init__(self) -> None:
        self._last: tuple[EntryFilter, SearchResult] | None = None

    def matching_ids(self, service: PortfolioService, flt: EntryFilter) -> frozenset[str]:
        """Ids of the entries that pass ``flt``."""
        if flt.extra:
            self._last = None
            return frozenset(e.id for e in service.filter(flt))
        previous = None
        if self._last is not None and narrows(flt, self._last[0]):
            previous = self._last[1]
        result = service.find_result(flt, previous=previous)
        self._last = (flt, result)
        return result.id_set()

    def invalidate(self) -> None:
        """Entries changed (saved, added, deleted, reloaded, locked)."""
        self._last = None
