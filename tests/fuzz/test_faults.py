"""Faults: SIGKILL during a save, a key rotation and a backup; a full disk during a save, a
backup and an export. After each, the portfolio opens, passes the full check and holds every
entry whose save had returned; the failed operation says clearly what happened.

The full disk is a real one where the machine allows it (a tiny tmpfs, mounted as root), and
simulated otherwise and always as well (SQLite's page limit for saves; an ENOSPC from fsync
for backups and exports).
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fuzz_support import PASS, build_reference, no_hang, scale

from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.domain.errors import PortfolioError, StorageFullError, WrongPassphraseError
from portfolio_app.core.services.backup_service import create_backup, restore_backup
from portfolio_app.core.services.export_service import export_portfolio
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService

WORKER = Path(__file__).with_name("kill_worker.py")
NEW = "a brand new long passphrase 7"
ROOT = Path(__file__).resolve().parents[2]
kills: dict[str, int] = {}


def _worker(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(WORKER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _kill_after(proc: subprocess.Popen[str], wanted: int, deadline: float = 60) -> list[str]:
    """Read lines until ``wanted`` of them (or the deadline), then SIGKILL; return all lines."""
    assert proc.stdout is not None
    lines: list[str] = []
    started = time.monotonic()
    while len(lines) < wanted and time.monotonic() - started < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.strip())
    proc.send_signal(signal.SIGKILL)
    rest, _err = proc.communicate(timeout=30)
    lines.extend(rest.split())  # lines printed before the kill landed
    return [line for line in lines if line]


def _assert_healthy(data_dir: Path, passphrase: str = PASS) -> PortfolioService:
    service = PortfolioService.open(data_dir, passphrase)
    report = service.full_check()
    assert report.ok, report.problems()
    return service


def test_sigkill_during_saves_keeps_every_returned_save(tmp_path: Path) -> None:
    data_dir = tmp_path / "p"
    build_reference(data_dir)
    saved: set[str] = set()
    for _round in range(scale(3, 30)):
        lines = _kill_after(_worker("save", str(data_dir)), random.randint(1, 40))
        saved |= {line.split()[1] for line in lines if line.startswith("saved ")}
        with _assert_healthy(data_dir) as service:
            missing = saved - {e.id for e in service.entries()}
            assert missing == set()
        kills["save"] = kills.get("save", 0) + 1


def test_sigkill_during_rotation_leaves_the_old_or_the_new_state(tmp_path: Path) -> None:
    data_dir = tmp_path / "p"
    build_reference(data_dir)
    with PortfolioService.open(data_dir, PASS) as service:
        service.add_entries_bulk(
            [
                service.entries()[0].replace(id=f"{i:032x}", title=f"bulk {i}", plan_id=None)
                for i in range(300)
            ]
        )
        count = service.entry_count()
    outcomes = {"old": 0, "new": 0}
    for _round in range(scale(3, 20)):
        lines = _kill_after(_worker("rotate", str(data_dir)), random.randint(1, 12))
        try:
            service = _assert_healthy(data_dir, PASS)
            outcome = "old"
        except WrongPassphraseError:
            assert any(line.startswith("progress") for line in lines)
            service = _assert_healthy(data_dir, NEW)
            outcome = "new"
        outcomes[outcome] += 1
        with service:
            assert service.entry_count() == count
            if outcome == "new":  # rotate back so the next round starts from PASS again
                service.rotate_keys(PASS, current_passphrase=NEW)
        kills["rotate"] = kills.get("rotate", 0) + 1
    assert outcomes["old"] + outcomes["new"] == scale(3, 20)


def test_sigkill_during_backup_leaves_the_portfolio_and_no_half_backup(tmp_path: Path) -> None:
    data_dir = tmp_path / "p"
    build_reference(data_dir)
    target = tmp_path / "copy.rpbackup"
    for _round in range(scale(3, 20)):
        target.unlink(missing_ok=True)
        _kill_after(_worker("backup", str(data_dir), str(target)), random.randint(1, 2))
        _assert_healthy(data_dir).close()
        if target.exists():  # the rename is atomic: a backup that is there is whole
            restore_backup(target, tmp_path / f"restored{_round}", passphrase=PASS)
        kills["backup"] = kills.get("backup", 0) + 1


# ---- a full disk ----------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 3 MiB file system (tmpfs), or a skip where this machine cannot mount one."""
    mount_point = tmp_path / "tiny"
    mount_point.mkdir()
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root on POSIX")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount_point)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the file system, leaving (almost) nothing free."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def _big(title: str) -> EntryDraft:
    return EntryDraft(
        kind=EntryKind.NOTE,
        title=title,
        sections=tuple(Section(f"Part {i}", "x" * 190_000, f"p{i}") for i in range(3)),
    )


