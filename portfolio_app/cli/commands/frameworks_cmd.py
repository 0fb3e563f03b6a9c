"""``portfolio frameworks``: list competency framework packs and their codes; import a pack."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import add_json_option, add_verb, clip, table
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    from portfolio_app.core.domain.frameworks import Framework

MAX_PACK_BYTES = 4 * 1024 * 1024


def register(subparsers: Any) -> None:
    """Add 'frameworks list' and 'frameworks import'."""
    frameworks = add_verb(
        subparsers,
        "frameworks",
        help="competency framework packs: list them, their codes, or import one",
        description="Competency frameworks (IPEC 2023, CIHC, CUILU, the NMC Code...) that "
        "entries link to with 'portfolio add --competency CODE'.",
    )
    verbs = frameworks.add_subparsers(dest="frameworks_verb", metavar="ACTION", required=True)
    lister = add_verb(
        verbs,
        "list",
        nested=True,
        help="list framework packs, or one pack's codes",
        description="List the framework packs: the built-in ones and, when a portfolio exists "
        "in the data folder (it is unlocked for this), the ones imported into it. With "
        "--codes ID, list the codes an entry can link to in that pack.",
    )
    lister.add_argument("--codes", metavar="FRAMEWORK_ID", help="list this pack's linkable codes")
    add_json_option(lister)
    lister.set_defaults(handler=run_list)
    importer = add_verb(
        verbs,
        "import",
        nested=True,
        help="import a framework pack (Mahara .matrix JSON) or your course's outcomes (CSV)",
        description="Check a framework pack (JSON in the Mahara SmartEvidence .matrix shape), "
        "or a course's own learning outcomes saved from a spreadsheet as CSV (columns code, "
        "group, statement and optionally level; give --id and --name), and store it, "
        "encrypted, in the portfolio. A file with a problem is refused with a message that "
        "names the problem and the row; nothing is stored.",
    )
    importer.add_argument("file", metavar="FILE", help="the .matrix, .json or .csv file")
    importer.add_argument(
        "--id",
        dest="framework_id",
        metavar="ID",
        help="for CSV: a short id to type in --competency ID:CODE (e.g. leicester)",
    )
    importer.add_argument("--name", help="for CSV: the name of the course's outcomes list")
    importer.add_argument("--short-name", default="", help="for CSV: a short display name")
    add_json_option(importer)
    importer.set_defaults(handler=run_import)


def _summary(framework: Framework) -> dict[str, Any]:
    return {
        "id": framework.id,
        "name": framework.name,
        "short_name": framework.short_name,
        "publisher": framework.publisher,
        "year": framework.year,
        "version": framework.version,
        "builtin": framework.builtin,
        "standards": len(framework.standards),
        "elements": framework.element_count,
        "linkable_codes": len(framework.linkable()),
        "complete": not framework.is_partial,
        "statements_listed": framework.listed_statements,
        "statements_in_framework": framework.statement_total,
        "completeness": framework.completeness_text(),
        "source_url": framework.source_url,
        "licence_note": framework.licence_note,
        "attribution": framework.attribution,
    }


def _frameworks(ctx: CliContext) -> list[Framework]:
    from portfolio_app.core.framework_packs import load_builtin_frameworks
    from portfolio_app.core.services.portfolio_service import portfolio_exists

    if not portfolio_exists(ctx.data_dir):
        return load_builtin_frameworks()
    with ctx.open_portfolio(load="lazy") as service:
        return service.frameworks()


def run_list(ctx: CliContext) -> int:
    """List packs, or one pack's codes."""
    frameworks = _frameworks(ctx)
    if ctx.args.codes:
        wanted = ctx.args.codes.strip()
        framework = next((f for f in frameworks if f.id.casefold() == wanted.casefold()), None)
        if framework is None:
            known = ", ".join(f.id for f in frameworks)
            raise NotFoundError(f"there is no framework '{wanted}'; the packs are: {known}")
        codes = framework.linkable()
        if ctx.as_json:
            ctx.print_json(
                [{"code": c, "label": label, "standard": std} for c, label, std in codes]
            )
            return exit_codes.OK
        ctx.print(f"{framework.name} ({framework.id})")
        ctx.print(framework.completeness_text())
        if framework.attribution:
            ctx.print(clip(framework.attribution, 200))
        for code, label, standard in codes:
            indent = "" if code == standard else "  "
            shown = code if framework.is_official_code(code) else f"{code} (app key)"
            ctx.print(f"{indent}{shown}: {_without_code(label, code)}")
        return exit_codes.OK
    if ctx.as_json:
        ctx.print_json([_summary(f) for f in frameworks])
        return exit_codes.OK
    rows = [
        (
            f.id,
            str(f.year or ""),
            "built-in" if f.builtin else "imported",
            str(len(f.linkable())),
            _listed(f),
            clip(f.name, 60),
        )
        for f in frameworks
    ]
    for line in table(("ID", "YEAR", "SOURCE", "CODES", "LISTED", "NAME"), rows):
        ctx.print(line)
    if any(f.is_partial for f in frameworks):
        ctx.print("")
        ctx.print(
            "LISTED: statements this pack lists of the framework's total ('partial' when it "
            "lists less, '?' when the total is not known, 'less detail' when it lists headings "
            "only). See 'frameworks list --codes ID'."
        )
    return exit_codes.OK


def _listed(framework: Framework) -> str:
    listed = framework.listed_statements
    if not framework.is_partial:
        return f"all {listed}"
    total = framework.statement_total
    if total is not None and listed >= total:
        return f"{listed} of {total}, less detail"
    return f"{listed} of {total if total is not None else '?'}, partial"


def _without_code(label: str, code: str) -> str:
    prefix = f"{code}: "
    return label[len(prefix) :] if label.startswith(prefix) else label


def run_import(ctx: CliContext) -> int:
    """Import a pack into the portfolio."""
    source = ctx.args.file
    path = Path(source).expanduser()
    try:
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise ValidationError(f"the framework pack {source} is larger than 4 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            f"cannot read the framework pack {source}: {exc.strerror or exc}"
        ) from exc
    from portfolio_app.core.framework_packs import framework_to_matrix_json, parse_framework_pack

    args = ctx.args
    if path.suffix.lower() in (".csv", ".tsv", ".txt") or args.framework_id or args.name:
        from portfolio_app.core.course_outcomes import parse_course_outcomes_csv

        if not args.framework_id or not args.name:
            raise ValidationError(
                "a course outcomes file needs --id (short, e.g. leicester) and --name"
            )
        course = parse_course_outcomes_csv(
            data,
            framework_id=args.framework_id,
            name=args.name,
            short_name=args.short_name,
            source_name=path.name,
        )
        data = framework_to_matrix_json(course)
    # Check the pack before asking for the passphrase: a broken file needs no unlocking.
    parse_framework_pack(data, source_name=path.name)
    with ctx.open_portfolio(load="lazy") as service:
        framework = service.import_framework(data, source_name=path.name)
    if ctx.as_json:
        ctx.print_json(_summary(framework))
        return exit_codes.OK
    ctx.print(
        f"Imported {framework.name} ({framework.id}): {len(framework.standards)} standards, "
        f"{framework.element_count} elements. Link entries with "
        f"'--competency {framework.id}:CODE'."
    )
    if framework.is_partial:
        ctx.print(framework.completeness_text())
    return exit_codes.OK
