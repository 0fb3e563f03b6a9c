"""Helpers shared by the verbs: option wiring, reading files, tables, ids and entry output.

Only the standard library and ``portfolio_app.core.domain`` are imported at module level, so
building the parser stays cheap; the service layer is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import re
import textwrap
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.entries import CompetencyLink, Entry, Section
from portfolio_app.core.domain.entry_filter import entry_date
from portfolio_app.core.domain.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from portfolio_app.core.domain.entry_index import EntrySummary
    from portfolio_app.core.domain.frameworks import Framework
    from portfolio_app.core.domain.privacy_guard import Finding
    from portfolio_app.core.domain.templates import ReflectiveTemplate
    from portfolio_app.core.services.portfolio_service import PortfolioService

#: The framework a bare competency code (``VE3``) belongs to.
DEFAULT_FRAMEWORK = "ipec-2023"
SHORT_ID = 8
MAX_BODY_BYTES = 4 * 1024 * 1024


# ---- option wiring ------------------------------------------------------------------------

#: The exit codes every verb but verify uses, shown at the end of each verb's help.
EXIT_CODES_HELP = exit_codes.HELP_TEXT.split("exit codes of 'portfolio verify'")[0].rstrip()


def add_verb(
    subparsers: Any, name: str, *, help: str, description: str, nested: bool = False
) -> argparse.ArgumentParser:
    """A verb's parser: wrapped description, exit codes in the epilog.

    ``nested`` is for second-level verbs (``events add``), which also get --data-dir and
    --passphrase-file (the top-level wrapper adds them to first-level verbs).
    """
    paragraphs = [textwrap.fill(p, 79) for p in description.split("\n\n")]
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name,
        help=help,
        description="\n\n".join(paragraphs),
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    if nested:
        add_nested_common(parser)
    return parser


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: machine-readable output on standard output."""
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")


def add_nested_common(parser: argparse.ArgumentParser) -> None:
    """--data-dir and --passphrase-file for a second-level verb (``events add``...).

    The defaults are suppressed so that a value given before the second-level verb
    (``portfolio events --data-dir D add``) is not overwritten by this parser's default.
    """
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the portfolio folder (default: $PORTFOLIO_DATA_DIR, else the user data folder)",
    )
    parser.add_argument(
        "--passphrase-file",
        metavar="FILE",
        default=argparse.SUPPRESS,
        help="read the passphrase from the first line of FILE (for scripts)",
    )


