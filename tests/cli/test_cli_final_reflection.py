"""``portfolio final-reflection``: write, show, clear; the export prints it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portfolio_app.cli.main import main
from portfolio_app.core.services.portfolio_service import PortfolioService


def _run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    import sys

    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(list(argv), stdout=out, stderr=err)
    finally:
        sys.stdin = old
    return code, out.getvalue(), err.getvalue()


def test_write_show_and_clear(
    service: PortfolioService, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.close()
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "correct horse battery staple")
    d = ("--data-dir", str(data_dir))
    code, _out, err = _run("final-reflection", *d)
    assert code == 0 and "No final reflection yet" in err
    body = tmp_path / "final.md"
    body.write_text("Over two years I learned to *ask* before assuming.", encoding="utf-8")
    code, out, _err = _run("final-reflection", *d, "--body-file", str(body))
    assert code == 0 and "9 words" in out
    code, out, _err = _run("final-reflection", *d)
    assert out.strip() == "Over two years I learned to *ask* before assuming."
    code, _out, err = _run("final-reflection", *d, "--body-file", "-", stdin="Mr Smith was 84.")
    assert code == 0 and "privacy check" in err
    with PortfolioService.open(data_dir, "correct horse battery staple") as opened:
        assert opened.final_reflection == "Mr Smith was 84."
    code, out, _err = _run("final-reflection", *d, "--clear")
    assert code == 0 and "removed" in out
    with PortfolioService.open(data_dir, "correct horse battery staple") as opened:
        assert opened.final_reflection == ""


def test_unreadable_file_is_a_clear_error(
    service: PortfolioService, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.close()
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "correct horse battery staple")
    code, _out, err = _run(
        "final-reflection", "--data-dir", str(data_dir), "--body-file", "/no/such"
    )
    assert code == 1 and err.startswith("portfolio: cannot read the final reflection file")
