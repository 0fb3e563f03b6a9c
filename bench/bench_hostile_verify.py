"""Worst-case time of ``portfolio verify`` on hostile PDFs (issue 8: bounded work).

    .venv/bin/python bench/bench_hostile_verify.py [--scale 1.0] [--limit 600] [--only NAME]
        [--keep DIR] [--in-process] [--source DIR]

Builds each file of ``tests/fuzz/hostile_pdfs.py`` (1-33 MB at ``--scale 1``; with
``--at-limits`` also files that stay just inside every limit of ``core.signing.limits``), then times
``portfolio verify FILE --json`` on it in a fresh process (the whole command, as an assessor
would run it), killed after ``--limit`` seconds. ``--in-process`` times ``verify_pdf`` itself
instead (no worker process, no time limit: how long the bounded work alone takes).
``--source DIR`` runs the ``portfolio_app`` found in DIR (e.g. ``git archive main
portfolio_app | tar -x -C DIR``, for before/after figures). Prints one
line per file (size, seconds, exit code, the start of the reason) and the worst time. Run on
demand, never as a timed test.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fuzz"))

import hostile_pdfs  # noqa: E402


def _time_cli(path: Path, limit: float, source: Path | None) -> tuple[float, str, str]:
    # -P: the current folder must not shadow --source's portfolio_app.
    command = [sys.executable, "-P", "-m", "portfolio_app", "verify", str(path), "--json"]
    env = dict(os.environ)
    if source is not None:
        env["PYTHONPATH"] = str(source)
    start = time.perf_counter()
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=limit, env=env)
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, "killed", f"still running after {limit:.0f} s"
    elapsed = time.perf_counter() - start
    try:
        reason = json.loads(result.stdout)["files"][0]["reason"]
    except (ValueError, KeyError, IndexError):
        reason = (result.stderr or result.stdout).strip().splitlines()[-1:] or [""]
        reason = reason[0]
    return elapsed, str(result.returncode), str(reason)


def _time_in_process(data: bytes) -> tuple[float, str, str]:
    from portfolio_app.core.signing.verification import verify_pdf

    start = time.perf_counter()
    report = verify_pdf(data)
    return time.perf_counter() - start, str(report.exit_code), report.reason


def main() -> None:
    """Build, verify, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--limit", type=float, default=600.0)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--keep", type=Path, help="keep the files in this folder")
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--source", type=Path, help="folder holding the portfolio_app to time")
    parser.add_argument(
        "--at-limits", action="store_true", help="also files built to stay just inside each limit"
    )
    args = parser.parse_args()

    folder = args.keep or Path(tempfile.mkdtemp(prefix="hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    base = hostile_pdfs.honest_signed()
    worst = (0.0, "")
    cases = hostile_pdfs.CASES + (hostile_pdfs.AT_LIMITS if args.at_limits else ())
    for case in cases:
        if args.only and case.name not in args.only:
            continue
        path = folder / f"{case.name}.pdf"
        if not path.exists():
            path.write_bytes(case.build(base, args.scale))
        data = path.read_bytes()
        if args.in_process:
            seconds, code, reason = _time_in_process(data)
        else:
            seconds, code, reason = _time_cli(path, args.limit, args.source)
        worst = max(worst, (seconds, case.name))
        print(
            f"{case.name:24} {len(data) / 1e6:7.1f} MB {seconds:8.2f} s  exit {code:6}  "
            f"{reason[:90]}",
            flush=True,
        )
    print(f"worst: {worst[0]:.2f} s ({worst[1]}); files in {folder}")


if __name__ == "__main__":
    main()
