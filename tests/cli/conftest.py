"""Run the ``portfolio`` command in process, with its output captured, against a tmp portfolio."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli.main import main

#: The same passphrase as tests/conftest.py (test modules cannot import conftest files).
PASSPHRASE = "correct horse battery staple"


@dataclass
class Result:
    """What one run of the command gave back."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Standard output parsed as JSON."""
        return json.loads(self.out)

    @property
    def error_line(self) -> str:
        """The one-line error message (asserts there is exactly one, with the prefix)."""
        lines = [line for line in self.err.splitlines() if line.strip()]
        assert len(lines) == 1, self.err
        assert lines[0].startswith("portfolio: "), self.err
        assert "Traceback" not in self.err
        return lines[0]


Run = Callable[..., Result]


@pytest.fixture
def cli_dir(tmp_path: Path) -> Path:
    """The portfolio folder the CLI tests use (PORTFOLIO_DATA_DIR points here)."""
    return tmp_path / "portfolio"


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, cli_dir: Path) -> Run:
    """``cli("list", "--json", stdin="...")`` runs ``portfolio list --json`` in process."""
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PORTFOLIO_DATA_DIR", str(cli_dir))

    def run(*argv: str, stdin: str = "") -> Result:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        out, err = io.StringIO(), io.StringIO()
        # argparse writes --help and usage errors to sys.stdout/sys.stderr and exits.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(list(argv), stdout=out, stderr=err)
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def portfolio(cli: Run) -> Run:
    """A portfolio made with ``portfolio init``; returns the same runner."""
    result = cli(
        "init",
        "--name",
        "Zoë Ñúñez",
        "--student-id",
        "STU-0042",
        "--profession",
        "Nursing (Adult)",
        "--programme",
        "BSc Adult Nursing",
        "--institution",
        "University of Leicester",
        "--tutor",
        "Personal tutor",
    )
    assert result.code == 0, result.err
    return cli


def add(cli: Run, title: str, body: str = "Some reflective text.", *args: str) -> str:
    """Add an entry and return its id (helper for tests, via the fixture module)."""
    result = cli("add", "--title", title, *args, stdin=body)
    assert result.code == 0, result.err
    return result.out.strip()


@pytest.fixture
def add_entry(portfolio: Run) -> Callable[..., str]:
    """``add_entry(title, body, *extra_args) -> id``."""

    def _add(title: str, body: str = "Some reflective text.", *args: str) -> str:
        return add(portfolio, title, body, *args)

    return _add
