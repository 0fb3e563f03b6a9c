"""Help texts, and bad input on every verb: one line on stderr, the right code, no traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from portfolio_app.cli import exit_codes

Run = Callable[..., Any]

#: Every verb this module's owner built, with arguments that make it open the portfolio.
OPENING_VERBS: list[tuple[str, ...]] = [
    ("list",),
    ("show", "abcd1234"),
    ("search", "word"),
    ("add", "--title", "x"),
    ("edit", "abcd1234", "--title", "y"),
    ("delete", "abcd1234", "--yes"),
    ("history", "abcd1234"),
    ("restore-revision", "abcd1234", "ef567890"),
    ("events", "add", "--kind", "supervision", "--title", "x"),
    ("events", "list"),
    ("experiences", "add", "--kind", "supervision", "--title", "x"),
    ("experiences", "list"),
    ("passwd",),
    ("recovery-key", "--renew"),
    ("check",),
]

HELP_VERBS: list[tuple[str, ...]] = [
    ("init",),
    ("passwd",),
    ("recovery-key",),
    ("add",),
    ("list",),
    ("show",),
    ("search",),
    ("edit",),
    ("delete",),
    ("history",),
    ("restore-revision",),
    ("events", "add"),
    ("events", "list"),
    ("experiences", "add"),
    ("experiences", "list"),
    ("frameworks", "list"),
    ("frameworks", "import"),
    ("check",),
    ("demo",),
]


def test_main_help_lists_the_verbs_and_exit_codes(cli: Run) -> None:
    result = cli("--help")
    assert result.code == 0
    for verb in (
        "init",
        "add",
        "list",
        "show",
        "search",
        "edit",
        "delete",
        "history",
        "restore-revision",
        "events",
        "experiences",
        "frameworks",
        "passwd",
        "recovery-key",
        "check",
        "demo",
    ):
        assert f"\n    {verb}" in result.out, verb
    assert "exit codes" in result.out


@pytest.mark.parametrize("verb", HELP_VERBS, ids=" ".join)
def test_every_verb_help_documents_exit_codes(cli: Run, verb: tuple[str, ...]) -> None:
    result = cli(*verb, "--help")
    assert result.code == 0
    assert f"usage: portfolio {' '.join(verb)}" in result.out
    assert "exit codes" in result.out
    assert "3  no portfolio in the data folder" in result.out
    assert "4  the passphrase or recovery key does not unlock" in result.out
    assert "--data-dir" in result.out
    assert all(len(line) <= 100 for line in result.out.splitlines())


def test_check_help_names_exit_code_5(cli: Run) -> None:
    assert "Exit code 5 when anything is wrong" in " ".join(cli("check", "--help").out.split())


@pytest.mark.parametrize("argv", OPENING_VERBS, ids=" ".join)
def test_missing_data_folder(cli: Run, tmp_path: Path, argv: tuple[str, ...]) -> None:
    missing = tmp_path / "no-such-folder"
    result = cli(*argv, "--data-dir", str(missing))
    assert result.code == exit_codes.NO_PORTFOLIO
    assert "does not exist" in result.error_line
    assert not missing.exists()


@pytest.mark.parametrize("argv", OPENING_VERBS, ids=" ".join)
def test_wrong_passphrase(
    portfolio: Run, cli_dir: Path, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    monkeypatch.setenv("PORTFOLIO_PASSPHRASE", "definitely not it")
    monkeypatch.setenv("PORTFOLIO_NEW_PASSPHRASE", "a new passphrase here")
    before = (cli_dir / "portfolio.db").read_bytes()
    result = portfolio(*argv)
    assert result.code == exit_codes.CANNOT_UNLOCK
    assert "does not unlock this portfolio" in result.error_line
    assert result.out == ""
    assert (cli_dir / "portfolio.db").read_bytes() == before


def test_unreadable_passphrase_file(portfolio: Run, tmp_path: Path) -> None:
    result = portfolio("list", "--passphrase-file", str(tmp_path / "missing"))
    assert result.code == exit_codes.FAILED
    assert "cannot read the passphrase file" in result.error_line


def test_passphrase_file_given_before_the_verb(
    portfolio: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTFOLIO_PASSPHRASE")
    secret = tmp_path / "secret"
    secret.write_text("correct horse battery staple\n", encoding="utf-8")
    assert portfolio("--passphrase-file", str(secret), "list").code == 0
    assert portfolio("events", "list", "--passphrase-file", str(secret)).code == 0
    assert portfolio("list").code == exit_codes.FAILED  # no source at all: a clear message


def test_portfolio_in_use(portfolio: Run, cli_dir: Path) -> None:
    from portfolio_app.core.services.portfolio_service import PortfolioService

    with PortfolioService.open(cli_dir, "correct horse battery staple"):
        result = portfolio("list")
    assert result.code == exit_codes.IN_USE
    assert "already open" in result.error_line


def test_unknown_verb_is_a_usage_error(cli: Run) -> None:
    assert cli("frobnicate").code == exit_codes.USAGE


def test_each_verb_is_built_from_the_module_that_registers_it() -> None:
    """A verb's run builds only its own module's parser (VERB_MODULES): the map must name
    exactly the verbs each module registers, or a verb would lose its options."""
    import argparse
    import importlib

    from portfolio_app.cli.commands import COMMAND_MODULES, VERB_MODULES

    registered: dict[str, str] = {}
    for name in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers()
        importlib.import_module(name).register(subparsers)
        registered.update(dict.fromkeys(subparsers.choices, name))
    assert registered == VERB_MODULES


def test_options_before_the_verb_still_find_it(cli: Run, tmp_path: Path) -> None:
    from portfolio_app.cli.main import _verb_in

    assert _verb_in(["--data-dir", "x", "show", "abcd"]) == "show"
    assert _verb_in(["--passphrase-file=f", "search", "w"]) == "search"
    assert _verb_in(["--help"]) is None
    assert _verb_in(["notes.rpbackup"]) is None
    result = cli("--data-dir", str(tmp_path / "none"), "list")
    assert result.code == exit_codes.NO_PORTFOLIO and "does not exist" in result.err
