"""``portfolio events`` and ``portfolio experiences``: what entries link to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import (
    add_json_option,
    add_text_option,
    add_verb,
    clip,
    iso_date,
    resolve_text_options,
    short,
    table,
)
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.activity_guides import (
    ActivityGuide,
    event_guide,
    experience_guide,
)
from portfolio_app.core.domain.catalogue import (
    EventKind,
    ExperienceKind,
    parse_event_kind,
    parse_experience_kind,
)
from portfolio_app.core.domain.errors import ValidationError
from portfolio_app.core.domain.events import format_hours

if TYPE_CHECKING:
    from portfolio_app.core.services.portfolio_service import PortfolioService

_EVENT_KINDS = ", ".join(k.value for k in EventKind)
_EXPERIENCE_KINDS = ", ".join(k.value for k in ExperienceKind)


def register(subparsers: Any) -> None:
    """Add 'events add/list/delete' and 'experiences add/list/delete'."""
    events = add_verb(
        subparsers,
        "events",
        help="record and list IPL events (workshops, simulations, Schwartz rounds...)",
        description="Interprofessional learning events: the attendance record that entries "
        "link to with 'portfolio add --event ID'.",
    )
    event_verbs = events.add_subparsers(dest="events_verb", metavar="ACTION", required=True)
    add = add_verb(
        event_verbs,
        "add",
        nested=True,
        help="record an event",
        description=f"Record an IPL event. Kinds: {_EVENT_KINDS}. Prints the new id.",
    )
    add.add_argument("--kind", required=True, metavar="KIND", help=f"one of: {_EVENT_KINDS}")
    add_text_option(add, "title", help="what the event was", required=True)
    add.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="when it took place")
    add_text_option(
        add, "place", help="where (a room or setting, not a patient's home)", default=""
    )
    add.add_argument(
        "--profession",
        action="append",
        default=[],
        metavar="P",
        help="a profession present (repeatable)",
    )
    add_text_option(add, "notes", help="short notes", default="")
    add.add_argument(
        "--not-attended", action="store_true", help="record it as booked but not attended"
    )
    _add_attendance_options(add, "attended")
    add_json_option(add)
    add.set_defaults(handler=run_events_add)
    lister = add_verb(
        event_verbs,
        "list",
        nested=True,
        help="list events, newest first",
        description="List events, newest first.",
    )
    add_json_option(lister)
    lister.set_defaults(handler=run_events_list)
    kinds = add_verb(
        event_verbs,
        "kinds",
        nested=True,
        help="list the kinds of event, with prompts and the template each suggests",
        description="List the kinds of IPL event: the value to give --kind, the name, the "
        "reflective template an entry about it starts with, and what to notice.",
    )
    add_json_option(kinds)
    kinds.set_defaults(handler=run_event_kinds)
    remover = add_verb(
        event_verbs,
        "delete",
        nested=True,
        help="delete an event (entries keep their text, without the link)",
        description="Delete an event. Entries linked to it stay, without the link.",
    )
    remover.add_argument("id", metavar="ID", help="the event's id (or a unique prefix)")
    remover.set_defaults(handler=run_events_delete)

    experiences = add_verb(
        subparsers,
        "experiences",
        help="record and list placements and other experiences",
        description="Longer experiences (placements, supervision, a series of Schwartz rounds) "
        "that entries link to with 'portfolio add --experience ID'.",
    )
    experience_verbs = experiences.add_subparsers(
        dest="experiences_verb", metavar="ACTION", required=True
    )
    xadd = add_verb(
        experience_verbs,
        "add",
        nested=True,
        help="record an experience",
        description=f"Record an experience. Kinds: {_EXPERIENCE_KINDS}. Prints the new id.",
    )
    xadd.add_argument("--kind", required=True, metavar="KIND", help=f"one of: {_EXPERIENCE_KINDS}")
    add_text_option(xadd, "title", help="what the experience is", required=True)
    add_text_option(
        xadd, "setting", help="the kind of setting, e.g. 'district nursing team'", default=""
    )
    add_text_option(xadd, "supervisor", help="your supervisor or practice assessor", default="")
    xadd.add_argument(
        "--from", dest="starts_on", type=iso_date, metavar="YYYY-MM-DD", help="first day"
    )
    xadd.add_argument("--to", dest="ends_on", type=iso_date, metavar="YYYY-MM-DD", help="last day")
    add_text_option(xadd, "notes", help="short notes", default="")
    _add_attendance_options(xadd, "on placement")
    add_json_option(xadd)
    xadd.set_defaults(handler=run_experiences_add)
    xlist = add_verb(
        experience_verbs,
        "list",
        nested=True,
        help="list experiences",
        description="List experiences, newest first.",
    )
    add_json_option(xlist)
    xlist.set_defaults(handler=run_experiences_list)
    xkinds = add_verb(
        experience_verbs,
        "kinds",
        nested=True,
        help="list the kinds of experience, with prompts and the template each suggests",
        description="List the kinds of experience: the value to give --kind, the name, the "
        "reflective template an entry about it starts with, and what to notice.",
    )
    add_json_option(xkinds)
    xkinds.set_defaults(handler=run_experience_kinds)
    xremover = add_verb(
        experience_verbs,
        "delete",
        nested=True,
        help="delete an experience (entries keep their text, without the link)",
        description="Delete an experience. Entries linked to it stay, without the link.",
    )
    xremover.add_argument("id", metavar="ID", help="the experience's id (or a unique prefix)")
    xremover.set_defaults(handler=run_experiences_delete)


def _add_attendance_options(parser: Any, what: str) -> None:
    parser.add_argument(
        "--hours",
        type=_hours,
        metavar="H",
        help=f"hours {what} (decimals allowed, e.g. 7.5)",
    )
    add_text_option(
        parser,
        "confirmed_by",
        help="who confirmed the hours (a role or name; kept encrypted)",
        default="",
    )


def _hours(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of hours") from None
    if not math.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number of hours")
    return value


def _print_guide(ctx: CliContext, guide: ActivityGuide) -> None:
    """What to notice, and the template to write with (standard error: stdout is the id)."""
    if not ctx.as_json:
        ctx.warn(f"Suggested template: {guide.template_id}. {guide.text}")


def _kinds_rows(kinds: Any, guide_of: Any) -> list[dict[str, str]]:
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "template": guide_of(kind).template_id,
            "prompts": guide_of(kind).text,
            "about": guide_of(kind).about,
        }
        for kind in kinds
    ]


def run_event_kinds(ctx: CliContext) -> int:
    """List the kinds of event with their guides."""
    return _print_kinds(ctx, _kinds_rows(EventKind, event_guide))


def run_experience_kinds(ctx: CliContext) -> int:
    """List the kinds of experience with their guides."""
    return _print_kinds(ctx, _kinds_rows(ExperienceKind, experience_guide))


def _print_kinds(ctx: CliContext, rows: list[dict[str, str]]) -> int:
    if ctx.as_json:
        ctx.print_json(rows)
        return exit_codes.OK
    for line in table(
        ("KIND", "NAME", "TEMPLATE"), ((r["kind"], r["label"], r["template"]) for r in rows)
    ):
        ctx.print(line)
    return exit_codes.OK


def run_events_add(ctx: CliContext) -> int:
    """Record an event."""
    from portfolio_app.core.domain.serialisation import event_to_dict

    args = ctx.args
    resolve_text_options(ctx, "title", "place", "notes", "confirmed_by")
    kind = parse_event_kind(args.kind)
    if not args.title.strip():
        raise ValidationError("an event needs a title")
    with ctx.open_portfolio(load="lazy") as service:
        event = service.add_event(
            kind,
            args.title,
            on=args.date,
            place=args.place,
            professions_present=args.profession,
            notes=args.notes,
            attended=not args.not_attended,
            hours=args.hours,
            confirmed_by=args.confirmed_by,
        )
    if ctx.as_json:
        ctx.print_json(event_to_dict(event))
    else:
        ctx.print(event.id)
        _print_guide(ctx, event_guide(event.kind))
    return exit_codes.OK


def run_events_list(ctx: CliContext) -> int:
    """List events."""
    from portfolio_app.core.domain.serialisation import event_to_dict

    with ctx.open_portfolio(load="lazy") as service:
        events = service.events()
        counts = _link_counts(service, "event_ids")
    if ctx.as_json:
        ctx.print_json([{**event_to_dict(e), "entries": counts.get(e.id, 0)} for e in events])
        return exit_codes.OK
    if not events:
        ctx.warn("No events yet: record one with 'portfolio events add --kind KIND --title T'.")
        return exit_codes.OK
    rows = [
        (
            short(e.id),
            e.on.isoformat() if e.on else "",
            e.kind.label + ("" if e.attended else " (not attended)"),
            str(counts.get(e.id, 0)),
            format_hours(e.hours),
            clip(e.title, 50),
            clip(", ".join(e.professions_present), 50),
        )
        for e in events
    ]
    for line in table(("ID", "DATE", "KIND", "ENTRIES", "HOURS", "TITLE", "PROFESSIONS"), rows):
        ctx.print(line)
    return exit_codes.OK


def run_experiences_add(ctx: CliContext) -> int:
    """Record an experience."""
    from portfolio_app.core.domain.serialisation import experience_to_dict

    args = ctx.args
    resolve_text_options(ctx, "title", "setting", "supervisor", "notes", "confirmed_by")
    kind = parse_experience_kind(args.kind)
    if not args.title.strip():
        raise ValidationError("an experience needs a title")
    if args.starts_on and args.ends_on and args.ends_on < args.starts_on:
        raise ValidationError("an experience cannot end (--to) before it starts (--from)")
    with ctx.open_portfolio(load="lazy") as service:
        experience = service.add_experience(
            kind,
            args.title,
            setting=args.setting,
            supervisor=args.supervisor,
            starts_on=args.starts_on,
            ends_on=args.ends_on,
            notes=args.notes,
            hours=args.hours,
            confirmed_by=args.confirmed_by,
        )
    if ctx.as_json:
        ctx.print_json(experience_to_dict(experience))
    else:
        ctx.print(experience.id)
        _print_guide(ctx, experience_guide(experience.kind))
    return exit_codes.OK


def run_experiences_list(ctx: CliContext) -> int:
    """List experiences."""
    from portfolio_app.core.domain.serialisation import experience_to_dict

    with ctx.open_portfolio(load="lazy") as service:
        experiences = service.experiences()
        counts = _link_counts(service, "experience_ids")
    if ctx.as_json:
        ctx.print_json(
            [{**experience_to_dict(x), "entries": counts.get(x.id, 0)} for x in experiences]
        )
        return exit_codes.OK
    if not experiences:
        ctx.warn(
            "No experiences yet: record one with 'portfolio experiences add --kind KIND --title T'."
        )
        return exit_codes.OK
    rows = [
        (
            short(x.id),
            x.starts_on.isoformat() if x.starts_on else "",
            x.ends_on.isoformat() if x.ends_on else "",
            x.kind.label,
            str(counts.get(x.id, 0)),
            format_hours(x.hours),
            clip(x.confirmed_by, 30),
            clip(x.title, 50),
        )
        for x in experiences
    ]
    header = ("ID", "FROM", "TO", "KIND", "ENTRIES", "HOURS", "CONFIRMED BY", "TITLE")
    for line in table(header, rows):
        ctx.print(line)
    return exit_codes.OK


def _link_counts(service: PortfolioService, attribute: str) -> dict[str, int]:
    """How many entries link to each event (``event_ids``) or experience (``experience_ids``)."""
    counts: dict[str, int] = {}
    for entry in service.summaries():
        linked: tuple[str, ...] = getattr(entry, attribute)
        for target in linked:
            counts[target] = counts.get(target, 0) + 1
    return counts


def run_events_delete(ctx: CliContext) -> int:
    """Delete one event."""
    with ctx.open_portfolio(load="lazy") as service:
        event = service.delete_event(ctx.args.id)
    ctx.print(f"Deleted the event '{event.title}'.")
    return 0


def run_experiences_delete(ctx: CliContext) -> int:
    """Delete one experience."""
    with ctx.open_portfolio(load="lazy") as service:
        experience = service.delete_experience(ctx.args.id)
    ctx.print(f"Deleted the experience '{experience.title}'.")
    return 0
