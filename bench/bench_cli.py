"""The ``portfolio`` verbs as a student's scripts run them: one process per command.

    .venv/bin/python bench/bench_cli.py [--small 10] [--large 10000] [--runs 5]

Builds two portfolios from the fixed-seed corpus (real Argon2id parameters), runs each verb
as its own process (``python -m portfolio_app VERB``) several times on both, and prints the
median wall time and CPU time per process side by side, with each figure beside its target
(issue 13): ``add``/``show``/``edit`` on the large portfolio within 1.3x of the same verb on
the small one; ``search WORD`` on the large one under 0.6 s wall, Argon2id included;
``archive import`` of the large portfolio's archive into a new portfolio under 10 s. The
other verbs are printed for reference. Run on demand, never as a timed test: the machine is
shared, so each figure is a median.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from corpus import make_entries

from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.services.portfolio_service import PortfolioService

PASS = "benchmark passphrase"


@dataclass
class Timing:
    """Median wall and CPU seconds of one verb over several processes."""

    wall: float
    cpu: float


@dataclass(frozen=True)
class Verb:
    """A verb to time: its arguments (built per portfolio) and its target."""

    name: str
    argv: Callable[[Fixture, int], list[str]]
    target: str  # "ratio" (within 1.3x of the small portfolio), "abs:S" (under S seconds), ""
    stdin: str | None = None


@dataclass
class Fixture:
    """A built portfolio and ids to use."""

    folder: Path
    count: int
    some_id: str
    body_file: Path


def build(root: Path, count: int) -> Fixture:
    """A portfolio with ``count`` corpus entries (and one event) and the real KDF."""
    folder = root / f"p{count}"
    service, _ = PortfolioService.create(folder, PASS, Profile(name="Bench Student"))
    try:
        service.add_entries_bulk(make_entries(count))
        some_id = service.entries()[count // 2].id
    finally:
        service.close()
    body = root / "body.md"
    body.write_text("Today the pharmacist and I reviewed a discharge together.\n", encoding="utf-8")
    return Fixture(folder, count, some_id, body)


def run_verb(fixture: Fixture, argv: list[str], stdin: str | None) -> Timing:
    """One process: wall time and its CPU time (user + system)."""
    env = dict(os.environ, PORTFOLIO_PASSPHRASE=PASS, PORTFOLIO_DATA_DIR=str(fixture.folder))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "portfolio_app", *argv],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"{argv} failed ({done.returncode}): {done.stderr.strip()[:400]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timing(wall, cpu)


def median_of(fixture: Fixture, verb: Verb, runs: int) -> Timing:
    """Median over ``runs`` processes."""
    timings = [run_verb(fixture, verb.argv(fixture, i), verb.stdin) for i in range(runs)]
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


VERBS = (
    Verb(
        "add",
        lambda f, i: ["add", "--title", f"Bench entry {i}", "--tag", "bench", "--body-file", "-"],
        "ratio",
        stdin="Today the pharmacist and I reviewed a discharge together.\n",
    ),
    Verb("show", lambda f, _i: ["show", f.some_id], "ratio"),
    Verb(
        "edit",
        lambda f, i: ["edit", f.some_id, "--title", f"Edited {i}", "--add-tag", f"t{i}"],
        "ratio",
    ),
    Verb("search WORD", lambda _f, _i: ["search", "sepsis"], "abs:0.6"),
    Verb("search (no match)", lambda _f, _i: ["search", "zzz-no-match"], "abs:0.6"),
    Verb("search #tag kind:", lambda _f, _i: ["search", "#falls", "kind:plan"], "abs:0.6"),
    Verb("list --limit 20", lambda _f, _i: ["list", "--limit", "20"], ""),
    Verb("history", lambda f, _i: ["history", f.some_id], ""),
    Verb("attachments ID", lambda f, _i: ["attachments", f.some_id], ""),
    Verb("feedback list", lambda _f, _i: ["feedback", "list"], ""),
    Verb("events list", lambda _f, _i: ["events", "list"], ""),
    Verb("--help", lambda _f, _i: ["--help"], ""),
)
#: Timed by time_archive_import (each run needs a new portfolio to import into).
IMPORT_VERB = Verb("archive import", lambda _f, _i: [], "abs:10")


def time_archive_import(root: Path, fixture: Fixture, runs: int) -> Timing:
    """``archive import`` of the fixture's archive into a new portfolio, one process a run
    (the archive is written once, in process; each run gets a new, empty portfolio)."""
    from portfolio_app.core.services.archive_service import write_archive

    archive = root / f"archive-{fixture.count}.zip"
    if not archive.exists():
        with PortfolioService.open(fixture.folder, PASS) as service:
            write_archive(service, archive)
    timings = []
    for run in range(runs):
        target = root / f"import-{fixture.count}-{run}"
        service, _ = PortfolioService.create(target, PASS, Profile(name="Bench Student"))
        service.close()
        argv = ["archive", "import", str(archive)]
        timings.append(run_verb(Fixture(target, fixture.count, "", fixture.body_file), argv, None))
    return Timing(
        statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings)
    )


def verdict(verb: Verb, small: Timing, large: Timing) -> str:
    """The target and whether the medians meet it."""
    if verb.target == "ratio":
        ratio = large.wall / small.wall
        return f"{ratio:4.2f}x  (target <= 1.30x: {'met' if ratio <= 1.3 else 'NOT met'})"
    if verb.target.startswith("abs:"):
        limit = float(verb.target[4:])
        ok = large.wall < limit
        return f"        (target < {limit:.1f} s at the large size: {'met' if ok else 'NOT met'})"
    return f"{large.wall / small.wall:4.2f}x  (reference)"


def main() -> int:
    """Build, time, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="only these verbs (names as printed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-cli-") as temp:
        root = Path(temp)
        made = time.perf_counter()
        small = build(root, args.small)
        large = build(root, args.large)
        print(
            f"portfolios: {args.small:,} and {args.large:,} entries built in "
            f"{time.perf_counter() - made:.1f} s; median of {args.runs} processes each"
        )
        print(
            f"{'verb':20} {'wall @' + format(args.small, ','):>11} {'wall @' + format(args.large, ','):>13}"
            f" {'cpu @' + format(args.small, ','):>10} {'cpu @' + format(args.large, ','):>12}"
            "   large/small"
        )
        for verb in VERBS:
            if args.only and verb.name not in args.only:
                continue
            a = median_of(small, verb, args.runs)
            b = median_of(large, verb, args.runs)
            print(
                f"{verb.name:20} {a.wall:9.3f} s {b.wall:11.3f} s {a.cpu:8.3f} s {b.cpu:10.3f} s"
                f"   {verdict(verb, a, b)}",
                flush=True,
            )
        if not args.only or IMPORT_VERB.name in args.only:
            a = time_archive_import(root, small, args.runs)
            b = time_archive_import(root, large, args.runs)
            print(
                f"{IMPORT_VERB.name:20} {a.wall:9.3f} s {b.wall:11.3f} s {a.cpu:8.3f} s "
                f"{b.cpu:10.3f} s   {verdict(IMPORT_VERB, a, b)}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
