"""Importing an open archive (what ``portfolio archive`` writes) back into a portfolio.

The archive is a zip someone else may have made or changed, so everything in it is read with
limits and checked before anything is written: sizes (the file, each member, the total, the
JSON) and counts are bounded before decompressing, the JSON is parsed into typed values field
by field (no value is trusted to be what its key says), every link (a reflection's plan, an
entry's events and experiences, competency codes, an attachment's entry) must resolve inside
the archive or the portfolio, and ids must be well formed and new. Then everything is written
in ONE SQLite transaction (``PortfolioService.import_archive_contents``): a failure at any
point leaves the portfolio exactly as it was.

What comes back (``portfolio.json``): the profile, events, experiences, entries (ids, kinds,
statuses, templates, sections, tags, professions, links, competency claims and self-ratings,
and their created/updated/occurred times), attachments (id, entry, name, type, bytes, and the
time added when the archive has it), imported framework packs (archives written since this
version) and the final reflection. ``leap2a.xml`` is not read: it is made from the same data.
Not in an archive, so not restored: earlier versions of entries (each entry starts with one),
the signing identity, signing settings, and when events, experiences and packs were recorded.
"""

from __future__ import annotations

import json
import lzma
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from portfolio_app.core.domain.catalogue import EventKind, ExperienceKind
from portfolio_app.core.domain.entries import (
    CompetencyLink,
    Entry,
    EntryKind,
    EntryStatus,
    Section,
)
from portfolio_app.core.domain.errors import PortfolioError, ValidationError
from portfolio_app.core.domain.events import Event, Experience
from portfolio_app.core.domain.ids import EntryId, EventId, ExperienceId
from portfolio_app.core.domain.profile import Profile

FORMAT = "reflective-portfolio/1"
#: Limits (generous for a real portfolio, small enough that a hostile file cannot exhaust
#: memory or time): the zip on disk, its member count, the JSON, all files together.
MAX_ARCHIVE_BYTES = 4 * 1024**3
MAX_MEMBERS = 25_000
MAX_JSON_BYTES = 512 * 1024**2
MAX_TOTAL_BYTES = 4 * 1024**3
MAX_ENTRIES = 100_000
MAX_EVENTS = 20_000
MAX_EXPERIENCES = 5_000
MAX_ATTACHMENTS = 20_000
MAX_PACKS = 100
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MAX_LIST = 1_000  # tags, professions, links of one record
MAX_TEXT = 1_000_000  # characters of one free-text field
_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")

Progress = Callable[[int, int, str], None]


class ArchiveImportError(ValidationError):
    """The archive cannot be imported; the message says what is wrong and where."""


@dataclass(frozen=True)
class ArchivedFile:
    """One attachment of the archive, with its bytes."""

    id: str
    entry_id: EntryId
    filename: str
    media_type: str
    added: datetime | None
    data: bytes


@dataclass
class ArchiveContents:
    """Everything an archive holds, checked."""

    profile: Profile
    events: list[Event]
    experiences: list[Experience]
    entries: list[Entry]
    files: list[ArchivedFile]
    packs: list[tuple[str, bytes]]
    final_reflection: str


def read_archive(path: Path, progress: Progress | None = None) -> ArchiveContents:
    """Open, bound and check an archive; raises :class:`ArchiveImportError`."""
    report = progress or (lambda _d, _t, _m: None)
    report(0, 100, "Reading the archive")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ArchiveImportError(f"cannot read {path}: {exc.strerror}") from exc
    if size > MAX_ARCHIVE_BYTES:
        raise ArchiveImportError(f"{path.name} is larger than 4 GB: not an archive this app wrote")
    try:
        with zipfile.ZipFile(path) as archive:
            return _read(archive, path.name, report)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        # a directory naming a zip version or feature zipfile does not support, or a name
        # flagged UTF-8 that is not (found by tests/fuzz/test_fuzz_archives.py)
        NotImplementedError,
        ValueError,
    ) as exc:
        raise ArchiveImportError(
            f"{path.name} is not a readable zip archive ({exc}); choose the .zip that "
            "'portfolio archive' wrote"
        ) from exc
    except OSError as exc:
        raise ArchiveImportError(f"cannot read {path.name}: {exc}") from exc


