"""``portfolio demo``: make the demo portfolio (a two-year IPE programme) to try the app on."""

from __future__ import annotations

import os
import shlex
from pathlib import Path
from typing import Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import add_json_option, add_verb
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import PortfolioExistsError, WrongPassphraseError

#: The files a portfolio keeps in its folder (the database, SQLite's side files and the lock).
_PORTFOLIO_FILES = ("portfolio.db", "portfolio.db-wal", "portfolio.db-shm", "portfolio.db-journal")


def register(subparsers: Any) -> None:
    """Add the demo verb."""
    demo = add_verb(
        subparsers,
        "demo",
        help="create the demo portfolio (passphrase 'demo passphrase')",
        description="Create a demo portfolio to explore: a nursing student's two years of "
        "interprofessional learning, with events, placements, plans, reflections and "
        "competency links. Its passphrase is 'demo passphrase'. Without --data-dir it goes "
        "to $PORTFOLIO_DATA_DIR if set, else to a 'demo' folder beside the usual data folder, "
        "so it never takes the place of your own portfolio. --force replaces an earlier "
        "demo portfolio, and only a demo portfolio (one that opens with the demo passphrase).",
    )
    demo.add_argument(
        "--force", action="store_true", help="replace an earlier demo portfolio in the folder"
    )
    add_json_option(demo)
    demo.set_defaults(handler=run_demo)


def demo_data_dir(ctx: CliContext) -> Path:
    """--data-dir, else PORTFOLIO_DATA_DIR, else '<user data folder> demo'."""
    if getattr(ctx.args, "data_dir", None) or os.environ.get("PORTFOLIO_DATA_DIR"):
        return ctx.data_dir
    usual = ctx.data_dir
    return usual.with_name(usual.name + " demo")


def run_demo(ctx: CliContext) -> int:
    """Build the demo portfolio and say how to open it."""
    from portfolio_app.core.services.demo_portfolio import (
        DEMO_PASSPHRASE,
        build_demo_portfolio,
    )
    from portfolio_app.core.services.portfolio_service import PortfolioService, portfolio_exists

    data_dir = demo_data_dir(ctx)
    if portfolio_exists(data_dir):
        if not ctx.args.force:
            raise PortfolioExistsError(
                f"there is already a portfolio in {data_dir}; add --force to replace an "
                "earlier demo, or pass another --data-dir"
            )
        try:
            PortfolioService.open(data_dir, DEMO_PASSPHRASE).close()
        except WrongPassphraseError:
            raise PortfolioExistsError(
                f"the portfolio in {data_dir} is not a demo portfolio (the demo passphrase "
                "does not open it), so --force leaves it alone; choose another --data-dir"
            ) from None
        for name in _PORTFOLIO_FILES:
            (data_dir / name).unlink(missing_ok=True)
    with build_demo_portfolio(data_dir, DEMO_PASSPHRASE) as service:
        counts = {
            "entries": service.entry_count(),
            "events": len(service.events()),
            "experiences": len(service.experiences()),
        }
        name = service.profile.name
    if ctx.as_json:
        ctx.print_json({"data_dir": str(data_dir), "passphrase": DEMO_PASSPHRASE, **counts})
        return exit_codes.OK
    ctx.print(f"Created the demo portfolio of {name} in {data_dir}")
    ctx.print(
        f"{counts['entries']} entries, {counts['events']} events, "
        f"{counts['experiences']} experiences."
    )
    ctx.print(f"Passphrase: {DEMO_PASSPHRASE}")
    ctx.print("Try:")
    ctx.print(f"  portfolio --data-dir {shlex.quote(str(data_dir))} list")
    ctx.print(f"  portfolio --data-dir {shlex.quote(str(data_dir))} gui")
    return exit_codes.OK
