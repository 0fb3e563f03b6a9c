"""Atomic writing (never a half-written file) and the contents page arithmetic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portfolio_app.core.domain.errors import StorageFullError, ValidationError
from portfolio_app.core.export import atomic
from portfolio_app.core.export.atomic import TEMP_SUFFIX, write_atomically
from portfolio_app.core.export.document import (
    TOC_LINE_HEIGHT,
    _fit,
    contents_page_count,
    lines_per_contents_page,
    paginate_contents,
)
from portfolio_app.core.export.errors import ExportCancelled
from portfolio_app.core.export.fonts import SANS, register_fonts
from portfolio_app.core.export.styles import FRAME_HEIGHT


def _leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def test_writes_whole_file_with_private_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    write_atomically(target, b"%PDF-1.7 new" * 300_000, mode=0o600)
    assert target.read_bytes() == b"%PDF-1.7 new" * 300_000
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o600
    assert _leftovers(tmp_path) == []


def test_replacing_keeps_the_old_files_permissions(tmp_path: Path) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    if os.name == "posix":
        assert target.stat().st_mode & 0o777 == 0o640


def test_cancel_leaves_no_file_and_keeps_an_existing_one(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pdf"
    with pytest.raises(ExportCancelled):
        write_atomically(fresh, b"x" * 3_000_000, is_cancelled=lambda: True)
    assert not fresh.exists()
    kept = tmp_path / "kept.pdf"
    kept.write_bytes(b"the good copy")
    calls = iter([False, False, True])
    with pytest.raises(ExportCancelled):
        write_atomically(kept, b"y" * 3_000_000, is_cancelled=lambda: next(calls, True))
    assert kept.read_bytes() == b"the good copy"
    assert _leftovers(tmp_path) == []


def test_a_failing_disk_keeps_the_existing_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.pdf"
    target.write_bytes(b"the good copy")

    def full_disk(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", full_disk)
    with pytest.raises(StorageFullError):
        write_atomically(target, b"new content")
    assert target.read_bytes() == b"the good copy"
    assert _leftovers(tmp_path) == []


def test_missing_folder_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        write_atomically(tmp_path / "nope" / "out.pdf", b"x")


def test_contents_pages_are_counted_before_layout() -> None:
    first = lines_per_contents_page(True)
    rest = lines_per_contents_page(False)
    assert rest == int(FRAME_HEIGHT // TOC_LINE_HEIGHT) and first < rest
    assert contents_page_count(0) == 1
    assert contents_page_count(first) == 1
    assert contents_page_count(first + 1) == 2
    assert contents_page_count(first + rest) == 2
    assert contents_page_count(first + rest + 1) == 3
    pages = paginate_contents(first + rest + 1)
    assert [len(p) for p in pages] == [first, rest, 1]
    assert pages[1].start == first


def test_contents_lines_are_shortened_to_one_line() -> None:
    register_fonts()
    from reportlab.pdfbase.pdfmetrics import stringWidth

    long = "Reflection on a very long title " * 20
    fitted = _fit(long, SANS, 9, 200)
    assert fitted.endswith("…") and stringWidth(fitted, SANS, 9) <= 200
    assert _fit("Short", SANS, 9, 200) == "Short"
