"""A course's own learning outcomes, written in a spreadsheet and saved as CSV, as a framework pack.

Leicester's IPE portfolio is marked against the course's strand learning outcomes (knowledge,
skills and attitudes per strand), not a national framework. A course lead can list them in any
spreadsheet, one outcome per row, and save the sheet as CSV::

    code,group,statement,level
    S1.1,Strand 1: Learning together,Describe the roles of two other professions,Year 1
    S1.2,Strand 1: Learning together,Work in a mixed team on a shared task,Year 1
    S2.1,Strand 2: Learning in practice,Plan care with a patient and two professions,Year 2

The header row is required; columns may come in any order and other columns are ignored.
``statement`` may also be called ``outcome``, ``group`` may be called ``strand`` or ``domain``,
and ``level`` (optional) may be called ``year`` or ``stage``. An optional ``group_code`` column
gives each group its code; without it, a group's code is the part its outcome codes share
before the last dot ("S1" for S1.1 and S1.2), or G1, G2... when they share none.

The result is a :class:`Framework` that the app stores like any imported pack (Mahara
``.matrix`` JSON inside the vault), complete by definition: the course's list is the framework.
Its id is chosen by whoever imports it, short and typeable (``leicester``), and never derived
from the course's long name, so ``--competency leicester:S1.2`` stays the same however the course
is titled. Commas, semicolons and tabs all work as separators (spreadsheets differ by locale).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.frameworks import Element, Framework, Standard

MAX_CSV_BYTES = 1024 * 1024
MAX_ROWS = 2_000
MAX_CODE = 40
MAX_STATEMENT = 2_000
MAX_NAME = 300
#: Framework ids for course packs: short enough to type after --competency.
MAX_ID = 32
_ID = re.compile(r"[a-z][a-z0-9-]{0,31}")
_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_HEADERS: dict[str, tuple[str, ...]] = {
    "code": ("code", "outcome code", "id"),
    "group": ("group", "strand", "domain", "theme"),
    "statement": ("statement", "outcome", "learning outcome", "description"),
    "level": ("level", "year", "stage"),
    "group_code": ("group_code", "group code", "strand code"),
}


class CourseOutcomesError(PortfolioError):
    """A course outcomes file cannot be used; the message names the problem and the row."""


def _fail(source: str, problem: str) -> CourseOutcomesError:
    return CourseOutcomesError(f"course outcomes '{source}': {problem}")


def check_framework_id(framework_id: str) -> str:
    """The id, lower-cased, if it is short and typeable; otherwise CourseOutcomesError."""
    wanted = framework_id.strip().lower()
    if not _ID.fullmatch(wanted):
        raise CourseOutcomesError(
            f"the id '{framework_id}' is not usable: use a short name of lower-case letters, "
            f"digits and dashes, starting with a letter, at most {MAX_ID} characters "
            "(for example 'leicester')"
        )
    return wanted


def _rows(data: bytes, source: str) -> list[list[str]]:
    if len(data) > MAX_CSV_BYTES:
        raise _fail(source, f"is larger than {MAX_CSV_BYTES // 1024} KB")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(
            source,
            f"is not UTF-8 text (bad byte at position {error.start}); save it from your "
            "spreadsheet as 'CSV UTF-8'",
        ) from None
    if not text.strip():
        raise _fail(source, "is empty")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        rows = list(csv.reader(io.StringIO(text), dialect))
    except csv.Error as error:
        raise _fail(source, f"is not readable CSV ({error})") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if len(rows) > MAX_ROWS + 1:
        raise _fail(source, f"has more than {MAX_ROWS} outcomes")
    return rows


def _columns(header: Sequence[str], source: str) -> dict[str, int]:
    found: dict[str, int] = {}
    names = [" ".join(cell.strip().lower().replace("_", " ").split()) for cell in header]
    for key, synonyms in _HEADERS.items():
        wanted = {" ".join(s.replace("_", " ").split()) for s in synonyms}
        for position, name in enumerate(names):
            if name in wanted:
                found.setdefault(key, position)
    missing = [key for key in ("code", "group", "statement") if key not in found]
    if missing:
        raise _fail(
            source,
            "needs a header row with the columns code, group and statement (level is "
            f"optional); missing: {', '.join(missing)}",
        )
    return found


def parse_course_outcomes_csv(
    data: bytes,
    *,
    framework_id: str,
    name: str,
    source_name: str,
    short_name: str = "",
    publisher: str = "",
) -> Framework:
    """Read a course's outcomes from CSV into a complete framework pack with this id and name."""
    source = source_name or "unnamed"
    pack_id = check_framework_id(framework_id)
    title = " ".join(name.split())
    if not title or len(title) > MAX_NAME:
        raise _fail(source, f"needs a name of 1 to {MAX_NAME} characters for the course's list")
    rows = _rows(data, source)
    columns = _columns(rows[0], source)

    def cell(row: Sequence[str], key: str) -> str:
        position = columns.get(key)
        if position is None or position >= len(row):
            return ""
        return " ".join(row[position].split())

    groups: dict[str, list[Element]] = {}
    group_codes: dict[str, str] = {}
    seen: dict[str, int] = {}
    for number, row in enumerate(rows[1:], start=2):
        code, group, statement = cell(row, "code"), cell(row, "group"), cell(row, "statement")
        where = f"row {number}"
        if not code:
            raise _fail(source, f"{where} has no code")
        if not _CODE.fullmatch(code):
            raise _fail(
                source,
                f"{where} has the code '{code[:40]}': use letters, digits, dots, dashes and "
                f"underscores, at most {MAX_CODE} characters, no spaces",
            )
        if code in seen:
            raise _fail(source, f"{where} repeats the code '{code}' of row {seen[code]}")
        seen[code] = number
        if not group:
            raise _fail(source, f"{where} ('{code}') has no group")
        if not statement:
            raise _fail(source, f"{where} ('{code}') has no statement")
        if len(statement) > MAX_STATEMENT or len(group) > MAX_NAME:
            raise _fail(source, f"{where} ('{code}') has a group or statement that is too long")
        level = cell(row, "level")
        groups.setdefault(group, []).append(
            Element(code, statement, f"Level: {level}" if level else "", source=source)
        )
        given = cell(row, "group_code")
        if given and group_codes.setdefault(group, given) != given:
            raise _fail(source, f"{where} gives the group '{group}' a second group code")
    if not groups:
        raise _fail(source, "has a header row but no outcomes")
    standards = _standards(groups, group_codes, set(seen), source)
    return Framework(
        id=pack_id,
        name=title,
        short_name=(" ".join(short_name.split()) or title)[:60],
        publisher=publisher.strip(),
        year=None,
        version="",
        source_url="",
        licence_note="The course's own learning outcomes, imported by the student; kept in "
        "the encrypted portfolio and not shared.",
        description=f"Learning outcomes imported from {source}.",
        standards=standards,
        builtin=False,
        text_kind="official",
        notes=(f"Imported from the course's outcomes file {source}.",),
        statement_total=sum(len(elements) for elements in groups.values()),
        statement_noun="learning outcomes",
    )


def _standards(
    groups: dict[str, list[Element]], given: dict[str, str], codes: set[str], source: str
) -> tuple[Standard, ...]:
    used: set[str] = set()
    standards: list[Standard] = []
    for number, (group, elements) in enumerate(groups.items(), start=1):
        code = given.get(group) or _shared_prefix([e.code for e in elements]) or f"G{number}"
        if code in codes or code in used:
            code = f"G{number}"
        if code in codes or code in used:
            raise _fail(source, f"cannot give the group '{group}' a code that no outcome uses")
        used.add(code)
        standards.append(
            Standard(code, group, "", tuple(elements), element_total=len(elements), source=source)
        )
    return tuple(standards)


def _shared_prefix(codes: Sequence[str]) -> str:
    """The part all codes share before their last dot ("S1" for S1.1, S1.2), else ""."""
    prefixes = {code.rpartition(".")[0] for code in codes}
    if len(prefixes) == 1:
        (prefix,) = prefixes
        return prefix
    return ""
