"""``portfolio attach``, ``attachments`` and ``detach``: evidence files of an entry.

A file is checked before anything is stored (its kind from its content, PDF, PNG, JPEG,
plain text, Word or OpenDocument text; at most 15 MB; no symbolic links, folders, pipes or
empty files: ``core.evidence.files``), then encrypted into the portfolio in one transaction.
Given several files, every one is checked first, so a refusal stores none of them. The
file's name goes through the same identifier check as the text (a warning, never a refusal).
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import Any

from portfolio_app.cli import exit_codes
from portfolio_app.cli.commands._shared import (
    add_json_option,
    add_verb,
    clip,
    privacy_findings,
    short,
    table,
)
from portfolio_app.cli.context import CliContext
from portfolio_app.core.domain.errors import NotFoundError, ValidationError


def register(subparsers: Any) -> None:
    """Add the attach, attachments and detach verbs."""
    attach = add_verb(
        subparsers,
        "attach",
        help="attach evidence files to an entry",
        description="Attach evidence (an attendance certificate, a photo of a whiteboard, a "
        "feedback form) to an entry, encrypted like its text. Allowed: PDF, PNG, JPEG, plain "
        "text (.txt, .md), Word (.docx) and OpenDocument text (.odt), decided from the file's "
        "content, whose name must agree; at most 15 MB a file, 20 files and 24 MB an entry. "
        "The signed export embeds them (see 'portfolio export --help').",
    )
    attach.add_argument("id", metavar="ENTRY", help="the entry's id (or a unique prefix)")
    attach.add_argument("files", nargs="+", metavar="FILE", help="the file(s) to attach")
    add_json_option(attach)
    attach.set_defaults(handler=run_attach)

    listing = add_verb(
        subparsers,
        "attachments",
        help="list an entry's evidence files",
        description="List the evidence files attached to an entry (or, with --all, to every "
        "entry): id, name, kind, size, when added and SHA-256.",
    )
    listing.add_argument("id", nargs="?", metavar="ENTRY", help="the entry's id (or prefix)")
    listing.add_argument("--all", action="store_true", help="every entry's attachments")
    listing.add_argument(
        "--save",
        nargs=2,
        metavar=("ATTACHMENT", "OUT"),
        help="write a decrypted copy of one attachment to the file OUT (not over a file)",
    )
    add_json_option(listing)
    listing.set_defaults(handler=run_attachments)

    detach = add_verb(
        subparsers,
        "detach",
        help="remove an evidence file from an entry",
        description="Remove an evidence file from an entry (its encrypted copy is deleted). "
        "Asks first unless --yes is given (scripts must give --yes).",
    )
    detach.add_argument("id", metavar="ENTRY", help="the entry's id (or a unique prefix)")
    detach.add_argument(
        "attachment", metavar="ATTACHMENT", help="the attachment's id (or a unique prefix)"
    )
    detach.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    add_json_option(detach)
    detach.set_defaults(handler=run_detach)


def _info_json(info: Any, sha256: str | None = None) -> dict[str, Any]:
    result = {
        "id": info.id,
        "entry_id": info.entry_id,
        "name": info.filename,
        "media_type": info.media_type,
        "size": info.size,
        "added": info.added.isoformat(),
    }
    if sha256 is not None:
        result["sha256"] = sha256
    return result


def run_attach(ctx: CliContext) -> int:
    """Check every file, then store each (one transaction per file)."""
    from portfolio_app.core.evidence.files import describe_size, read_evidence_file
    from portfolio_app.core.export.identifiers import readable_name

    paths = [Path(p).expanduser() for p in ctx.args.files]
    checked = [read_evidence_file(path) for path in paths]  # refuses before storing anything
    stored = []
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        for evidence in checked:
            try:
                info = service.add_attachment_data(entry.id, evidence.name, evidence.data)
                stored.append((info, evidence.sha256))
            except ValidationError as exc:
                if stored:
                    ctx.warn(
                        f"portfolio: stopped at '{evidence.name}'; "
                        f"{len(stored)} file(s) before it were attached"
                    )
                raise exc
    findings = privacy_findings(*(readable_name(info.filename) for info, _sha in stored))
    if ctx.as_json:
        ctx.print_json(
            {
                "entry_id": entry.id,
                "attached": [_info_json(info, sha) for info, sha in stored],
                "privacy_findings": [
                    {"kind": f.kind, "excerpt": f.excerpt, "advice": f.advice} for f in findings
                ],
            }
        )
    else:
        for info, sha in stored:
            ctx.print(
                f"Attached {short(info.id)}: {info.filename} ({describe_size(info.size)}, "
                f"SHA-256 {sha[:16]}...) to '{clip(entry.title, 50)}'"
            )
    if findings:
        ctx.warn("privacy check: a file name may identify someone:")
        for finding in findings:
            ctx.warn(f'  - "{finding.excerpt}": {finding.advice}')
        ctx.warn(
            "  (attached anyway; the name is printed in the PDF: rename the file, detach it "
            "and attach it again)"
        )
    return exit_codes.OK


def find_attachment(attachments: list[Any], wanted: str) -> Any:
    found = [a for a in attachments if a.id == wanted]
    if not found and len(wanted) >= 4:
        found = [a for a in attachments if a.id.startswith(wanted)]
    if not found:
        raise NotFoundError(f"there is no attachment '{wanted}' here; see 'portfolio attachments'")
    if len(found) > 1:
        raise NotFoundError(f"'{wanted}' matches {len(found)} attachments; give more of the id")
    return found[0]


def run_attachments(ctx: CliContext) -> int:
    """List attachments (with their SHA-256), or save one."""
    from portfolio_app.core.evidence.files import describe_size

    args = ctx.args
    if not args.id and not args.all:
        raise ValidationError("name an entry, or give --all")
    with ctx.open_portfolio(load="lazy") as service:
        entry_id = None if args.all else service.get_entry(args.id).id
        attachments = service.attachments(entry_id)
        if args.save:
            info = find_attachment(attachments, args.save[0])
            out = Path(args.save[1]).expanduser()
            if out.exists():
                raise ValidationError(f"{out} exists; choose a new file name")
            data = service.read_attachment(info.id)
            from portfolio_app.core.export.atomic import write_atomically

            write_atomically(out, data)
            ctx.print(f"Wrote {info.filename} ({describe_size(len(data))}) to {out}")
            return exit_codes.OK
        hashes = {
            a.id: hashlib.sha256(service.read_attachment(a.id)).hexdigest() for a in attachments
        }
    if ctx.as_json:
        ctx.print_json([_info_json(a, hashes[a.id]) for a in attachments])
        return exit_codes.OK
    if not attachments:
        ctx.warn("No evidence files.")
        return exit_codes.OK
    rows = [
        (
            short(a.id),
            *((short(a.entry_id),) if args.all else ()),
            clip(a.filename, 40),
            a.media_type,
            describe_size(a.size),
            f"{a.added:%Y-%m-%d}",
            hashes[a.id][:16] + "...",
        )
        for a in attachments
    ]
    headers = ("ID", *(("ENTRY",) if args.all else ()), "NAME", "TYPE", "SIZE", "ADDED", "SHA-256")
    for line in table(headers, rows):
        ctx.print(line)
    return exit_codes.OK


def run_detach(ctx: CliContext) -> int:
    """Remove one attachment (asks first unless --yes)."""
    with ctx.open_portfolio(load="lazy") as service:
        entry = service.get_entry(ctx.args.id)
        info = find_attachment(service.attachments(entry.id), ctx.args.attachment)
        if not ctx.args.yes:
            if not (ctx.stdin.isatty() and sys.stderr.isatty()):
                raise ValidationError(
                    f"not removing '{clip(info.filename, 50)}' without confirmation; add --yes "
                    "to remove it from a script"
                )
            ctx.err.write(
                f"Remove '{clip(info.filename, 50)}' from '{clip(entry.title, 40)}'? [y/N] "
            )
            ctx.err.flush()
            if ctx.stdin.readline().strip().casefold() not in ("y", "yes"):
                ctx.warn("Nothing was removed.")
                return exit_codes.FAILED
        service.delete_attachment(info.id)
    if ctx.as_json:
        ctx.print_json({"removed": info.id, "name": info.filename, "entry_id": entry.id})
    else:
        ctx.print(f"Removed {short(info.id)}: {info.filename}")
    return exit_codes.OK
