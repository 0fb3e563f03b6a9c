"""``portfolio gui``: open the desktop app (also what ``portfolio`` alone does)."""

from __future__ import annotations

import argparse
from typing import Any

from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the gui verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "gui", help="open the desktop app (the default when no verb is given)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a freshly made demo portfolio in a temporary folder, already unlocked; "
        "the folder is removed when the app quits",
    )
    parser.add_argument(
        "--theme",
        choices=("system", "light", "dark"),
        help="colour theme for this run (default: the preference, which follows the system)",
    )
    parser.add_argument(
        "file",
        nargs="?",
        metavar="BACKUP",
        help="a .rpbackup file to restore (what a file manager passes when one is opened)",
    )
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Start the GUI; Qt is imported only here."""
    from portfolio_app.gui.app import main as gui_main

    return gui_main(ctx)
