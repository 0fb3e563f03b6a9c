"""Fuzz ``verify`` with mutated real exports: it never crashes, hangs, or calls changed bytes valid.

Quick form (every run, a few hundred mutants): in the normal suite. Long form (thousands):
``PORTFOLIO_FUZZ_LONG=1 .venv/bin/python -m pytest tests/fuzz -m fuzz_long -s`` (prints the
counts, the verdicts and the worst times). Mutations and the oracle are in ``mutations.py``.

"Crash" means an exception that escapes verification, or one raised by our own code (not by
pyHanko on a malformed file) that verification had to catch; "hang" means a case that runs
past 20 s (an alarm, far above the worst seen, which is under a second). A sample also goes
through the worker-process path ``portfolio verify`` uses, which must agree with in-process
verification and never hit its time limit or lose a worker.
"""

from __future__ import annotations

import collections
import os
import signal
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mutations import LONG, Mutant, Seeds, genuine_signatures, mutants, oracle

from portfolio_app.core.services.export_service import TrustInputs, verify_paths
from portfolio_app.core.signing import verification
from portfolio_app.core.signing.limits import VerifyLimits, WorkLimitError
from portfolio_app.core.signing.trust import build_trust

QUICK_COUNT = 300
LONG_COUNT = 5000
HANG_SECONDS = 20
_OUR_ERRORS = (WorkLimitError,)


class HangError(Exception):
    """A case ran past the alarm."""


@pytest.fixture
def our_bugs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Exceptions raised in our own code during verification (verify_pdf still catches them)."""
    found: list[str] = []
    inner = verification._verify

    def watched(*args: Any, **kwargs: Any) -> Any:
        try:
            return inner(*args, **kwargs)
        except Exception as exc:
            frames = traceback.extract_tb(exc.__traceback__)
            if (
                frames
                and "/portfolio_app/" in frames[-1].filename
                and not isinstance(exc, _OUR_ERRORS)
            ):
                where = f"{Path(frames[-1].filename).name}:{frames[-1].lineno}"
                found.append(f"{type(exc).__name__} at {where}: {exc}")
            raise

    monkeypatch.setattr(verification, "_verify", watched)
    yield found


def _alarm(seconds: float) -> None:
    if sys.platform != "win32":
        signal.setitimer(signal.ITIMER_REAL, seconds)


def _run(
    batch: list[Mutant], seeds: Seeds, our_bugs: list[str]
) -> tuple[list[str], dict[str, Any]]:
    trust = build_trust([seeds.ca_pem])
    genuine = genuine_signatures(list(seeds.files.values()))
    failures: list[str] = []
    verdicts: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    timings: list[tuple[float, str]] = []
    previous = None
    if sys.platform != "win32":

        def on_alarm(_signum: int, _frame: Any) -> None:
            raise HangError()

        previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        for mutant in batch:
            kinds[mutant.name.split(":")[1].split("@")[0]] += 1
            started = time.perf_counter()
            bugs_before = len(our_bugs)
            try:
                _alarm(HANG_SECONDS)
                report = verification.verify_pdf(mutant.data, trust=trust)
            except HangError:
                failures.append(f"{mutant.name}: still running after {HANG_SECONDS} s")
                continue
            except Exception as exc:
                failures.append(f"{mutant.name}: verify raised {type(exc).__name__}: {exc}")
                continue
            finally:
                _alarm(0)
            timings.append((time.perf_counter() - started, mutant.name))
            verdicts[report.verdict.value] += 1
            if len(our_bugs) > bugs_before:
                failures.append(f"{mutant.name}: {our_bugs[-1]}")
            problem = oracle(mutant, report, genuine)
            if problem:
                failures.append(problem)
    finally:
        if previous is not None:
            signal.signal(signal.SIGALRM, previous)
    timings.sort(reverse=True)
    return failures, {
        "verdicts": dict(verdicts),
        "kinds": dict(kinds),
        "worst": timings[0] if timings else (0.0, ""),
        "slowest": timings[:5],
        "median": timings[len(timings) // 2][0] if timings else 0.0,
    }


def test_seeds_verify_as_valid_and_trusted(seeds: Seeds) -> None:
    trust = build_trust([seeds.ca_pem])
    for name, data in seeds.files.items():
        report = verification.verify_pdf(data, trust=trust)
        assert report.exit_code == 0, (name, report.describe())


def test_quick_form_mutants_never_crash_hang_or_pass_changed_bytes(
    seeds: Seeds, our_bugs: list[str]
) -> None:
    batch = mutants(seeds.files, QUICK_COUNT, seed=20261129)
    failures, stats = _run(batch, seeds, our_bugs)
    print(f"quick form: {len(batch)} mutants, {stats['verdicts']}, worst {stats['worst']}")
    assert not failures, "\n".join(failures[:20])
    # The mix must exercise both outcomes, or the oracle checks nothing.
    assert stats["verdicts"].get("valid-trusted", 0) > 0
    assert stats["verdicts"].get("broken-or-modified", 0) > 0
    assert stats["verdicts"].get("not-signed-or-unreadable", 0) > 0


def test_worker_path_agrees_and_never_times_out(seeds: Seeds, tmp_path: Path) -> None:
    batch = mutants(seeds.files, 40, seed=7)
    trust = build_trust([seeds.ca_pem])
    for index, mutant in enumerate(batch):
        (tmp_path / f"{index:03d}.pdf").write_bytes(mutant.data)
    results = verify_paths(
        [tmp_path],
        trust=TrustInputs(trust=(("ca.pem", seeds.ca_pem),)),
        limits=VerifyLimits(seconds=60, workers=2),
    )
    assert len(results) == len(batch)
    for (path, report), mutant in zip(results, batch, strict=True):
        assert report.limit not in {"time", "worker", "memory"}, (mutant.name, report.reason)
        expected = verification.verify_pdf(mutant.data, trust=trust)
        assert report.exit_code == expected.exit_code, (path.name, mutant.name)


@pytest.mark.fuzz_long
@pytest.mark.skipif(not LONG, reason="long form: set PORTFOLIO_FUZZ_LONG=1")
def test_long_form_thousands_of_mutants(seeds: Seeds, our_bugs: list[str]) -> None:
    seed = int(os.environ.get("PORTFOLIO_FUZZ_SEED", int(time.time()) % 100_000))
    batch = mutants(seeds.files, LONG_COUNT, seed=seed)
    failures, stats = _run(batch, seeds, our_bugs)
    print(f"\nlong form: {len(batch)} mutants (PORTFOLIO_FUZZ_SEED={seed} repeats this run)")
    print(f"  by mutation: {stats['kinds']}")
    print(f"  verdicts: {stats['verdicts']}")
    print(f"  median verify: {stats['median']:.3f} s")
    print("  slowest: " + "; ".join(f"{t:.3f} s {name}" for t, name in stats["slowest"]))
    assert not failures, "\n".join(failures[:20])