def iso_date(text: str) -> date:
    """argparse type for YYYY-MM-DD."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date; use YYYY-MM-DD") from None


def day_to_datetime(day: date) -> datetime:
    """The moment an entry 'happened' on a day: midday UTC, so the day reads the same worldwide."""
    return datetime(day.year, day.month, day.day, 12, 0, tzinfo=UTC)


# ---- reading user files -------------------------------------------------------------------


def read_text_input(ctx: CliContext, source: str, what: str) -> str:
    """Text from a file, or from standard input when ``source`` is ``-``."""
    if source == "-":
        try:
            return ctx.stdin.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationError(f"cannot read the {what} from standard input: {exc}") from exc
    path = Path(source).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"cannot read the {what} file {source}: {exc.strerror or exc}"
        ) from exc
    if len(data) > MAX_BODY_BYTES:
        raise ValidationError(f"the {what} file {source} is larger than 4 MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(
            f"the {what} file {source} is not UTF-8 text; save it as UTF-8 and try again"
        ) from None


def add_text_option(
    parser: argparse.ArgumentParser,
    name: str,
    *,
    help: str,
    required: bool = False,
    default: str | None = None,
) -> None:
    """``--NAME TEXT`` or ``--NAME-file FILE`` ('-' = standard input), one of them.

    Text given on the command line shows in the process list (to every user of the machine)
    and in shell history; the file forms keep it out of both.
    """
    flag = name.replace("_", "-")
    group = parser.add_mutually_exclusive_group(required=required)
    group.add_argument(
        f"--{flag}",
        default=default,
        help=f"{help} (visible in the process list and shell history: prefer --{flag}-file)",
    )
    group.add_argument(
        f"--{flag}-file",
        metavar="FILE",
        help=f"read the {name.replace('_', ' ')} from FILE ('-': standard input)",
    )


def resolve_text_options(ctx: CliContext, *names: str) -> None:
    """Put the text of every ``--NAME-file`` into ``args.NAME`` (at most one reads stdin)."""
    args = ctx.args
    from_stdin = [n for n in names if getattr(args, f"{n}_file", None) == "-"]
    if getattr(args, "body_file", None) == "-":
        from_stdin.append("body")
    if len(from_stdin) > 1:
        raise ValidationError(
            "only one text can come from standard input ('-'); give the others as files "
            f"({', '.join('--' + n.replace('_', '-') + '-file' for n in from_stdin)})"
        )
    for name in names:
        source = getattr(args, f"{name}_file", None)
        if source is None:
            continue
        text = read_text_input(ctx, source, name)
        setattr(args, name, text.strip() if name == "title" else text.rstrip("\r\n"))


def read_secret_file(source: str, what: str) -> str:
    """The first line of a file holding a passphrase or recovery key."""
    try:
        text = Path(source).expanduser().read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise ValidationError(f"cannot read the {what} file {source}: {reason}") from exc
    lines = text.splitlines()
    return lines[0] if lines else ""


# ---- entry bodies and templates -----------------------------------------------------------

_HEADING = re.compile(r"^##[ \t]+(?P<text>.+?)[ \t]*#*[ \t]*$")


def _heading_key(text: str) -> str:
    return " ".join(text.strip().rstrip(":").split()).casefold()


def split_body(template: ReflectiveTemplate, body: str) -> tuple[tuple[Section, ...], bool]:
    """Sections for ``body``: split at ``## Heading`` lines that name the template's sections.

    Returns the sections and whether the template's headings were used. Text before the first
    recognised heading goes into the first section. When the template has one section, or no
    heading matches, the whole body is one section.
    """
    text = body.replace("\r\n", "\n").strip("\n")
    if len(template.sections) == 1:
        only = template.sections[0]
        return (Section(heading=only.heading, body=text.strip(), key=only.key),), True
    lookup: dict[str, str] = {}
    for section in template.sections:
        lookup[_heading_key(section.heading)] = section.key
        lookup.setdefault(_heading_key(section.key), section.key)
    bodies: dict[str, list[str]] = {s.key: [] for s in template.sections}
    current = template.sections[0].key
    matched = False
    for line in text.split("\n"):
        found = _HEADING.match(line)
        key = lookup.get(_heading_key(found.group("text"))) if found else None
        if key is not None:
            current = key
            matched = True
            continue
        bodies[current].append(line)
    if not matched:
        return (Section(heading="Reflection", body=text.strip(), key="reflection"),), False
    return (
        tuple(
            Section(heading=s.heading, body="\n".join(bodies[s.key]).strip(), key=s.key)
            for s in template.sections
        ),
        True,
    )


def load_template(template_id: str) -> ReflectiveTemplate:
    """A template by id, or a one-line error listing the ones there are."""
    from portfolio_app.core.reflective_templates import (
        TemplateNotFoundError,
        get_template,
        load_templates,
    )

    try:
        return get_template(template_id)
    except TemplateNotFoundError:
        known = ", ".join(t.id for t in load_templates())
        raise ValidationError(
            f"there is no reflective template '{template_id}'; choose one of: {known}"
        ) from None


def sections_for(ctx: CliContext, template: ReflectiveTemplate, body: str) -> tuple[Section, ...]:
    """Split a body for a template, with a hint on stderr when its headings were not used."""
    sections, used = split_body(template, body)
    if not used and body.strip():
        headings = ", ".join(f"'## {s.heading}'" for s in template.sections)
        ctx.warn(
            f"note: the body has none of the {template.name} headings ({headings}), "
            "so it was kept as one section"
        )
    return sections


# ---- competencies -------------------------------------------------------------------------


def parse_competency(
    spec: str, frameworks: Sequence[Framework], *, default_framework: str = DEFAULT_FRAMEWORK
) -> CompetencyLink:
    """``CODE``, ``FRAMEWORK:CODE``, either with ``=RATING`` (1-5), as a checked link."""
    text, _, rating_text = spec.strip().partition("=")
    rating: int | None = None
    if rating_text.strip():
        try:
            rating = int(rating_text.strip())
        except ValueError:
            raise ValidationError(
                f"'{spec}': the self-rating after '=' must be a whole number from 1 to 5"
            ) from None
        if not 1 <= rating <= 5:
            raise ValidationError(f"'{spec}': the self-rating must be from 1 to 5")
    framework_id, _, code = text.rpartition(":")
    framework_id = framework_id.strip() or default_framework
    code = code.strip()
    if not code:
        raise ValidationError(f"'{spec}' names no competency code")
    by_id = {f.id.casefold(): f for f in frameworks}
    framework = by_id.get(framework_id.casefold())
    if framework is None:
        raise ValidationError(
            f"unknown framework '{framework_id}' in '{spec}'; see 'portfolio frameworks list'"
        )
    if framework.find(code) is None:
        folded = {c.casefold(): c for c, _label, _std in framework.linkable()}
        code = folded.get(code.casefold(), code)
    if framework.find(code) is None:
        raise ValidationError(
            f"unknown competency code '{code}' in {framework.short_name}; "
            f"see 'portfolio frameworks list --codes {framework.id}'"
        )
    return CompetencyLink(framework.id, code, rating)


def competency_label(service: PortfolioService, link: CompetencyLink) -> str:
    """What people read for a link: the framework's label for the code."""
    try:
        return service.get_framework(link.framework_id).label(link.code)
    except NotFoundError:
        return link.code


