"""``portfolio init``, ``passwd`` and ``recovery-key``."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes
from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

PASSPHRASE = "correct horse battery staple"
Run = Callable[..., Any]  # the ``cli`` fixture of tests/cli/conftest.py
RECOVERY = re.compile(r"\b[A-Z2-7]{4}(?:-[A-Z2-7]{4}){7}\b")
INIT = (
    "init",
    "--name",
    "Zoë Ñúñez",
    "--student-id",
    "S1",
    "--profession",
    "Nursing",
    "--programme",
    "BSc",
    "--institution",
    "Uni",
    "--tutor",
    "T",
    "--intake",
    "2024",
)


def test_init_creates_the_portfolio_and_shows_the_recovery_key_once(
    cli: Run, cli_dir: Path
) -> None:
    result = cli(*INIT)
    assert result.code == 0, result.err
    assert portfolio_exists(cli_dir)
    keys = RECOVERY.findall(result.out)
    assert len(keys) == 1
    assert "RECOVERY KEY" in result.out
    assert "only" in result.out and "once" in result.out
    assert "Write it down or print it" in result.out
    assert "passwd --recovery-key-file" in result.out
    with PortfolioService.open(cli_dir, PASSPHRASE) as service:
        profile = service.profile
    assert (profile.name, profile.student_id, profile.profession) == ("Zoë Ñúñez", "S1", "Nursing")
    assert (profile.programme, profile.institution, profile.tutor, profile.intake) == (
        "BSc",
        "Uni",
        "T",
        "2024",
    )
    # The recovery key shown really unlocks it.
    with PortfolioService.open(cli_dir, recovery_key=keys[0]) as service:
        assert service.profile.name == "Zoë Ñúñez"


def test_init_json_gives_data_dir_and_recovery_key(cli: Run, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere"
    result = cli(*INIT, "--json", "--data-dir", str(target))
    assert result.code == 0, result.err
    data = result.json()
    assert set(data) == {"data_dir", "recovery_key"}
    assert Path(data["data_dir"]) == target
    assert RECOVERY.fullmatch(data["recovery_key"])
    assert portfolio_exists(target)


def test_init_reads_the_passphrase_file(
    cli: Run, cli_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTFOLIO_PASSPHRASE")
    secret = tmp_path / "pass.txt"
    secret.write_text("a passphrase from a file\n", encoding="utf-8")
    result = cli(*INIT, "--passphrase-file", str(secret))
    assert result.code == 0, result.err
    PortfolioService.open(cli_dir, "a passphrase from a file").close()


def test_init_refuses_an_existing_portfolio_without_asking(portfolio: Run) -> None:
    result = portfolio(*INIT)
    assert result.code == exit_codes.FAILED
    assert "already a portfolio" in result.error_line


def test_init_refuses_a_short_passphrase_and_creates_nothing(
    cli: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "short")
    result = cli(*INIT)
    assert result.code == exit_codes.FAILED
    assert "at least 8 characters" in result.error_line
    assert not portfolio_exists(cli_dir)


def test_init_without_a_passphrase_source_fails_cleanly(
    cli: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTFOLIO_PASSPHRASE")
    result = cli(*INIT)
    assert result.code == exit_codes.FAILED
    assert "no passphrase given" in result.error_line
    assert not portfolio_exists(cli_dir)


def test_init_needs_a_name(cli: Run) -> None:
    result = cli("init")
    assert result.code == exit_codes.USAGE
    assert "--name" in result.err


@pytest.mark.parametrize("common", ["password", "12345678", "portfolio1", "Password123"])
def test_init_refuses_a_common_passphrase_and_says_why(
    cli: Run, monkeypatch: pytest.MonkeyPatch, common: str
) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", common)
    result = cli(*INIT)
    assert result.code == 1
    assert "too easy to guess" in result.err or "at least 8 characters" in result.err
    assert "copied the portfolio file could find it in" in result.err or len(common) < 8


def test_init_warns_about_a_fair_passphrase(cli: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "Tr0ub4dor&3")
    result = cli(*INIT)
    assert result.code == 0
    assert "note: the passphrase is fair" in result.err


def test_passwd_with_a_new_passphrase_file(portfolio: Run, cli_dir: Path, tmp_path: Path) -> None:
    new = tmp_path / "new.txt"
    new.write_text("a brand new passphrase\nsecond line ignored\n", encoding="utf-8")
    result = portfolio("passwd", "--new-passphrase-file", str(new))
    assert result.code == 0, result.err
    assert "changed" in result.out
    PortfolioService.open(cli_dir, "a brand new passphrase").close()
    assert portfolio("list").code == exit_codes.CANNOT_UNLOCK


def test_passwd_with_the_new_passphrase_in_the_environment(
    portfolio: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", "from the environment, with more words")
    result = portfolio("passwd", "--json")
    assert result.code == 0, result.err
    assert result.json() == {"changed": True, "rotated": False, "recovery_key_unchanged": True}
    PortfolioService.open(cli_dir, "from the environment, with more words").close()


def test_passwd_refuses_the_same_passphrase(
    portfolio: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", PASSPHRASE)
    result = portfolio("passwd")
    assert result.code == exit_codes.FAILED
    assert "same as the current one" in result.error_line


def test_passwd_with_a_wrong_current_passphrase_changes_nothing(
    portfolio: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "not the passphrase")
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", "a brand new passphrase")
    result = portfolio("passwd")
    assert result.code == exit_codes.CANNOT_UNLOCK
    assert "does not unlock" in result.error_line
    PortfolioService.open(cli_dir, PASSPHRASE).close()


def test_passwd_refuses_a_short_new_passphrase(
    portfolio: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", "short")
    result = portfolio("passwd")
    assert result.code == exit_codes.FAILED
    assert "at least 8" in result.error_line
    PortfolioService.open(cli_dir, PASSPHRASE).close()


def test_passwd_without_a_new_passphrase_source_fails_cleanly(portfolio: Run) -> None:
    result = portfolio("passwd")
    assert result.code == exit_codes.FAILED
    assert "no new passphrase given" in result.error_line


def _init_with_key(cli: Run) -> str:
    result = cli(*INIT, "--json")
    assert result.code == 0, result.err
    key: str = result.json()["recovery_key"]
    return key


def test_passwd_with_the_recovery_key_when_the_passphrase_is_forgotten(
    cli: Run, cli_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = _init_with_key(cli)
    key_file = tmp_path / "recovery.txt"
    key_file.write_text(key.lower() + "\n", encoding="utf-8")  # typed in lower case
    new = tmp_path / "new.txt"
    new.write_text("after the recovery, a fresh passphrase\n", encoding="utf-8")
    monkeypatch.delenv("PORTFOLIO_PASSPHRASE")
    result = cli("passwd", "--recovery-key-file", str(key_file), "--new-passphrase-file", str(new))
    assert result.code == 0, result.err
    assert "recovery key still works" in result.out
    PortfolioService.open(cli_dir, "after the recovery, a fresh passphrase").close()


def test_passwd_with_a_wrong_recovery_key(
    cli: Run, cli_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _init_with_key(cli)
    key_file = tmp_path / "recovery.txt"
    key_file.write_text("AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH\n", encoding="utf-8")
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", "after the recovery, a fresh passphrase")
    result = cli("passwd", "--recovery-key-file", str(key_file))
    assert result.code == exit_codes.CANNOT_UNLOCK
    assert "recovery key" in result.error_line
    PortfolioService.open(cli_dir, PASSPHRASE).close()


def test_passwd_with_a_missing_recovery_key_file(cli: Run, tmp_path: Path) -> None:
    _init_with_key(cli)
    result = cli("passwd", "--recovery-key-file", str(tmp_path / "nope.txt"))
    assert result.code == exit_codes.FAILED
    assert "cannot read the recovery key file" in result.error_line


def test_passwd_without_a_portfolio(cli: Run) -> None:
    result = cli("passwd")
    assert result.code == exit_codes.NO_PORTFOLIO
    assert "portfolio init" in result.error_line


def test_recovery_key_renew_replaces_the_old_key(cli: Run, cli_dir: Path) -> None:
    old = _init_with_key(cli)
    result = cli("recovery-key", "--renew")
    assert result.code == 0, result.err
    keys = RECOVERY.findall(result.out)
    assert len(keys) == 1 and keys[0] != old
    assert "no longer works" in result.out
    assert "only" in result.out and "once" in result.out
    with PortfolioService.open(cli_dir, recovery_key=keys[0]):
        pass
    with pytest.raises(Exception, match="does not unlock"):
        PortfolioService.open(cli_dir, recovery_key=old)


def test_recovery_key_renew_json(portfolio: Run) -> None:
    result = portfolio("recovery-key", "--renew", "--json")
    assert result.code == 0
    assert RECOVERY.fullmatch(result.json()["recovery_key"])


def test_recovery_key_without_renew_explains_and_changes_nothing(portfolio: Run) -> None:
    result = portfolio("recovery-key")
    assert result.code == exit_codes.USAGE
    assert "shown only once" in result.error_line
    assert result.out == ""
