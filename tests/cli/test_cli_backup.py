"""``portfolio backup`` and ``portfolio restore`` in process."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portfolio_app.cli.main import main
from portfolio_app.core.domain.entries import EntryKind, Section
from portfolio_app.core.services.portfolio_service import EntryDraft, PortfolioService


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_backup_then_restore_elsewhere(
    service: PortfolioService, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service.add_entry(
        EntryDraft(kind=EntryKind.NOTE, title="Backed up", sections=(Section("B", "x"),))
    )
    service.close()
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "correct horse battery staple")
    code, out, err = _run("backup", str(tmp_path / "copy"), "--data-dir", str(data_dir))
    assert code == 0, err
    assert "copy.rpbackup" in out
    target = tmp_path / "restored"
    code, out, err = _run("--data-dir", str(target), "restore", str(tmp_path / "copy.rpbackup"))
    assert code == 0, err
    code, out, err = _run("restore", str(tmp_path / "copy.rpbackup"), "--data-dir", str(target))
    assert code == 1
    assert "already a portfolio" in err
    assert "Traceback" not in err
    with PortfolioService.open(target, "correct horse battery staple") as restored:
        assert [e.title for e in restored.entries()] == ["Backed up"]


def test_restore_of_a_non_backup_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "correct horse battery staple")
    bogus = tmp_path / "x.rpbackup"
    bogus.write_bytes(b"%PDF-1.7 not a backup")
    code, _out, err = _run("restore", str(bogus), "--data-dir", str(tmp_path / "d"))
    assert code == 1
    assert err.strip() == "portfolio: that file is not a Reflective Portfolio backup"