# ---- ids ----------------------------------------------------------------------------------


def short(identifier: str) -> str:
    """The first characters of an id: enough to type back (any unique prefix works)."""
    return identifier[:SHORT_ID]


# ---- privacy guard ------------------------------------------------------------------------


def privacy_findings(*texts: str) -> list[Finding]:
    """What the privacy guard finds in the texts (joined by blank lines)."""
    from portfolio_app.core.domain.privacy_guard import find_identifiers

    return find_identifiers("\n\n".join(texts))


def warn_privacy(ctx: CliContext, findings: Sequence[Finding]) -> None:
    """Gentle warnings on stderr: the guard never blocks a save."""
    if not findings:
        return
    from portfolio_app.core.domain.privacy_guard import summarise

    ctx.warn(f"privacy check: {summarise(list(findings))}")
    for finding in findings:
        ctx.warn(f'  - "{finding.excerpt}": {finding.advice}')
    ctx.warn("  (saved anyway; change it with 'portfolio edit' when you are ready)")


def findings_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Findings, JSON-ready."""
    return [
        {"kind": f.kind, "excerpt": f.excerpt, "advice": f.advice, "start": f.start, "end": f.end}
        for f in findings
    ]


# ---- output -------------------------------------------------------------------------------


def clip(text: str, width: int) -> str:
    """One line of at most ``width`` characters."""
    line = " ".join(text.split())
    return line if len(line) <= width else line[: width - 1] + "…"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    """Left-aligned columns; the last column is not padded."""
    all_rows = [list(headers), *(list(r) for r in rows)]
    widths = [max(len(r[i]) for r in all_rows) for i in range(len(headers))]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(widths[i]) for i, cell in enumerate(row[:-1])]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return lines


def entry_summary(entry: Entry | EntrySummary) -> dict[str, Any]:
    """An entry without its text: what ``list`` and ``search`` print as JSON."""
    return {
        "id": entry.id,
        "date": entry_date(entry).isoformat(),
        "kind": entry.kind.value,
        "status": entry.status.value,
        "title": entry.title,
        "template": entry.template_id,
        "tags": list(entry.tags),
        "professions": list(entry.professions),
        "event_ids": list(entry.event_ids),
        "experience_ids": list(entry.experience_ids),
        "plan_id": entry.plan_id,
        "competencies": [
            {"framework": c.framework_id, "code": c.code, "self_rating": c.self_rating}
            for c in entry.competencies
        ],
        "word_count": entry.word_count,
        "created": entry.created.isoformat(),
        "updated": entry.updated.isoformat(),
    }


def print_entry_table(ctx: CliContext, entries: Sequence[Entry | EntrySummary]) -> None:
    """The entry list as a table."""
    rows = [
        (
            short(e.id),
            entry_date(e).isoformat(),
            e.kind.value,
            e.status.value,
            clip(e.title, 60),
            clip(", ".join(e.tags), 40),
        )
        for e in entries
    ]
    for line in table(("ID", "DATE", "KIND", "STATUS", "TITLE", "TAGS"), rows):
        ctx.print(line)
