"""Entry verbs: add, list, show, search, edit, delete, history and restore-revision."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import (
    DEFAULT_FRAMEWORK,
    add_json_option,
    add_text_option,
    add_verb,
    clip,
    competency_label,
    day_to_datetime,
    entry_summary,
    findings_json,
    iso_date,
    load_template,
    parse_competency,
    print_entry_table,
    privacy_findings,
    read_text_input,
    resolve_text_options,
    sections_for,
    short,
    table,
    warn_privacy,
)
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.entries import CompetencyLink, Entry, EntryKind, EntryStatus
from portfolio_app.core.domain.entry_filter import EntryFilter, entry_date
from portfolio_app.core.domain.errors import NotFoundError, ValidationError
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.domain.records import DamagedRecord

if TYPE_CHECKING:
    from portfolio_app.core.domain.entry_index import EntrySummary
    from portfolio_app.core.services.portfolio_service import PortfolioService

KINDS = [k.value for k in EntryKind]
STATUSES = [s.value for s in EntryStatus]

_COMPETENCY_HELP = (
    "link a competency: CODE (in the --framework pack), FRAMEWORK:CODE, either with =RATING "
    "for a self-rating from 1 to 5, e.g. VE3, RR4=3, cihc-2024:CODE (repeatable)"
)
_NO_EDITOR = (
    "There is no $EDITOR round trip, on purpose: an editor needs the decrypted text in a "
    "temporary file, and such files (and the editor's swap, backup and recovery copies) can "
    "stay on disk unencrypted long after the edit. To rewrite the text, pipe it in with "
    "'--body-file -' or give a file you look after yourself, or use the desktop app."
)


def register(subparsers: Any) -> None:
    """Add the entry verbs."""
    _register_add(subparsers)

    lister = add_verb(
        subparsers,
        "list",
        help="list entries, newest first",
        description="List entries, newest first (by the date they are about).",
    )
    lister.add_argument("--kind", choices=KINDS, help="only this kind of entry")
    lister.add_argument("--status", choices=STATUSES, help="only entries with this status")
    lister.add_argument(
        "--tag",
        action="append",
        default=[],
        metavar="TAG",
        help="only entries with this tag (repeatable: all must be present)",
    )
    lister.add_argument("--limit", type=_positive, metavar="N", help="at most N entries")
    add_json_option(lister)
    lister.set_defaults(handler=run_list)

    show = add_verb(
        subparsers,
        "show",
        help="show one entry in full",
        description="Show an entry: its text, tags, events, experiences and competencies, the "
        "plan it answers and the reflections that answer it. ID may be a unique prefix "
        "(at least 4 characters) of the id.",
    )
    show.add_argument("id", metavar="ID", help="the entry's id (or a unique prefix)")
    add_json_option(show)
    show.set_defaults(handler=run_show)

    search = add_verb(
        subparsers,
        "search",
        help="search entries",
        description="Search the entries through the encrypted search index (decrypted in "
        "memory after unlocking; on disk it is encrypted like the entries). Every word must "
        "appear, anywhere in a word ('sepsi' finds 'sepsis'); a phrase in double quotes must "
        "appear as written; '#tag' or 'tag:x', 'kind:plan', 'status:draft' and 'code:VE3' "
        "narrow the search.",
    )
    search.add_argument("query", nargs="+", metavar="QUERY", help="words and filters")
    search.add_argument("--limit", type=_positive, metavar="N", help="at most N entries")
    add_json_option(search)
    search.set_defaults(handler=run_search)

    _register_edit(subparsers)

    delete = add_verb(
        subparsers,
        "delete",
        help="delete an entry",
        description="Delete an entry, with its history and attachments. Asks first unless "
        "--yes is given (scripts must give --yes).",
    )
    delete.add_argument("id", metavar="ID", help="the entry's id (or a unique prefix)")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_json_option(delete)
    delete.set_defaults(handler=run_delete)

    history = add_verb(
        subparsers,
        "history",
        help="list the saved versions of an entry",
        description="List the earlier versions of an entry, newest first; bring one back with "
        "'portfolio restore-revision ID REVISION_ID'.",
    )
    history.add_argument("id", metavar="ID", help="the entry's id (or a unique prefix)")
    add_json_option(history)
    history.set_defaults(handler=run_history)

    restore = add_verb(
        subparsers,
        "restore-revision",
        help="make an earlier version of an entry current again",
        description="Make an earlier version of an entry current again. The version it "
        "replaces stays in the history, so this can be undone.",
    )
    restore.add_argument("id", metavar="ID", help="the entry's id (or a unique prefix)")
    restore.add_argument(
        "revision", metavar="REVISION_ID", help="the version's id from 'portfolio history'"
    )
    add_json_option(restore)
    restore.set_defaults(handler=run_restore_revision)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _register_add(subparsers: Any) -> None:
    add = add_verb(
        subparsers,
        "add",
        help="write a new entry (plan, reflection or note)",
        description="Write a new entry. The body is Markdown, read from --body-file (or '-' "
        "for standard input), else from standard input. With a template of several sections "
        "('--template gibbs'), lines '## Heading' that match the template's headings split the "
        "body into its sections. Prints the new entry's id. A privacy check warns (on stderr) "
        "about text that could identify a patient; it never blocks the save.",
    )
    add_text_option(add, "title", help="the entry's title", required=True)
    add.add_argument(
        "--body-file", metavar="FILE", help="read the Markdown body from FILE ('-': stdin)"
    )
    add.add_argument(
        "--kind",
        choices=KINDS,
        default=None,
        help="plan (before an event), reflection (after it) or note; the default is "
        "reflection, or the kind the template is for",
    )
    add.add_argument(
        "--template",
        metavar="ID",
        default="free",
        help="reflective template, e.g. gibbs, what-so-what-now-what, johns, kolb, schon, "
        "nmc-four-questions, schwartz-round, sbar-debrief, pre-event-plan (default: free)",
    )
    add.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="a free tag (repeatable)"
    )
    add.add_argument(
        "--event",
        action="append",
        default=[],
        metavar="ID",
        help="link to an event (see 'portfolio events list'; repeatable)",
    )
    add.add_argument(
        "--experience",
        action="append",
        default=[],
        metavar="ID",
        help="link to an experience (see 'portfolio experiences list'; repeatable)",
    )
    add.add_argument(
        "--competency", action="append", default=[], metavar="CODE", help=_COMPETENCY_HELP
    )
    add.add_argument(
        "--framework",
        default=DEFAULT_FRAMEWORK,
        metavar="ID",
        help=f"framework for bare codes (default: {DEFAULT_FRAMEWORK})",
    )
    add.add_argument(
        "--profession",
        action="append",
        default=[],
        metavar="P",
        help="a profession involved (repeatable)",
    )
    add.add_argument(
        "--date", type=iso_date, metavar="YYYY-MM-DD", help="when it happened (default: today)"
    )
    add.add_argument(
        "--answers",
        metavar="PLAN_ID",
        help="the plan this reflection answers (implies --kind reflection)",
    )
    add.add_argument(
        "--status",
        choices=STATUSES,
        default=EntryStatus.DRAFT.value,
        help="draft (default) or ready ('submitted' is set by a signed export, "
        "'feedback-received' by 'portfolio feedback import')",
    )
    add_json_option(add)
    add.set_defaults(handler=run_add)


def _register_edit(subparsers: Any) -> None:
    edit = add_verb(
        subparsers,
        "edit",
        help="change an entry in place (no $EDITOR: see --help)",
        description="Change an entry in place; the version it replaces is kept in the history. "
        + _NO_EDITOR,
    )
    edit.add_argument("id", metavar="ID", help="the entry's id (or a unique prefix)")
    add_text_option(edit, "title", help="a new title")
    edit.add_argument(
        "--body-file",
        metavar="FILE",
        help="replace the body with FILE's Markdown ('-': standard input)",
    )
    edit.add_argument(
        "--template",
        metavar="ID",
        help="use another template (the body is split again by its headings)",
    )
    edit.add_argument("--kind", choices=KINDS, help="change the kind of entry")
    edit.add_argument(
        "--status",
        choices=STATUSES,
        help="draft or ready (also to reopen a submitted entry); 'submitted' and "
        "'feedback-received' are set only by the app",
    )
    edit.add_argument("--date", type=iso_date, metavar="YYYY-MM-DD", help="when it happened")
    edit.add_argument("--add-tag", action="append", default=[], metavar="TAG")
    edit.add_argument("--remove-tag", action="append", default=[], metavar="TAG")
    edit.add_argument(
        "--add-competency",
        action="append",
        default=[],
        metavar="CODE",
        help=_COMPETENCY_HELP + "; a linked code gets the new rating",
    )
    edit.add_argument("--remove-competency", action="append", default=[], metavar="CODE")
    edit.add_argument(
        "--framework",
        default=DEFAULT_FRAMEWORK,
        metavar="ID",
        help=f"framework for bare codes (default: {DEFAULT_FRAMEWORK})",
    )
    edit.add_argument(
        "--event",
        "--add-event",
        dest="add_event",
        action="append",
        default=[],
        metavar="ID",
        help="link an event (repeatable)",
    )
    edit.add_argument("--remove-event", action="append", default=[], metavar="ID")
    edit.add_argument(
        "--experience",
        "--add-experience",
        dest="add_experience",
        action="append",
        default=[],
        metavar="ID",
        help="link an experience",
    )
    edit.add_argument("--remove-experience", action="append", default=[], metavar="ID")
    edit.add_argument("--add-profession", action="append", default=[], metavar="P")
    edit.add_argument("--remove-profession", action="append", default=[], metavar="P")
    plan = edit.add_mutually_exclusive_group()
    plan.add_argument("--answers", metavar="PLAN_ID", help="the plan this reflection answers")
    plan.add_argument("--no-plan", action="store_true", help="unlink the plan it answers")
    add_json_option(edit)
    edit.set_defaults(handler=run_edit)


# ---- add ----------------------------------------------------------------------------------


def _read_body(ctx: CliContext, source: str | None) -> str:
    if source is not None:
        return read_text_input(ctx, source, "body")
    if getattr(ctx.args, "title_file", None) == "-":
        return ""  # standard input held the title
    if ctx.stdin.isatty():
        ctx.warn("Type the entry in Markdown; end with Ctrl-D (Ctrl-Z then Enter on Windows).")
    return read_text_input(ctx, "-", "body")


def _resolve_plan(service: PortfolioService, plan_ref: str) -> EntryId:
    plan = service.get_entry(plan_ref)
    if plan.kind is not EntryKind.PLAN:
        raise ValidationError(
            f"entry {short(plan.id)} ('{clip(plan.title, 40)}') is a {plan.kind.value}, "
            "not a plan; a reflection can only answer a plan"
        )
    return plan.id


def _competencies(
    service: PortfolioService, specs: Sequence[str], framework_id: str
) -> list[CompetencyLink]:
    frameworks = service.frameworks()
    if specs and framework_id not in {f.id for f in frameworks}:
        raise ValidationError(
            f"there is no framework '{framework_id}'; see 'portfolio frameworks list'"
        )
    return [parse_competency(s, frameworks, default_framework=framework_id) for s in specs]


def _merge_links(links: Sequence[CompetencyLink]) -> tuple[CompetencyLink, ...]:
    merged: dict[tuple[str, str], CompetencyLink] = {}
    for link in links:
        merged[(link.framework_id, link.code)] = link
    return tuple(merged.values())


def run_add(ctx: CliContext) -> int:
    """Write a new entry."""
    from portfolio_app.core.services.portfolio_service import EntryDraft

    args = ctx.args
    template = load_template(args.template)
    if args.kind:
        kind = EntryKind(args.kind)
    elif args.answers or template.suits(EntryKind.REFLECTION.value):
        kind = EntryKind.REFLECTION
    else:  # e.g. the pre-event-plan template: its kind is the obvious one
        kind = EntryKind(template.entry_kinds[0])
    if args.answers and kind is not EntryKind.REFLECTION:
        raise ValidationError("only a reflection can answer a plan; drop --kind or --answers")
    if not template.suits(kind.value):
        ctx.warn(
            f"note: the {template.name} template is meant for "
            f"{' or '.join(template.entry_kinds)} entries, not a {kind.value}"
        )
    resolve_text_options(ctx, "title")
    if not args.title.strip():
        raise ValidationError("an entry needs a title")
    body = _read_body(ctx, args.body_file)
    sections = sections_for(ctx, template, body)
    with ctx.open_portfolio(load="lazy") as service:
        events = tuple(dict.fromkeys(EventId(service.get_event(e).id) for e in args.event))
        experiences = tuple(
            dict.fromkeys(ExperienceId(service.get_experience(x).id) for x in args.experience)
        )
        plan_id = _resolve_plan(service, args.answers) if args.answers else None
        links = _merge_links(_competencies(service, args.competency, args.framework))
        entry = service.add_entry(
            EntryDraft(
                kind=kind,
                title=args.title,
                template_id=template.id,
                sections=sections,
                status=EntryStatus(args.status),
                occurred_on=day_to_datetime(args.date) if args.date else None,
                plan_id=plan_id,
                event_ids=events,
                experience_ids=experiences,
                professions=tuple(args.profession),
                tags=tuple(args.tag),
                competencies=links,
            )
        )
    findings = privacy_findings(entry.title, entry.body_markdown)
    if ctx.as_json:
        from portfolio_app.core.domain.serialisation import entry_to_dict

        ctx.print_json({**entry_to_dict(entry), "privacy_findings": findings_json(findings)})
    else:
        ctx.print(entry.id)
    warn_privacy(ctx, findings)
    return exit_codes.OK


# ---- list, search, show -------------------------------------------------------------------


def _print_entries(
    ctx: CliContext,
    entries: Sequence[Entry | EntrySummary],
    limit: int | None,
    empty: str,
    damaged: Sequence[DamagedRecord] = (),
) -> None:
    """The entries, then every entry that cannot be decrypted (never silently dropped)."""
    total = len(entries)
    shown = entries[:limit] if limit else entries
    if ctx.as_json:
        ctx.print_json(
            [entry_summary(e) for e in shown]
            + [
                {"id": d.row_id, "damaged": True, "what": d.label, "reason": d.reason}
                for d in damaged
            ]
        )
        return
    if not shown and not damaged:
        ctx.warn(empty)
        return
    if shown:
        print_entry_table(ctx, shown)
    if len(shown) < total:
        ctx.warn(f"({len(shown)} of {total} entries shown; raise --limit to see more)")
    if damaged:
        ctx.warn(
            f"{len(damaged)} entr{'y' if len(damaged) == 1 else 'ies'} cannot be read "
            "(damaged or changed outside the app; see 'portfolio check'):"
        )
        for record in damaged:
            ctx.warn(f"  DAMAGED {record.describe()}")


def run_list(ctx: CliContext) -> int:
    """List entries."""
    args = ctx.args
    flt = EntryFilter(
        kinds=frozenset({args.kind}) if args.kind else frozenset(),
        statuses=frozenset({args.status}) if args.status else frozenset(),
        tags=frozenset(t.strip().lstrip("#").casefold() for t in args.tag if t.strip()),
    )
    with ctx.open_portfolio(load="lazy") as service:
        entries = service.find(flt)
        count = service.entry_count()
        damaged = service.damaged_entries()
    empty = (
        "No entries yet: write one with 'portfolio add --title TITLE'."
        if count == 0
        else "No entries match."
    )
    _print_entries(ctx, entries, args.limit, empty, damaged)
    return exit_codes.OK


def run_search(ctx: CliContext) -> int:
    """Search entries."""
    query = " ".join(ctx.args.query)
    with ctx.open_portfolio(load="lazy") as service:
        entries = service.search_summaries(query)
        damaged = service.damaged_entries()
    _print_entries(ctx, entries, ctx.args.limit, f"No entries match '{query}'.", damaged)
    return exit_codes.OK


def _entry_detail(service: PortfolioService, entry: Entry) -> dict[str, Any]:
    from portfolio_app.core.domain.serialisation import (
        entry_to_dict,
        event_to_dict,
        experience_to_dict,
    )

    data = entry_to_dict(entry)
    data["date"] = entry_date(entry).isoformat()
    data["word_count"] = entry.word_count
    data["competencies"] = [
        {
            "framework": c.framework_id,
            "code": c.code,
            "label": competency_label(service, c),
            "self_rating": c.self_rating,
        }
        for c in entry.competencies
    ]
    events = []
    for event_id in entry.event_ids:
        try:
            events.append(event_to_dict(service.get_event(event_id)))
        except NotFoundError:
            events.append({"id": event_id, "missing": True})
    data["events"] = events
    experiences = []
    for experience_id in entry.experience_ids:
        try:
            experiences.append(experience_to_dict(service.get_experience(experience_id)))
        except NotFoundError:
            experiences.append({"id": experience_id, "missing": True})
    data["experiences"] = experiences
    plan: dict[str, Any] | None = None
    if entry.plan_id:
        try:
            answered = service.get_entry(entry.plan_id)
            plan = {"id": answered.id, "title": answered.title}
        except NotFoundError:
            plan = {"id": entry.plan_id, "title": None}
    data["plan"] = plan
    data["answered_by"] = [
        {"id": r.id, "title": r.title, "date": entry_date(r).isoformat()}
        for r in sorted(service.reflections_for_plan(entry.id), key=entry_date)
    ]
    data["body_markdown"] = entry.body_markdown
    return data


def run_show(ctx: CliContext) -> int:
    """Show one entry in full."""
    from portfolio_app.core.reflective_templates import TemplateError, get_template
    from portfolio_app.core.services.feedback_service import entry_feedback

    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        detail = _entry_detail(service, entry)
        feedback = entry_feedback(service, entry.id)
    detail["feedback"] = [
        {
            "text": item.text,
            "signer_name": item.signer_name,
            "signer_role": item.signer_role,
            "signed_at": item.signed_at,
            "imported_at": item.imported_at.isoformat(),
        }
        for item in feedback
    ]
    if ctx.as_json:
        ctx.print_json(detail)
        return exit_codes.OK
    try:
        template_name = get_template(entry.template_id).name
    except TemplateError:
        template_name = entry.template_id
    ctx.print(entry.title)
    ctx.print("=" * min(len(entry.title), 78))
    ctx.print(f"id:          {entry.id}")
    ctx.print(f"kind:        {entry.kind.label}    status: {entry.status.label}")
    ctx.print(f"date:        {detail['date']}    template: {template_name}")
    ctx.print(
        f"written:     {entry.created:%Y-%m-%d %H:%M} UTC    "
        f"last saved: {entry.updated:%Y-%m-%d %H:%M} UTC    words: {entry.word_count}"
    )
    if entry.tags:
        ctx.print(f"tags:        {', '.join(entry.tags)}")
    if entry.professions:
        ctx.print(f"professions: {', '.join(entry.professions)}")
    for event in detail["events"]:
        if event.get("missing"):
            continue
        when = f" ({event['date']})" if event["date"] else ""
        ctx.print(
            f"event:       {short(event['id'])}  {event['kind_label']}: {event['title']}{when}"
        )
    for experience in detail["experiences"]:
        if experience.get("missing"):
            continue
        ctx.print(
            f"experience:  {short(experience['id'])}  {experience['kind_label']}: "
            f"{experience['title']}"
        )
    if detail["competencies"]:
        ctx.print("competencies:")
        for link in detail["competencies"]:
            rating = f"  (self-rating {link['self_rating']}/5)" if link["self_rating"] else ""
            ctx.print(f"  {link['framework']}  {link['label']}{rating}")
    if detail["plan"]:
        ctx.print(f"answers plan: {short(detail['plan']['id'])}  {detail['plan']['title'] or ''}")
    if detail["answered_by"]:
        ctx.print("reflections answering this plan:")
        for reflection in detail["answered_by"]:
            ctx.print(f"  {short(reflection['id'])}  {reflection['date']}  {reflection['title']}")
    ctx.print("")
    for section in entry.sections:
        if len(entry.sections) > 1 or section.heading not in ("", "Reflection"):
            ctx.print(f"## {section.heading}")
            ctx.print("")
        ctx.print(section.body.strip() or "(empty)")
        ctx.print("")
    for item in feedback:
        when = (item.signed_at or "")[:16].replace("T", " ")
        ctx.print(f"## Tutor feedback: {item.who}, signed {when or '(time not stated)'}")
        ctx.print("")
        ctx.print(item.text)
        ctx.print("")
    return exit_codes.OK


# ---- edit ---------------------------------------------------------------------------------


def _edit_links(
    service: PortfolioService, entry: Entry, args: argparse.Namespace
) -> tuple[tuple[EventId, ...], tuple[ExperienceId, ...]]:
    events = list(entry.event_ids)
    for ref in args.add_event:
        event_id = EventId(service.get_event(ref).id)
        if event_id not in events:
            events.append(event_id)
    for ref in args.remove_event:
        matches = [e for e in events if e == ref or (len(ref) >= 4 and e.startswith(ref))]
        if not matches:
            raise ValidationError(f"entry {short(entry.id)} is not linked to an event '{ref}'")
        events = [e for e in events if e not in matches]
    experiences = list(entry.experience_ids)
    for ref in args.add_experience:
        experience_id = ExperienceId(service.get_experience(ref).id)
        if experience_id not in experiences:
            experiences.append(experience_id)
    for ref in args.remove_experience:
        unlinked = [x for x in experiences if x == ref or (len(ref) >= 4 and x.startswith(ref))]
        if not unlinked:
            raise ValidationError(f"entry {short(entry.id)} is not linked to an experience '{ref}'")
        experiences = [x for x in experiences if x not in unlinked]
    return tuple(events), tuple(experiences)


def _edit_competencies(
    service: PortfolioService, entry: Entry, args: argparse.Namespace
) -> tuple[CompetencyLink, ...]:
    links = list(entry.competencies)
    frameworks = service.frameworks()
    for spec in args.remove_competency:
        target = parse_competency(
            spec.partition("=")[0], frameworks, default_framework=args.framework
        )
        kept = [c for c in links if (c.framework_id, c.code) != (target.framework_id, target.code)]
        if len(kept) == len(links):
            raise ValidationError(
                f"entry {short(entry.id)} is not linked to {target.framework_id}:{target.code}"
            )
        links = kept
    links.extend(_competencies(service, args.add_competency, args.framework))
    return _merge_links(links)


def _remove_values(current: Sequence[str], remove: Sequence[str], what: str) -> list[str]:
    result = list(current)
    for value in remove:
        wanted = value.strip().lstrip("#").casefold()
        kept = [v for v in result if v.casefold() != wanted]
        if len(kept) == len(result):
            raise ValidationError(f"the entry has no {what} '{value}'")
        result = kept
    return result


def run_edit(ctx: CliContext) -> int:
    """Change an entry in place."""
    args = ctx.args
    resolve_text_options(ctx, "title")
    changes_asked = any(
        [
            args.title is not None,
            args.body_file is not None,
            args.template is not None,
            args.kind is not None,
            args.status is not None,
            args.date is not None,
            args.add_tag,
            args.remove_tag,
            args.add_competency,
            args.remove_competency,
            args.add_event,
            args.remove_event,
            args.add_experience,
            args.remove_experience,
            args.add_profession,
            args.remove_profession,
            args.answers,
            args.no_plan,
        ]
    )
    if not changes_asked:
        ctx.warn("portfolio: nothing to change; see 'portfolio edit --help' for what can change")
        return exit_codes.USAGE
    new_body = read_text_input(ctx, args.body_file, "body") if args.body_file else None
    template = load_template(args.template) if args.template else None
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(args.id)
        changes: dict[str, Any] = {}
        if args.title is not None:
            if not args.title.strip():
                raise ValidationError("an entry needs a title")
            changes["title"] = args.title
        if new_body is not None or template is not None:
            use = template or load_template(entry.template_id)
            body = new_body if new_body is not None else entry.body_markdown
            changes["sections"] = sections_for(ctx, use, body)
            changes["template_id"] = use.id
        if args.kind:
            changes["kind"] = EntryKind(args.kind)
        if args.status:
            changes["status"] = EntryStatus(args.status)
        if args.date:
            changes["occurred_on"] = day_to_datetime(args.date)
        if args.add_tag or args.remove_tag:
            tags = _remove_values(entry.tags, args.remove_tag, "tag")
            changes["tags"] = (*tags, *args.add_tag)
        if args.add_profession or args.remove_profession:
            professions = _remove_values(entry.professions, args.remove_profession, "profession")
            changes["professions"] = (*professions, *args.add_profession)
        if args.add_competency or args.remove_competency:
            changes["competencies"] = _edit_competencies(service, entry, args)
        if args.add_event or args.remove_event or args.add_experience or args.remove_experience:
            changes["event_ids"], changes["experience_ids"] = _edit_links(service, entry, args)
        if args.answers:
            changes["plan_id"] = _resolve_plan(service, args.answers)
        elif args.no_plan:
            changes["plan_id"] = None
        saved = service.save_entry(entry.replace(**changes))
    findings = (
        privacy_findings(saved.title, saved.body_markdown)
        if "title" in changes or "sections" in changes
        else []
    )
    if ctx.as_json:
        from portfolio_app.core.domain.serialisation import entry_to_dict

        ctx.print_json({**entry_to_dict(saved), "privacy_findings": findings_json(findings)})
    else:
        ctx.print(f"Saved {short(saved.id)}: {saved.title}")
    warn_privacy(ctx, findings)
    return exit_codes.OK


# ---- delete, history, restore -------------------------------------------------------------


def run_delete(ctx: CliContext) -> int:
    """Delete an entry (asks first unless --yes)."""
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        if not ctx.args.yes:
            if not (ctx.stdin.isatty() and sys.stderr.isatty()):
                raise ValidationError(
                    f"not deleting '{clip(entry.title, 50)}' without confirmation; "
                    "add --yes to delete it from a script"
                )
            ctx.err.write(f"Delete '{clip(entry.title, 50)}' and its history? [y/N] ")
            ctx.err.flush()
            answer = ctx.stdin.readline().strip().casefold()
            if answer not in ("y", "yes"):
                ctx.warn("Nothing was deleted.")
                return exit_codes.FAILED
        answering = service.reflections_for_plan(entry.id)
        service.delete_entry(entry.id)
    if ctx.as_json:
        ctx.print_json({"deleted": entry.id, "title": entry.title})
    else:
        ctx.print(f"Deleted {short(entry.id)}: {entry.title}")
    if answering:
        ctx.warn(
            f"note: {len(answering)} reflection(s) answered this plan; they are kept, "
            "without the link"
        )
    return exit_codes.OK


def run_history(ctx: CliContext) -> int:
    """List the saved versions of an entry."""
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        revisions = service.revisions(entry.id)
        links = service.chain_links(entry.id)
    if ctx.as_json:
        ctx.print_json(
            [
                {
                    "id": r.id,
                    "saved": r.saved.isoformat(),
                    "title": r.entry.title,
                    "status": r.entry.status.value,
                    "word_count": r.entry.word_count,
                    "chain": links[r.id].to_json() if r.id in links else None,
                }
                for r in revisions
            ]
        )
        return exit_codes.OK
    if not revisions:
        ctx.warn("No saved versions.")
        return exit_codes.OK
    rows = [
        (
            short(r.id),
            f"{r.saved:%Y-%m-%d %H:%M:%S}",
            str(links[r.id].seq) if r.id in links else "-",
            links[r.id].hash[:12] if r.id in links else "(no link)",
            str(r.entry.word_count),
            clip(r.entry.title, 60),
        )
        for r in revisions
    ]
    for line in table(("REVISION", "SAVED (UTC)", "SEQ", "CHAIN", "WORDS", "TITLE"), rows):
        ctx.print(line)
    return exit_codes.OK


def run_restore_revision(ctx: CliContext) -> int:
    """Make an earlier version current again."""
    wanted = ctx.args.revision
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        revisions = service.revisions(entry.id)
        found = [r for r in revisions if r.id == wanted]
        if not found and len(wanted) >= 4:
            found = [r for r in revisions if r.id.startswith(wanted)]
        if not found:
            raise NotFoundError(
                f"entry {short(entry.id)} has no saved version '{wanted}'; "
                "see 'portfolio history ID'"
            )
        if len(found) > 1:
            raise NotFoundError(f"'{wanted}' matches {len(found)} versions; give more of the id")
        saved = service.restore_revision(found[0])
    findings = privacy_findings(saved.title, saved.body_markdown)
    if ctx.as_json:
        from portfolio_app.core.domain.serialisation import entry_to_dict

        ctx.print_json({**entry_to_dict(saved), "privacy_findings": findings_json(findings)})
    else:
        ctx.print(
            f"Restored {short(saved.id)} to the version saved {found[0].saved:%Y-%m-%d %H:%M} "
            "(the version it replaced is in the history)"
        )
    warn_privacy(ctx, findings)
    return exit_codes.OK
