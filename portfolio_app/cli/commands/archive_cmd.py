"""``portfolio archive FILE.zip``: an open, unencrypted archive (JSON + Leap2A) to move on."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the archive verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "archive",
        help="write an open archive (portfolio.json + Leap2A) for other ePortfolios",
        description="Write the whole portfolio as a zip with portfolio.json, leap2a.xml (Leap2A "
        "2010-07, which Mahara and other ePortfolios import) and files/. The archive is NOT "
        "encrypted: keep it safe, and delete it once imported. For a safe copy use "
        "'portfolio backup'.",
    )
    parser.add_argument("file", metavar="FILE.zip")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Write the archive."""
    from portfolio_app.core.services.archive_service import write_archive

    with ctx.open_portfolio() as service:
        path = write_archive(service, Path(ctx.args.file).expanduser())
        count = service.entry_count()
    if ctx.as_json:
        ctx.print_json({"archive": str(path), "entries": count, "encrypted": False})
    else:
        ctx.print(f"Wrote {count} entries to {path}")
        ctx.warn("Note: this archive is not encrypted. Keep it safe and delete it once imported.")
    return 0
