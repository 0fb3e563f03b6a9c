"""Hostile PDFs cost bounded time (issue 8 item 5): limits, the worker's time and memory limits.

Each file of ``hostile_pdfs`` is built small here (the bench builds them at 1-33 MB): large
enough to cross the limit it attacks, which the check must refuse (exit 3, naming the limit)
instead of spending minutes. Before these limits the full-size files took from 4 s to more than
300 s each (``bench/bench_hostile_verify.py --source`` on the old code). The worker tests make
a check slow, greedy or crash on purpose and see that only that file pays.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import hostile_pdfs
import pytest

from portfolio_app.core.services.export_service import TrustInputs, verify_paths
from portfolio_app.core.signing import isolation
from portfolio_app.core.signing.limits import LIMITS_HELP, MAX_PDF_BYTES, VerifyLimits
from portfolio_app.core.signing.verification import Verdict, verify_pdf

SCRIPT = Path(sys.executable).parent / "portfolio"
# name -> (scale, the limit that must stop it)
REFUSED = {
    "shared-annotations": (0.05, "work"),
    "many-fields": (0.06, "work"),  # 1,140 fields: over the 1,010 a feedback form needs
    "million-pages": (0.05, "work"),
    "huge-json": (0.7, "work"),
    # 1,140 fields and 15 updates: the revision count, checked first, refuses it
    "fields-then-revisions": (0.06, "structure"),
    "many-revisions": (0.2, "structure"),
    "huge-xref-table": (0.1, "structure"),
    "xref-stream-bomb": (0.02, "structure"),
    "object-stream-bomb": (0.06, "structure"),
}
CASES = {case.name: case for case in hostile_pdfs.CASES + hostile_pdfs.AT_LIMITS}


@pytest.fixture(scope="module")
def honest() -> bytes:
    return hostile_pdfs.honest_signed()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_file_over_a_limit_is_refused_with_exit_3(name: str, honest: bytes) -> None:
    scale, limit = REFUSED[name]
    report = verify_pdf(CASES[name].build(honest, scale))
    assert report.verdict is Verdict.NOT_SIGNED_OR_UNREADABLE, report.describe()
    assert report.exit_code == 3
    assert report.limit == limit, report.reason
    assert "portfolio" in report.reason and (
        "limit" in report.reason or "more than" in report.reason
    )


def test_an_object_too_large_to_parse_quickly_is_refused(honest: bytes) -> None:
    report = verify_pdf(hostile_pdfs.huge_object(0.05))
    assert report.limit == "work", report.reason
    assert "of PDF syntax" in report.reason


@pytest.mark.parametrize("name", ["deep-nesting", "flate-bomb", "pages-at-limit", "xref-at-limit"])
def test_files_inside_the_limits_are_checked_to_the_end(name: str, honest: bytes) -> None:
    report = verify_pdf(CASES[name].build(honest, 0.05))
    assert report.limit is None, report.reason
    assert report.exit_code in {1, 2, 3}  # a self-signed hostile student: never 0


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as out:
        out.write(b"%PDF-1.7\n")
        out.truncate(MAX_PDF_BYTES + 1)
    ((_path, report),) = verify_paths([big])
    assert report.exit_code == 3 and report.limit == "size"
    assert "the limit is 32 MiB" in report.reason


def test_the_limits_are_in_verify_help() -> None:
    if not SCRIPT.exists():
        pytest.skip("the console script is not installed")
    result = subprocess.run(
        [str(SCRIPT), "verify", "--help"], capture_output=True, text=True, timeout=120
    )
    text = " ".join(result.stdout.split())
    assert " ".join(LIMITS_HELP.split()) in text
    assert "--time-limit" in text and "--memory-limit" in text
    for code in ("0 every file intact", "1 broken", "2 intact, but", "3 not a signed", "4 intact"):
        assert code in text, code
    assert "1 > 3 > 2 > 4 > 0" in text


def test_the_cli_refuses_a_hostile_file_with_exit_3_and_goes_on(
    tmp_path: Path, honest: bytes
) -> None:
    if not SCRIPT.exists():
        pytest.skip("the console script is not installed")
    (tmp_path / "a-hostile.pdf").write_bytes(CASES["shared-annotations"].build(honest, 0.05))
    (tmp_path / "b-honest.pdf").write_bytes(honest)
    result = subprocess.run(
        [str(SCRIPT), "verify", str(tmp_path), "--time-limit", "60"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 3, result.stdout + result.stderr
    assert "larger or more complex than any portfolio this app makes" in result.stdout
    assert "more than 10,000 annotations" in result.stdout
    assert "2 files: 1 with exit 2, 1 with exit 3" in result.stdout
    bad = subprocess.run(
        [str(SCRIPT), "verify", str(tmp_path), "--time-limit", "0"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "must be more than 0" in bad.stderr


# ---- the worker process: time, memory, crashes ---------------------------------------------

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="patches the worker through fork (Linux)"
)


@pytest.fixture
def forked_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers forked from this process, so they inherit the patches a test makes."""
    import multiprocessing

    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("fork"))


