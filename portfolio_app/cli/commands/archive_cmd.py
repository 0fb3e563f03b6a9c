"""``portfolio archive FILE.zip``: an open, unencrypted archive (JSON + Leap2A) to move on;
``portfolio archive import FILE.zip``: bring such an archive back into a portfolio."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, TextIO

from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import ValidationError


def register(subparsers: Any) -> None:
    """Add the archive verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "archive",
        help="write an open archive (portfolio.json + Leap2A) for other ePortfolios, or import one",
        usage="portfolio archive [-h] [--json] FILE.zip\n       portfolio archive import "
        "[-h] [--json] FILE.zip",
        description="Write the whole portfolio as a zip with portfolio.json, leap2a.xml (Leap2A "
        "2010-07, which Mahara and other ePortfolios import) and files/. The archive is NOT "
        "encrypted: keep it safe, and delete it once imported. For a safe copy use "
        "'portfolio backup'.\n\n"
        "'portfolio archive import FILE.zip' reads such an archive back: into a new "
        "portfolio (made with 'portfolio init') it brings the profile, events, experiences, "
        "entries, attachments, imported framework packs and the final reflection; into one "
        "that already holds entries it adds the archive's records beside them and keeps "
        "the profile and final reflection. Everything is checked first and written in one "
        "transaction: a damaged or hostile archive changes nothing. Earlier versions of "
        "entries are not in an archive, so each imported entry starts with one. Progress is "
        "shown on standard error.",
    )
    parser.add_argument("file", metavar="FILE.zip", help="the archive to write (or 'import')")
    parser.add_argument("source", nargs="?", metavar="", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Write the archive, or import one."""
    if ctx.args.file == "import":
        if not ctx.args.source:
            raise ValidationError("give the archive to import: portfolio archive import FILE.zip")
        return run_import(ctx, Path(ctx.args.source).expanduser())
    if ctx.args.source:
        raise ValidationError("give one archive file (or 'import FILE.zip')")
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


def run_import(ctx: CliContext, source: Path) -> int:
    """Import an archive (everything checked first, one transaction)."""
    from portfolio_app.core.services.archive_import import read_archive

    bar = ProgressBar(ctx.err)
    contents = read_archive(source, bar.update)  # before unlocking: a bad file fails fast
    with ctx.open_portfolio(load="lazy") as service:
        counts = service.import_archive_contents(contents, bar.update)
    bar.done()
    if ctx.as_json:
        ctx.print_json({"imported": str(source), **counts})
        return 0
    ctx.print(
        f"Imported {counts['entries']:,} entries, {counts['events']:,} events, "
        f"{counts['experiences']:,} experiences and {counts['attachments']:,} attachments "
        f"from {source}"
    )
    if not counts["profile"]:
        ctx.warn(
            "note: the portfolio already held entries, so its profile and final reflection "
            "were kept (the archive's records were added beside them)"
        )
    return 0


class ProgressBar:
    """A progress bar on standard error: redrawn in place on a terminal, a line every 10%
    otherwise (logs stay short). It appears only once the work has taken ``delay`` seconds,
    so a quick import, or an archive refused at once, prints just its result or its one-line
    error."""

    def __init__(self, stream: TextIO, *, delay: float = 0.5) -> None:
        self._stream = stream
        self._tty = stream.isatty() if hasattr(stream, "isatty") else False
        self._last_percent = -1
        self._last_draw = 0.0
        self._drawn = False
        self._show_after = time.monotonic() + delay

    def update(self, done: int, total: int, message: str) -> None:
        """Show how far the work is (done of total) and what it is doing."""
        percent = max(0, min(100, 100 * done // max(total, 1)))
        if time.monotonic() < self._show_after:
            return
        if self._tty:
            now = time.monotonic()
            if percent == self._last_percent and now - self._last_draw < 0.1:
                return
            filled = percent * 30 // 100
            line = f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% {message[:60]:<60}"
            self._stream.write(line)
            self._stream.flush()
            self._last_draw = now
            self._drawn = True
        elif percent // 10 != self._last_percent // 10:
            self._stream.write(f"{percent:3d}% {message}\n")
            self._stream.flush()
        self._last_percent = percent

    def done(self) -> None:
        """End the bar's line."""
        if self._tty and self._drawn:
            self._stream.write("\n")
            self._stream.flush()
