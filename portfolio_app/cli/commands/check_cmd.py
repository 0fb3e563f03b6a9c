"""``portfolio check``: SQLite's integrity check plus a pass that decrypts every record."""

from __future__ import annotations

from typing import Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import add_json_option, add_verb
from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the check verb."""
    check = add_verb(
        subparsers,
        "check",
        help="check the portfolio file and decrypt every record",
        description="Check the portfolio: SQLite's own integrity check, then a pass that "
        "decrypts and authenticates every record. Damaged or tampered records are listed; "
        "the rest of the portfolio stays readable. Exit code 5 when anything is damaged.",
    )
    add_json_option(check)
    check.set_defaults(handler=run_check)


def run_check(ctx: CliContext) -> int:
    """Run the integrity check."""
    with ctx.open_portfolio() as service:
        problems = service.integrity_check()
        damaged = list(service.damaged)
        counts = {
            "entries": service.entry_count(),
            "events": len(service.events()),
            "experiences": len(service.experiences()),
        }
    ok = not problems
    if ctx.as_json:
        ctx.print_json(
            {
                "ok": ok,
                "problems": problems,
                "damaged": [
                    {"table": d.table, "row_id": d.row_id, "reason": d.reason} for d in damaged
                ],
                **counts,
            }
        )
    elif ok:
        ctx.print(
            f"No problems found: {counts['entries']} entries, {counts['events']} events and "
            f"{counts['experiences']} experiences decrypted and intact."
        )
    else:
        ctx.print(f"{len(problems)} problem(s) found:")
        for problem in problems:
            ctx.print(f"  {problem}")
        ctx.print(
            "Everything else is readable. Restore a backup taken before the damage, or "
            "export what is intact."
        )
    return exit_codes.OK if ok else exit_codes.DAMAGED