def _read(archive: zipfile.ZipFile, name: str, report: Progress) -> ArchiveContents:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ArchiveImportError(f"{name} holds {len(members):,} files: more than an archive has")
    if sum(m.file_size for m in members) > MAX_TOTAL_BYTES:
        raise ArchiveImportError(f"{name} would unpack to more than 4 GB")
    by_name = {m.filename: m for m in members}
    info = by_name.get("portfolio.json")
    if info is None:
        raise ArchiveImportError(
            f"{name} has no portfolio.json: it is not an archive written by 'portfolio archive'"
        )
    raw = _read_member(archive, info, MAX_JSON_BYTES, "portfolio.json")
    report(5, 100, "Checking the archive")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ArchiveImportError(f"portfolio.json in {name} is not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ArchiveImportError(
            f"portfolio.json in {name} is not in the format this app writes ({FORMAT})"
        )
    reader = _Reader()
    contents = ArchiveContents(
        profile=reader.profile(data.get("profile")),
        events=reader.many(data.get("events", []), "events", MAX_EVENTS, reader.event),
        experiences=reader.many(
            data.get("experiences", []), "experiences", MAX_EXPERIENCES, reader.experience
        ),
        entries=reader.many(data.get("entries", []), "entries", MAX_ENTRIES, reader.entry),
        files=[],
        packs=reader.packs(data.get("framework_packs", [])),
        final_reflection=reader.text(data.get("final_reflection") or "", "final reflection"),
    )
    report(15, 100, "Checking links")
    reader.check_links(contents)
    attachments = reader.many(
        data.get("attachments", []), "attachments", MAX_ATTACHMENTS, reader.attachment
    )
    known = {e.id for e in contents.entries}
    for number, (item, member_name) in enumerate(attachments):
        if item[1] not in known:
            raise ArchiveImportError(
                f"attachment '{item[2]}' belongs to entry {item[1]}, which is not in the archive"
            )
        member = by_name.get(member_name)
        if member is None:
            raise ArchiveImportError(f"attachment '{item[2]}': {member_name} is missing")
        blob = _read_member(archive, member, MAX_ATTACHMENT_BYTES, member_name)
        if len(blob) != item[5]:
            raise ArchiveImportError(
                f"attachment '{item[2]}': the archive says {item[5]} bytes, {member_name} has "
                f"{len(blob)}"
            )
        contents.files.append(
            ArchivedFile(item[0], EntryId(item[1]), item[2], item[3], item[4], blob)
        )
        if number % 100 == 0:
            report(15 + 10 * number // max(len(attachments), 1), 100, "Reading attached files")
    return contents


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, what: str) -> bytes:
    """A member's bytes, never more than ``limit`` (the declared size may lie)."""
    if info.file_size > limit:
        raise ArchiveImportError(f"{what} is larger than {limit // 1024**2} MB")
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except (
        zipfile.BadZipFile,
        zlib.error,  # a damaged deflate stream (found by tests/fuzz/test_fuzz_archives.py)
        lzma.LZMAError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,  # bz2 reports bad data as OSError
    ) as exc:
        raise ArchiveImportError(f"{what} cannot be unpacked ({exc})") from exc
    except EOFError as exc:
        raise ArchiveImportError(f"{what} is cut short") from exc
    if len(data) > limit:
        raise ArchiveImportError(f"{what} is larger than {limit // 1024**2} MB")
    return data


