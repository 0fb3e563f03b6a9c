"""``portfolio coverage``: which competencies of a framework the entries evidence, and the gaps.

The same numbers as the app's coverage view and the PDF's coverage pages
(core.domain.coverage), for scripts and for students who live in a terminal: the framework's
competencies indented as a hierarchy with an evidence bar, whether the pack lists the whole
framework, self-rating growth by term, and the competencies to plan for next.
"""

from __future__ import annotations

from typing import Any

from portfolio_app.cli.commands._shared import add_json_option, add_verb, clip, table
from portfolio_app.cli.context import CliContext

BAR_WIDTH = 12


def register(subparsers: Any) -> None:
    """Add the coverage verb."""
    parser = add_verb(
        subparsers,
        "coverage",
        help="competency coverage of a framework: evidence, gaps, self-rating growth",
        description="List every competency of a framework, indented under its domain, with "
        "the number of entries that evidence it (gaps say 'No evidence yet'), whether the "
        "framework pack is complete, your self-ratings by academic term, and suggestions for "
        "your next plan. Default framework: the one your entries link to most.",
    )
    parser.add_argument(
        "--framework", metavar="ID", help="a framework id (portfolio frameworks list)"
    )
    parser.add_argument(
        "--suggest",
        type=int,
        default=5,
        metavar="N",
        help="how many next-step suggestions to print (default 5; 0 for none)",
    )
    add_json_option(parser)
    parser.set_defaults(handler=run)


def bar(count: int, largest: int) -> str:
    """A text bar for a count, scaled to the largest count (empty for zero)."""
    if count <= 0 or largest <= 0:
        return ""
    return "█" * max(1, round(BAR_WIDTH * count / largest))


def run(ctx: CliContext) -> int:
    """Print the coverage hierarchy, completeness, self-rating growth and suggestions."""
    from portfolio_app.core.domain.coverage import (
        NO_EVIDENCE_TEXT,
        coverage,
        rating_heatmap,
        suggestions,
        summarise,
    )

    with ctx.open_portfolio() as service:
        entries = service.entries()
        framework_id = ctx.args.framework or _most_linked(entries) or "ipec-2023"
        framework = service.get_framework(framework_id)
        rows = coverage(framework, entries)
        titles = {e.id: e.title for e in entries}
    summary = summarise(rows)
    grid = rating_heatmap(framework, entries)
    wanted = max(0, ctx.args.suggest)
    found = suggestions(framework, rows, limit=wanted) if wanted else []
    if ctx.as_json:
        ctx.print_json(
            {
                "framework": framework.id,
                "summary": summary.describe(),
                "evidenced": summary.evidenced,
                "listed": summary.total,
                "complete": not framework.is_partial,
                "completeness": framework.completeness_text(),
                "completeness_details": framework.completeness_details(),
                "statements_listed": framework.listed_statements,
                "statements_in_framework": framework.statement_total,
                "gaps": list(summary.gaps),
                "competencies": [
                    {
                        "code": r.code,
                        "label": r.label,
                        "standard": r.standard_code,
                        "depth": r.depth,
                        "heading": r.is_heading,
                        "whole_only": r.whole_only,
                        "entries": [{"id": i, "title": titles.get(i, "")} for i in r.entry_ids],
                    }
                    for r in rows
                ],
                "self_ratings": {
                    "terms": [t.label for t in grid.terms],
                    "competencies": [
                        {"code": g.code, "by_term": list(g.cells), "growth": g.growth}
                        for g in grid.rows
                    ],
                },
                "suggestions": [
                    {"code": s.code, "label": s.label, "reason": s.reason} for s in found
                ],
            }
        )
        return 0
    ctx.print(framework.name)
    ctx.print(f"{summary.describe()}; {summary.linked_entries} entries link to it.")
    ctx.print(framework.completeness_text())
    if framework.completeness_details():
        ctx.print(framework.completeness_details())
    ctx.print("")
    largest = max((r.count for r in rows if not r.is_heading), default=0)
    lines = table(
        ("CODE", "ENTRIES", "", "COMPETENCY"),
        (
            (
                r.code,
                str(r.count),
                bar(r.count, largest) if not r.is_heading else "",
                "  " * r.depth
                + clip(r.name or r.label, 60)
                + ("" if r.is_evidenced else f"  [{NO_EVIDENCE_TEXT}]"),
            )
            for r in rows
        ),
    )
    for line in lines:
        ctx.print(line)
    if grid.rows:
        ctx.print("")
        ctx.print("Self-ratings by academic term (latest rating in each term, 1 to 5):")
        for line in table(
            ("CODE", *(t.label for t in grid.terms), "CHANGE"),
            (
                (
                    g.code,
                    *("-" if c is None else str(c) for c in g.cells),
                    f"{g.growth:+d}" if g.growth else "0",
                )
                for g in grid.rows
            ),
        ):
            ctx.print(line)
    if found:
        ctx.print("")
        ctx.print("Suggestions for your next plan (no evidence yet):")
        for s in found:
            ctx.print(f"  {clip(s.label, 70)} ({s.reason})")
    return 0


def _most_linked(entries: list[Any]) -> str | None:
    counts: dict[str, int] = {}
    for entry in entries:
        for link in entry.competencies:
            counts[link.framework_id] = counts.get(link.framework_id, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else None
