"""Core figures on a 10,000-entry portfolio with real Argon2id parameters.

    .venv/bin/python bench/bench_core.py [--entries 10000]

Prints: unlock time, time to load and decrypt all entries, unlock + load, search time per
query, time to save one entry, and peak memory. Targets (issue 2): unlock + load < 1.5 s,
a search < 50 ms, saving an entry < 20 ms. Run on demand, never as a timed test.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import make_entries

from portfolio_app.core.domain.entries import Section
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService
from portfolio_app.core.storage.database import make_engine
from portfolio_app.core.storage.vault_repository import read_key_slots
from portfolio_app.core.vault.key_slots import unlock_passphrase_slot

PASS = "benchmark passphrase"
QUERIES = (
    "handover",
    "sbar readback",
    "#teamwork",
    "pharmacist discharge family",
    "code:VE3",
    "zzz-no-match",
    "kind:plan compassion",
)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=10_000)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rp-bench-")) / "data"
    service, _ = PortfolioService.create(folder, PASS, Profile(name="Bench Student"))
    try:
        from portfolio_app.core.framework_packs import load_builtin_frameworks

        with_codes = any(f.id == "ipec-2023" for f in load_builtin_frameworks())
    except ImportError:
        with_codes = False
    t0 = time.perf_counter()
    service.add_entries_bulk(make_entries(args.entries, with_codes=with_codes))
    print(
        f"built {args.entries} entries in {time.perf_counter() - t0:.2f} s (with_codes={with_codes})"
    )
    service.close()

    unlocks = []
    for _ in range(3):
        engine = make_engine(folder / "portfolio.db")
        slots = read_key_slots(engine)
        t0 = time.perf_counter()
        unlock_passphrase_slot(slots["passphrase"], PASS)
        unlocks.append(time.perf_counter() - t0)
        engine.dispose()
    totals = []
    for _ in range(3):
        t0 = time.perf_counter()
        service = PortfolioService.open(folder, PASS)
        totals.append(time.perf_counter() - t0)
        if _ < 2:
            service.close()
    unlock = statistics.median(unlocks)
    total = statistics.median(totals)
    print(f"unlock (Argon2id only):        {unlock * 1000:7.1f} ms")
    print(f"load + decrypt all entries:    {(total - unlock) * 1000:7.1f} ms")
    print(
        f"unlock + load {service.entry_count()} entries:  {total * 1000:7.1f} ms   (target < 1500 ms)"
    )
    for query in QUERIES:
        times = []
        for _ in range(7):
            t0 = time.perf_counter()
            hits = service.search(query)
            times.append(time.perf_counter() - t0)
        print(
            f"search {query!r:32} {statistics.median(times) * 1000:6.1f} ms  ({len(hits)} hits)  (target < 50 ms)"
        )
    entry = service.entries()[0]
    saves = []
    for i in range(21):
        changed = entry.replace(
            sections=(*entry.sections[:-1], Section("Now what?", f"edit {i}", "s2"))
        )
        t0 = time.perf_counter()
        entry = service.save_entry(changed, autosave=True)
        saves.append(time.perf_counter() - t0)
    print(
        f"save one entry (autosave):     {statistics.median(saves) * 1000:7.1f} ms   (target < 20 ms)"
    )
    saves = []
    for i in range(11):
        changed = entry.replace(title=f"checkpoint {i}")
        t0 = time.perf_counter()
        entry = service.save_entry(changed)
        saves.append(time.perf_counter() - t0)
    print(
        f"save one entry (new revision): {statistics.median(saves) * 1000:7.1f} ms   (target < 20 ms)"
    )
    service.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS):         {peak:7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
