"""What every command handler gets: parsed options, output streams, a way to open the portfolio.

The passphrase comes, in this order, from ``--passphrase-file``, from ``PORTFOLIO_PASSPHRASE``,
or from an interactive prompt (never echoed). It is never accepted as a command-line argument:
argv is visible to every user of the machine and lands in shell history.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from portfolio_app.core.app_paths import default_data_dir
from portfolio_app.core.domain.errors import ValidationError

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import LoadMode, PortfolioService


@dataclass
class CliContext:
    """Options shared by every verb, and helpers to use them."""

    args: argparse.Namespace
    out: TextIO = field(default_factory=lambda: sys.stdout)
    err: TextIO = field(default_factory=lambda: sys.stderr)
    stdin: TextIO = field(default_factory=lambda: sys.stdin)

    @property
    def data_dir(self) -> Path:
        """--data-dir, else PORTFOLIO_DATA_DIR, else the platform's user data folder."""
        given = getattr(self.args, "data_dir", None)
        return Path(given).expanduser() if given else default_data_dir()

    @property
    def as_json(self) -> bool:
        """Whether --json was asked for."""
        return bool(getattr(self.args, "json", False))

    def print(self, *parts: object) -> None:
        """A line on standard output."""
        print(*parts, file=self.out)

    def print_json(self, value: object) -> None:
        """JSON on standard output."""
        self.out.write(json.dumps(value, ensure_ascii=False, indent=2, default=str) + "\n")

    def warn(self, message: str) -> None:
        """A line on standard error."""
        print(message, file=self.err)

    def read_passphrase(self, prompt: str = "Passphrase: ") -> str:
        """The passphrase for an existing portfolio."""
        file_arg = getattr(self.args, "passphrase_file", None)
        if file_arg:
            try:
                text = Path(file_arg).expanduser().read_text(encoding="utf-8")
            except OSError as exc:
                raise ValidationError(
                    f"cannot read the passphrase file {file_arg}: {exc.strerror}"
                ) from exc
            return text.rstrip("\r\n")
        env = os.environ.get("PORTFOLIO_PASSPHRASE")
        if env is not None:
            return env
        if not sys.stdin.isatty():
            raise ValidationError(
                "no passphrase given: type it at the prompt in a terminal, or set "
                "PORTFOLIO_PASSPHRASE, or pass --passphrase-file FILE"
            )
        return getpass.getpass(prompt)

    def read_new_passphrase(self, prompt: str = "New passphrase: ") -> str:
        """A new passphrase: from the same sources, or typed twice at a prompt."""
        if getattr(self.args, "passphrase_file", None) or "PORTFOLIO_PASSPHRASE" in os.environ:
            return self.read_passphrase()
        if not sys.stdin.isatty():
            raise ValidationError(
                "no passphrase given: type it at the prompt in a terminal, or set "
                "PORTFOLIO_PASSPHRASE, or pass --passphrase-file FILE"
            )
        first = getpass.getpass(prompt)
        second = getpass.getpass("Type it again: ")
        if first != second:
            raise ValidationError("the two passphrases differ; nothing was changed")
        return first

    def open_portfolio(self, load: LoadMode = "all") -> PortfolioService:
        """Unlock the portfolio in the data folder (the caller closes it).

        ``load="lazy"`` for verbs that read a few records (see ``PortfolioService.open``): the
        small tables and the search index are checked now, each entry when it is read.
        """
        from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

        data_dir = self.data_dir
        if not portfolio_exists(data_dir):
            # Fail before prompting: asking for a passphrase for nothing is confusing.
            return PortfolioService.open(data_dir, "")
        recovery = getattr(self.args, "recovery_key_file", None)
        if recovery:
            try:
                key = Path(recovery).expanduser().read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ValidationError(
                    f"cannot read the recovery key file {recovery}: {exc.strerror}"
                ) from exc
            return self._told(PortfolioService.open(data_dir, recovery_key=key, load=load))
        return self._told(PortfolioService.open(data_dir, self.read_passphrase(), load=load))

    def _told(self, service: PortfolioService) -> PortfolioService:
        """Print the one-off notices of this unlock (a status migration) on standard error."""
        for notice in service.notices:
            self.warn(f"note: {notice}")
        return service
