"""``portfolio coverage``: which competencies of a framework the entries evidence, and the gaps.

The same numbers as the app's coverage view and the PDF's coverage table
(core.domain.coverage), for scripts and for students who live in a terminal.
"""

from __future__ import annotations

from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, clip, table
from portfolio_app.cli.context import CliContext


def register(subparsers: Any) -> None:
    """Add the coverage verb."""
    parser = add_verb(
        subparsers,
        "coverage",
        help="competency coverage of a framework: evidence and gaps",
        description="List every competency of a framework with the number of entries that "
        "evidence it; gaps say 'No evidence yet'. Default framework: the one your entries link "
        "to most.",
    )
    parser.add_argument(
        "--framework", metavar="ID", help="a framework id (portfolio frameworks list)"
    )
    add_json_option(parser)
    parser.set_defaults(handler=run)


def run(ctx: CliContext) -> int:
    """Print the coverage table."""
    from portfolio_app.core.domain.coverage import NO_EVIDENCE_TEXT, coverage, summarise

    with ctx.open_portfolio() as service:
        entries = service.entries()
        framework_id = ctx.args.framework or _most_linked(entries) or "ipec-2023"
        framework = service.get_framework(framework_id)
        rows = coverage(framework, entries)
        titles = {e.id: e.title for e in entries}
    summary = summarise(rows)
    if ctx.as_json:
        ctx.print_json(
            {
                "framework": framework.id,
                "summary": summary.describe(),
                "gaps": list(summary.gaps),
                "competencies": [
                    {
                        "code": r.code,
                        "label": r.label,
                        "standard": r.standard_code,
                        "heading": r.is_heading,
                        "entries": [{"id": i, "title": titles.get(i, "")} for i in r.entry_ids],
                    }
                    for r in rows
                ],
            }
        )
        return 0
    ctx.print(f"{framework.name}")
    ctx.print(f"{summary.describe()}; {summary.linked_entries} entries link to it.")
    lines = table(
        ("CODE", "ENTRIES", "EVIDENCE", "COMPETENCY"),
        (
            (
                r.code,
                str(r.count),
                "evidenced" if r.is_evidenced else NO_EVIDENCE_TEXT,
                clip(r.label, 60),
            )
            for r in rows
        ),
    )
    for line in lines:
        ctx.print(line)
    return 0


def _most_linked(entries: list[Any]) -> str | None:
    counts: dict[str, int] = {}
    for entry in entries:
        for link in entry.competencies:
            counts[link.framework_id] = counts.get(link.framework_id, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
