"""The cost of one passphrase guess, and the worst unlock an edited header can cause.

    .venv/bin/python bench/bench_kdf.py

Prints: the time of one Argon2id derivation with the default parameters (what an attacker
pays per guess on this machine, per core), and the time of the most expensive parameter sets
the header check accepts (memory, passes and lanes at their bounds), plus that the next step
beyond the bounds is refused before any work. Run on demand, never as a timed test.
"""

from __future__ import annotations

import statistics
import time

from portfolio_app.core.domain.errors import VaultHeaderError
from portfolio_app.core.vault import kdf


def _time(params: kdf.KdfParams, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        kdf.derive_key("benchmark passphrase", b"0123456789abcdef", params)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    default = kdf.DEFAULT_PARAMS
    guess = _time(default, 5)
    print(
        f"one guess, default {default.to_dict()}: {guess * 1000:.0f} ms "
        f"({1 / guess:.1f} guesses/s per core)"
    )
    worst = [
        kdf.KdfParams(kdf.MAX_MEMORY_KIB, kdf.MAX_WORK // kdf.MAX_MEMORY_KIB, kdf.MAX_LANES),
        kdf.KdfParams(kdf.MAX_WORK // kdf.MAX_ITERATIONS, kdf.MAX_ITERATIONS, kdf.MAX_LANES),
        kdf.KdfParams(kdf.MAX_WORK // 4, 4, 1),
    ]
    for params in worst:
        params.check()
        print(f"worst accepted {params.to_dict()}: {_time(params, 2) * 1000:.0f} ms")
    for params in (
        kdf.KdfParams(kdf.MAX_MEMORY_KIB * 2, 1, 1),
        kdf.KdfParams(kdf.MAX_MEMORY_KIB, kdf.MAX_WORK // kdf.MAX_MEMORY_KIB + 1, 1),
        kdf.KdfParams(64 * 1024, kdf.MAX_ITERATIONS + 1, 1),
        kdf.KdfParams(64 * 1024, 4, kdf.MAX_LANES + 1),
    ):
        start = time.perf_counter()
        try:
            kdf.derive_key("x", b"0123456789abcdef", params)
        except VaultHeaderError:
            print(f"refused {params.to_dict()} in {(time.perf_counter() - start) * 1e6:.0f} µs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