class _Reader:
    """Typed values out of parsed JSON, with the place named in every error."""

    def __init__(self) -> None:
        self._ids: set[str] = set()

    # ---- primitives ----------------------------------------------------------------------

    def fail(self, where: str, what: str) -> ArchiveImportError:
        return ArchiveImportError(f"portfolio.json, {where}: {what}")

    def obj(self, value: object, where: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(where, "expected an object")
        return value

    def text(self, value: object, where: str, *, limit: int = MAX_TEXT) -> str:
        if not isinstance(value, str):
            raise self.fail(where, "expected text")
        if len(value) > limit:
            raise self.fail(where, f"longer than {limit:,} characters")
        return value

    def texts(self, value: object, where: str) -> tuple[str, ...]:
        if not isinstance(value, list) or len(value) > MAX_LIST:
            raise self.fail(where, "expected a list of texts")
        return tuple(self.text(v, where, limit=1_000) for v in value)

    def ident(self, value: object, where: str, *, new: bool = True) -> str:
        if not isinstance(value, str) or not _ID.fullmatch(value):
            raise self.fail(where, f"{value!r:.40} is not an id")
        if new:
            if value in self._ids:
                raise self.fail(where, f"the id {value} is used twice")
            self._ids.add(value)
        return value

    def when(self, value: object, where: str) -> datetime | None:
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(self.text(value, where, limit=64))
        except ValueError as exc:
            raise self.fail(where, f"{value!r:.40} is not a date and time") from exc
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed

    def day(self, value: object, where: str) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(self.text(value, where, limit=16))
        except ValueError as exc:
            raise self.fail(where, f"{value!r:.40} is not a date") from exc

    def hours(self, value: object, where: str) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(where, "hours must be a number")
        return float(value)

    def many(
        self, value: object, where: str, limit: int, one: Callable[[dict[str, Any], str], Any]
    ) -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(where, "expected a list")
        if len(value) > limit:
            raise self.fail(where, f"more than {limit:,} of them")
        return [
            one(self.obj(item, f"{where}[{i}]"), f"{where}[{i}]") for i, item in enumerate(value)
        ]

    # ---- records -------------------------------------------------------------------------

    def profile(self, value: object) -> Profile:
        data = self.obj(value, "profile")
        if "name" not in data:
            raise self.fail("profile", "the student's name is missing")
        fields = Profile.__dataclass_fields__
        profile = Profile(
            **{k: self.text(v, f"profile.{k}", limit=1_000) for k, v in data.items() if k in fields}
        )
        try:
            profile.validate()
        except ValidationError as exc:
            raise self.fail("profile", exc.user_message) from exc
        return profile

    def event(self, data: dict[str, Any], where: str) -> Event:
        try:
            kind = EventKind(str(data.get("kind")))
        except ValueError as exc:
            raise self.fail(where, f"unknown event kind {data.get('kind')!r:.40}") from exc
        attended = data.get("attended", True)
        if not isinstance(attended, bool):
            raise self.fail(where, "'attended' must be true or false")
        event = Event(
            id=EventId(self.ident(data.get("id"), where)),
            kind=kind,
            title=self.text(data.get("title"), f"{where}.title", limit=1_000),
            on=self.day(data.get("date"), f"{where}.date"),
            place=self.text(data.get("place", ""), f"{where}.place", limit=1_000),
            professions_present=self.texts(
                data.get("professions_present", []), f"{where}.professions_present"
            ),
            notes=self.text(data.get("notes", ""), f"{where}.notes"),
            attended=attended,
            hours=self.hours(data.get("hours"), f"{where}.hours"),
            confirmed_by=self.text(data.get("confirmed_by") or "", f"{where}.confirmed_by"),
        )
        self._valid(event.validate, where)
        return event

    def experience(self, data: dict[str, Any], where: str) -> Experience:
        try:
            kind = ExperienceKind(str(data.get("kind")))
        except ValueError as exc:
            raise self.fail(where, f"unknown experience kind {data.get('kind')!r:.40}") from exc
        experience = Experience(
            id=ExperienceId(self.ident(data.get("id"), where)),
            kind=kind,
            title=self.text(data.get("title"), f"{where}.title", limit=1_000),
            setting=self.text(data.get("setting", ""), f"{where}.setting", limit=1_000),
            supervisor=self.text(data.get("supervisor", ""), f"{where}.supervisor", limit=1_000),
            starts_on=self.day(data.get("starts_on"), f"{where}.starts_on"),
            ends_on=self.day(data.get("ends_on"), f"{where}.ends_on"),
            notes=self.text(data.get("notes", ""), f"{where}.notes"),
            hours=self.hours(data.get("hours"), f"{where}.hours"),
            confirmed_by=self.text(data.get("confirmed_by") or "", f"{where}.confirmed_by"),
        )
        self._valid(experience.validate, where)
        return experience

    def entry(self, data: dict[str, Any], where: str) -> Entry:
        try:
            kind = EntryKind(str(data.get("kind")))
            status = EntryStatus(str(data.get("status", "draft")))
        except ValueError as exc:
            raise self.fail(where, f"unknown kind or status ({exc})") from exc
        sections_raw = data.get("sections", [])
        if not isinstance(sections_raw, list) or len(sections_raw) > 100:
            raise self.fail(f"{where}.sections", "expected a list of sections")
        sections = []
        for i, raw in enumerate(sections_raw):
            section = self.obj(raw, f"{where}.sections[{i}]")
            sections.append(
                Section(
                    heading=self.text(
                        section.get("heading", ""), f"{where}.sections[{i}]", limit=1_000
                    ),
                    body=self.text(section.get("body", ""), f"{where}.sections[{i}]"),
                    key=self.text(section.get("key", ""), f"{where}.sections[{i}]", limit=200),
                )
            )
        links_raw = data.get("competencies", [])
        if not isinstance(links_raw, list) or len(links_raw) > MAX_LIST:
            raise self.fail(f"{where}.competencies", "expected a list")
        links = []
        for i, raw in enumerate(links_raw):
            link = self.obj(raw, f"{where}.competencies[{i}]")
            rating = link.get("self_rating")
            if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int)):
                raise self.fail(f"{where}.competencies[{i}]", "a self-rating is a whole number")
            try:
                links.append(
                    CompetencyLink(
                        self.text(link.get("framework"), f"{where}.competencies[{i}]", limit=64),
                        self.text(link.get("code"), f"{where}.competencies[{i}]", limit=64),
                        rating,
                    )
                )
            except ValidationError as exc:
                raise self.fail(f"{where}.competencies[{i}]", exc.user_message) from exc
        created = self.when(data.get("created"), f"{where}.created")
        updated = self.when(data.get("updated"), f"{where}.updated")
        if created is None or updated is None:
            raise self.fail(where, "an entry needs 'created' and 'updated' times")
        plan = data.get("plan_id")
        entry = Entry(
            id=EntryId(self.ident(data.get("id"), where)),
            kind=kind,
            title=self.text(data.get("title"), f"{where}.title", limit=1_000),
            sections=tuple(sections),
            status=status,
            template_id=self.text(data.get("template", "free"), f"{where}.template", limit=64),
            created=created,
            updated=updated,
            occurred_on=self.when(data.get("occurred_on"), f"{where}.occurred_on"),
            plan_id=EntryId(self.ident(plan, f"{where}.plan_id", new=False)) if plan else None,
            event_ids=tuple(
                EventId(self.ident(x, f"{where}.event_ids", new=False))
                for x in self._list(data.get("event_ids", []), f"{where}.event_ids")
            ),
            experience_ids=tuple(
                ExperienceId(self.ident(x, f"{where}.experience_ids", new=False))
                for x in self._list(data.get("experience_ids", []), f"{where}.experience_ids")
            ),
            professions=self.texts(data.get("professions", []), f"{where}.professions"),
            tags=self.texts(data.get("tags", []), f"{where}.tags"),
            competencies=tuple(links),
        )
        self._valid(entry.validate, f"{where} ('{entry.title[:40]}')")
        return entry

    def attachment(
        self, data: dict[str, Any], where: str
    ) -> tuple[tuple[str, str, str, str, datetime | None, int], str]:
        size = data.get("size")
        if (
            isinstance(size, bool)
            or not isinstance(size, int)
            or not 0 <= size <= MAX_ATTACHMENT_BYTES
        ):
            raise self.fail(where, "the size must be a whole number of bytes up to 50 MB")
        return (
            (
                self.ident(data.get("id"), where),
                self.ident(data.get("entry_id"), f"{where}.entry_id", new=False),
                self.text(data.get("filename"), f"{where}.filename", limit=255),
                self.text(data.get("media_type"), f"{where}.media_type", limit=255),
                self.when(data.get("added"), f"{where}.added"),
                size,
            ),
            self.text(data.get("path"), f"{where}.path", limit=300),
        )

    def packs(self, value: object) -> list[tuple[str, bytes]]:
        if not isinstance(value, list) or len(value) > MAX_PACKS:
            raise self.fail("framework_packs", f"expected a list of at most {MAX_PACKS}")
        packs = []
        for i, raw in enumerate(value):
            pack = self.obj(raw, f"framework_packs[{i}]")
            pack_id = self.text(pack.get("id"), f"framework_packs[{i}].id", limit=64)
            body = self.obj(pack.get("pack"), f"framework_packs[{i}].pack")
            packs.append((pack_id, json.dumps(body, ensure_ascii=False).encode("utf-8")))
        return packs

    def _list(self, value: object, where: str) -> list[object]:
        if not isinstance(value, list) or len(value) > MAX_LIST:
            raise self.fail(where, "expected a list")
        return value

    def _valid(self, check: Callable[[], None], where: str) -> None:
        try:
            check()
        except PortfolioError as exc:
            raise self.fail(where, exc.user_message) from exc

    # ---- links ---------------------------------------------------------------------------

    def check_links(self, contents: ArchiveContents) -> None:
        """Every link inside the archive resolves (links to the portfolio's own records are
        checked when importing into one that already holds some)."""
        events = {e.id for e in contents.events}
        experiences = {x.id for x in contents.experiences}
        kinds = {e.id: e.kind for e in contents.entries}
        for entry in contents.entries:
            where = f"entry '{entry.title[:40]}' ({entry.id})"
            missing = [e for e in entry.event_ids if e not in events]
            if missing:
                raise ArchiveImportError(f"{where} links to event {missing[0]}, not in the archive")
            gone = [x for x in entry.experience_ids if x not in experiences]
            if gone:
                raise ArchiveImportError(
                    f"{where} links to experience {gone[0]}, not in the archive"
                )
            if entry.plan_id is not None:
                if entry.plan_id not in kinds:
                    raise ArchiveImportError(
                        f"{where} answers plan {entry.plan_id}, not in the archive"
                    )
                if kinds[entry.plan_id] is not EntryKind.PLAN:
                    raise ArchiveImportError(f"{where} answers an entry that is not a plan")
