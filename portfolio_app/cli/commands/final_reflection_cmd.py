"""``portfolio final-reflection``: read or write the closing overall reflection of the PDF.

The booklets this app follows end with "final overall reflections of learning"; the export
prints it before the attendance record. Like ``edit``, it never opens $EDITOR (that would put
plaintext in a temp file): the text comes from a file or standard input.
"""

from __future__ import annotations

import argparse
from typing import Any

from portfolio_app.cli.commands._shared import privacy_findings, read_text_input, warn_privacy
from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the final-reflection verb."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "final-reflection",
        help="show or write the final overall reflection printed in the PDF",
        description="Without options, print the final overall reflection (Markdown). With "
        "--body-file FILE (or - for standard input) replace it. --clear empties it.",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--body-file", metavar="FILE", help="the new text (Markdown); - = stdin")
    source.add_argument("--clear", action="store_true", help="remove the final reflection")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Show or replace the final reflection."""
    args = ctx.args
    new_text: str | None = None
    if args.body_file:
        new_text = read_text_input(ctx, args.body_file, "final reflection").strip()
    elif args.clear:
        new_text = ""
    with ctx.open_portfolio(load="lazy") as service:
        if new_text is None:
            text = service.final_reflection
            if ctx.as_json:
                ctx.print_json({"final_reflection": text})
            elif text:
                ctx.print(text)
            else:
                ctx.warn(
                    "No final reflection yet. Write one with: "
                    "portfolio final-reflection --body-file FILE"
                )
            return 0
        service.set_final_reflection(new_text)
    findings = privacy_findings(new_text) if new_text else []
    if ctx.as_json:
        ctx.print_json({"final_reflection": new_text, "words": len(new_text.split())})
    else:
        ctx.print(
            f"Final reflection saved ({len(new_text.split())} words)."
            if new_text
            else "Final reflection removed."
        )
    warn_privacy(ctx, findings)
    return 0
