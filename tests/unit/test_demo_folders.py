"""Demo folders: made private, removed on quit, stale leftovers cleaned, nothing else touched."""

from __future__ import annotations

import os
import stat
import sys
import time
from pathlib import Path

import pytest

from portfolio_app.core.services.demo_folders import (
    DEMO_PREFIX,
    STALE_AFTER_SECONDS,
    clean_stale_demo_folders,
    make_demo_folder,
    remove_demo_folder,
)
from portfolio_app.core.storage.lock_file import PortfolioLock

DAY = 86_400


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    for item in [path, *path.rglob("*")]:
        os.utime(item, (when, when), follow_symlinks=False)


def _leftover(parent: Path, name: str, age: float) -> Path:
    folder = parent / f"{DEMO_PREFIX}{name}"
    folder.mkdir()
    (folder / "portfolio.db").write_bytes(b"demo")
    (folder / "backups").mkdir()
    (folder / "backups" / "old.db").write_bytes(b"demo")
    _age(folder, age)
    return folder


def test_a_demo_folder_is_new_private_and_named_as_such(tmp_path: Path) -> None:
    first = make_demo_folder(tmp_path)
    second = make_demo_folder(tmp_path)
    assert first != second
    assert first.name.startswith(DEMO_PREFIX) and first.parent == tmp_path
    if sys.platform != "win32":
        assert stat.S_IMODE(first.stat().st_mode) == 0o700


def test_removing_takes_everything_but_refuses_other_folders(tmp_path: Path) -> None:
    folder = _leftover(tmp_path, "run", 0)
    assert remove_demo_folder(folder)
    assert not folder.exists()
    assert remove_demo_folder(folder)  # already gone: fine
    precious = tmp_path / "my-portfolio"
    precious.mkdir()
    with pytest.raises(ValueError, match="not a demo folder"):
        remove_demo_folder(precious)
    assert precious.exists()


def test_only_stale_unused_demo_folders_are_cleaned(tmp_path: Path) -> None:
    stale = _leftover(tmp_path, "crashed", 2 * DAY)
    recent = _leftover(tmp_path, "this-morning", 3 * 3600)
    in_use = _leftover(tmp_path, "still-running", 3 * DAY)
    not_ours = tmp_path / "portfolio-of-a-student"
    not_ours.mkdir()
    _age(not_ours, 10 * DAY)
    lock = PortfolioLock(in_use)
    lock.acquire()
    _age(in_use, 3 * DAY)
    try:
        removed = clean_stale_demo_folders(tmp_path)
    finally:
        lock.release()
    assert removed == [stale]
    assert not stale.exists()
    assert recent.exists() and in_use.exists() and not_ours.exists()


def test_a_recently_written_file_keeps_an_old_folder(tmp_path: Path) -> None:
    folder = _leftover(tmp_path, "long-session", 3 * DAY)
    (folder / "portfolio.db").write_bytes(b"written just now")
    assert clean_stale_demo_folders(tmp_path) == []
    assert folder.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges there")
def test_a_symlink_named_like_a_demo_folder_is_never_followed(tmp_path: Path) -> None:
    target = tmp_path / "important"
    target.mkdir()
    (target / "keep.txt").write_text("keep", encoding="utf-8")
    link = tmp_path / f"{DEMO_PREFIX}trap"
    link.symlink_to(target, target_is_directory=True)
    _age(target, 5 * DAY)
    os.utime(link, (time.time() - 5 * DAY,) * 2, follow_symlinks=False)
    assert clean_stale_demo_folders(tmp_path) == []
    assert (target / "keep.txt").read_text(encoding="utf-8") == "keep"
    assert remove_demo_folder(link) is False  # refuses to follow it


def test_the_age_limit_is_a_day(tmp_path: Path) -> None:
    assert STALE_AFTER_SECONDS == DAY
    just_under = _leftover(tmp_path, "under", DAY - 600)
    just_over = _leftover(tmp_path, "over", DAY + 600)
    assert clean_stale_demo_folders(tmp_path) == [just_over]
    assert just_under.exists()


def test_a_missing_temp_folder_is_not_an_error(tmp_path: Path) -> None:
    assert clean_stale_demo_folders(tmp_path / "absent") == []