def test_a_full_disk_during_a_save_loses_nothing(tiny_disk: Path) -> None:
    data_dir = tiny_disk / "p"
    build_reference(data_dir)
    with PortfolioService.open(data_dir, PASS) as service:
        before = {e.id: e.title for e in service.entries()}
        filler = _fill(tiny_disk)
        with no_hang(), pytest.raises(StorageFullError, match="disk is full"):
            for i in range(20):
                service.add_entry(_big(f"does not fit {i}"))
        assert {e.id for e in service.entries()} >= set(before)
        filler.unlink()
    with _assert_healthy(data_dir) as service:
        titles = {e.id: e.title for e in service.entries()}
        assert {k: titles[k] for k in before} == before


def test_a_full_disk_during_backup_and_export_keeps_the_previous_files(tiny_disk: Path) -> None:
    data_dir = tiny_disk / "p"
    build_reference(data_dir)
    backup = tiny_disk / "copy.rpbackup"
    pdf = tiny_disk / "portfolio.pdf"
    with PortfolioService.open(data_dir, PASS) as service:
        create_backup(service, backup)
        export_portfolio(service, pdf, sign=False, acknowledge_findings=True)
        old_backup, old_pdf = backup.read_bytes(), pdf.read_bytes()
        service.add_entry(_big("makes both files bigger"))
        filler = _fill(tiny_disk)
        with pytest.raises(PortfolioError, match=r"No space left|disk is full"):
            create_backup(service, backup)
        with pytest.raises(StorageFullError, match="disk is full"):
            export_portfolio(service, pdf, sign=False, acknowledge_findings=True)
        filler.unlink()
    assert backup.read_bytes() == old_backup and pdf.read_bytes() == old_pdf
    left = sorted(p.name for p in tiny_disk.iterdir())
    assert left == ["copy.rpbackup", "evidence.txt", "p", "portfolio.pdf"]  # no temp files
    _assert_healthy(data_dir).close()


def test_a_simulated_full_disk_during_a_save(service: PortfolioService) -> None:
    """SQLite's own 'database or disk is full' (max_page_count), wherever tmpfs is missing."""
    first = service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Kept"))
    store = service._require_store()
    with store.engine.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar_one()

    def limit(raw: sqlite3.Connection) -> None:
        raw.execute(f"PRAGMA max_page_count = {pages + 2}")

    store.engine.on_connect.append(limit)
    store.engine.dispose()
    with pytest.raises(StorageFullError, match="disk is full or failing"):
        service.add_entry(_big("does not fit"))
    store.engine.on_connect.remove(limit)
    store.engine.dispose()
    assert [e.id for e in service.entries()] == [first.id]
    assert service.full_check().ok


def test_a_simulated_full_disk_during_backup_and_export(
    service: PortfolioService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An ENOSPC from fsync (where delayed allocation reports it): clear message, old files kept."""
    service.add_entry(EntryDraft(kind=EntryKind.NOTE, title="Kept"))
    backup = create_backup(service, tmp_path / "copy")
    pdf = tmp_path / "portfolio.pdf"
    export_portfolio(service, pdf, sign=False, acknowledge_findings=True)
    old_backup, old_pdf = backup.read_bytes(), pdf.read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(PortfolioError, match="No space left on device"):
        create_backup(service, backup)
    with pytest.raises(StorageFullError, match="disk is full"):
        export_portfolio(service, pdf, sign=False, acknowledge_findings=True)
    monkeypatch.undo()
    assert backup.read_bytes() == old_backup and pdf.read_bytes() == old_pdf
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == [
        "copy.rpbackup",
        "portfolio.pdf",
    ]
    assert service.full_check().ok


def test_print_kills() -> None:
    """What the kill tests above did (visible with -s)."""
    print(f"\nkills: {kills}")