def _folder(tmp_path: Path, honest: bytes, names: list[str]) -> list[Path]:
    paths = []
    for name in names:
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(honest)
        paths.append(path)
    return paths


def _misbehave_on(monkeypatch: pytest.MonkeyPatch, name: str, action: Any) -> None:
    real = isolation.read_and_verify

    def patched(path: Path, *args: Any) -> Any:
        if path.stem == name:
            action()
        return real(path, *args)

    monkeypatch.setattr(isolation, "read_and_verify", patched)


@needs_fork
def test_a_file_that_runs_too_long_is_stopped_and_the_rest_go_on(
    tmp_path: Path, honest: bytes, monkeypatch: pytest.MonkeyPatch, forked_workers: None
) -> None:
    _misbehave_on(monkeypatch, "slow", lambda: time.sleep(600))
    paths = _folder(tmp_path, honest, ["a", "slow", "b", "c"])
    started = time.monotonic()
    results = verify_paths(paths, limits=VerifyLimits(seconds=3, workers=2))
    assert time.monotonic() - started < 120  # not 600: the slow worker was killed
    by_name = {path.stem: report for path, report in results}
    assert by_name["slow"].exit_code == 3 and by_name["slow"].limit == "time"
    assert "took longer than 3 s" in by_name["slow"].reason
    assert all(by_name[n].exit_code == 2 and by_name[n].limit is None for n in "abc")


@needs_fork
def test_a_file_that_needs_too_much_memory_is_stopped(
    tmp_path: Path, honest: bytes, monkeypatch: pytest.MonkeyPatch, forked_workers: None
) -> None:
    def greedy() -> None:
        hoard = []
        for _ in range(64):
            hoard.append(bytearray(64 * 1024 * 1024))  # 4 GiB in all, far over the limit

    _misbehave_on(monkeypatch, "greedy", greedy)
    paths = _folder(tmp_path, honest, ["greedy", "fine"])
    results = verify_paths(paths, limits=VerifyLimits(seconds=60, memory_bytes=256 * 1024**2))
    by_name = {path.stem: report for path, report in results}
    assert by_name["greedy"].exit_code == 3 and by_name["greedy"].limit == "memory"
    assert by_name["fine"].exit_code == 2


@needs_fork
def test_a_worker_that_dies_costs_only_its_file(
    tmp_path: Path, honest: bytes, monkeypatch: pytest.MonkeyPatch, forked_workers: None
) -> None:
    _misbehave_on(monkeypatch, "crash", lambda: os._exit(13))
    paths = _folder(tmp_path, honest, ["before", "crash", "after"])
    results = verify_paths(paths, limits=VerifyLimits(workers=1))
    by_name = {path.stem: report for path, report in results}
    assert by_name["crash"].exit_code == 3 and by_name["crash"].limit == "worker"
    assert "exit status 13" in by_name["crash"].reason
    assert by_name["before"].exit_code == 2 and by_name["after"].exit_code == 2


def test_spawned_workers_check_files_too(tmp_path: Path, honest: bytes, monkeypatch: Any) -> None:
    """The start method the GUI (a threaded caller) and macOS and Windows use."""
    import multiprocessing

    monkeypatch.setattr(isolation, "_context", lambda: multiprocessing.get_context("spawn"))
    paths = _folder(tmp_path, honest, ["one", "two"])
    trust = TrustInputs(fingerprints=(_fingerprint(honest),))
    results = verify_paths(paths, trust=trust, limits=VerifyLimits(workers=2))
    assert [report.exit_code for _path, report in results] == [0, 0]


def _fingerprint(pdf: bytes) -> str:
    report = verify_pdf(pdf)
    fingerprint = report.signatures[0].fingerprint
    assert fingerprint is not None
    return fingerprint


def test_without_worker_processes_files_are_still_checked(
    tmp_path: Path, honest: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> Any:
        raise OSError("no processes in this sandbox")

    monkeypatch.setattr(isolation, "_context", refuse)
    ((_path, report),) = verify_paths(_folder(tmp_path, honest, ["x"]))
    assert report.exit_code == 2
    assert any("without a separate process" in w for w in report.warnings)


def test_poppler_agrees_the_honest_seed_is_signed(tmp_path: Path, honest: bytes) -> None:
    if shutil.which("pdfsig") is None:
        pytest.skip("poppler-utils is not installed")
    path = tmp_path / "honest.pdf"
    path.write_bytes(honest)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=60)
    assert "Signature is Valid" in out.stdout


def test_a_cancel_from_the_progress_callback_stops_the_run(tmp_path: Path, honest: bytes) -> None:
    """The GUI cancels by raising from ``progress``: that must end the run, not restart it."""

    class CancelledError(Exception):
        pass

    def progress(_done: int, _total: int, _path: str) -> None:
        raise CancelledError()

    with pytest.raises(CancelledError):
        verify_paths(_folder(tmp_path, honest, ["a", "b", "c"]), progress=progress)
