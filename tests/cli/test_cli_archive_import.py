"""``portfolio archive import``: the round trip through the command line, progress on stderr,
JSON output, and a bad archive as one clear line with exit code 1."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes

Run = Callable[..., Any]


def test_archive_then_import_into_a_new_portfolio(
    portfolio: Run, add_entry: Callable[..., str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = add_entry("Handover with pharmacy", "We read back the plan.", "--tag", "sbar")
    add_entry("Second one", "More text.")
    archive = tmp_path / "mine.zip"
    assert portfolio("archive", str(archive)).code == 0
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(tmp_path / "new"))
    assert portfolio("init", "--name", "Someone").code == 0
    result = portfolio("archive", "import", str(archive))
    assert result.code == 0, result.err
    assert "Imported 2 entries" in result.out
    assert result.err == ""  # quick: no progress bar
    shown = portfolio("show", first[:8], "--json").json()
    assert shown["title"] == "Handover with pharmacy" and shown["tags"] == ["sbar"]
    again = portfolio("archive", "import", str(archive), "--json")
    assert again.code == exit_codes.FAILED
    assert "already in the portfolio" in again.error_line


def test_import_counts_as_json(
    portfolio: Run, add_entry: Callable[..., str], tmp_path: Path
) -> None:
    add_entry("One entry")
    archive = tmp_path / "a.zip"
    portfolio("archive", str(archive))
    other = tmp_path / "other"
    assert portfolio("init", "--data-dir", str(other), "--name", "B").code == 0
    result = portfolio("archive", "import", str(archive), "--data-dir", str(other), "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["entries"] == 1 and data["profile"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip", "not a readable zip archive"),
        (b"", "not a readable zip archive"),
    ],
)
def test_a_bad_archive_is_one_clear_line(
    portfolio: Run, tmp_path: Path, content: bytes, message: str
) -> None:
    bad = tmp_path / "bad.zip"
    bad.write_bytes(content)
    result = portfolio("archive", "import", str(bad))
    assert result.code == exit_codes.FAILED
    assert message in result.error_line


def test_import_needs_a_file(portfolio: Run) -> None:
    result = portfolio("archive", "import")
    assert result.code == exit_codes.FAILED
    assert "give the archive to import" in result.error_line


def test_the_progress_bar_draws_a_line_per_ten_percent_off_a_terminal() -> None:
    import io

    from portfolio_app.cli.commands.archive_cmd import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream, delay=0)
    for done in range(0, 101, 5):
        bar.update(done, 100, "Saving entries")
    bar.done()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "  0% Saving entries" and lines[-1] == "100% Saving entries"
    assert len(lines) == 11


def test_the_progress_bar_redraws_in_place_on_a_terminal() -> None:
    import io

    from portfolio_app.cli.commands.archive_cmd import ProgressBar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    bar = ProgressBar(stream, delay=0)
    bar.update(50, 100, "Saving entries (5,000 of 10,000)")
    bar.done()
    text = stream.getvalue()
    assert text.startswith("\r[###############...............]  50% Saving entries")
    assert text.endswith("\n") and text.count("\n") == 1
