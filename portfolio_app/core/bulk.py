"""Bulk decoding without the cyclic garbage collector running over and over.

Decoding 10,000 entries or index records makes hundreds of thousands of small lists, tuples
and dicts, none of them cyclic. Each few hundred allocations trigger a collection, and the
older generations are walked again and again as they grow: measured here, that doubled the
time to load the search index. Pausing the collector for the decode and letting it run once
afterwards is the usual remedy.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Run a block with the cyclic collector off (it is turned back on, if it was on)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
