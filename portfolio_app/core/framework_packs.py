"""Framework packs: load the bundled ones, and parse, validate and write Mahara-style JSON.

A pack is a JSON document in the shape of a Mahara SmartEvidence ``.matrix`` file::

    {"framework": {"name": ..., "description": ..., "selfassess": false,
                   "standards": [{"shortname": ..., "name": ..., "description": ...,
                                  "priority": 1,
                                  "standardelement": [{"shortname": ..., "name": ...,
                                                       "description": ..., "priority": 1,
                                                       "parent": false}]}]}}

plus our own optional keys at the top level, next to ``"framework"``: ``id``, ``short_name``,
``publisher``, ``year``, ``version``, ``source_url``, ``licence_note``, ``attribution``,
``codes_official``, ``unofficial_codes``, ``text_kind``, ``notes``, ``pack_format`` and the
completeness keys ``statement_total`` (how many statements the publisher's framework has),
``statement_noun`` ("sub-competencies"), ``partial_note`` and ``listed_statements`` (a check:
how many statements the pack itself lists). Standards and elements may carry ``source`` (where
the fact comes from) and standards ``element_total`` (the publisher's number of sub-statements
under it; 0 when the standard is itself a statement; null when unknown). Mahara reads only
``framework`` and ignores keys it does not know, so our packs stay importable there, and plain
Mahara files import here: the id is a slug of the name, the codes are the ``shortname`` values,
and the pack is taken to be complete.

Both Mahara layouts are read: elements nested in each standard (``standardelement``), and the
newer flat list (``framework.standardelements`` with ``standardid``, ``elementid`` and
``parentelementid``). An element's ``parent`` may be ``false``/absent (top level), ``true``
(Mahara's example file: a sub-clause of the nearest earlier top-level element) or the
``shortname`` of an earlier element of the same standard; the writer always uses the last form.

Packs can come from anyone, so parsing is strict and bounded: a size cap, UTF-8 only, no
duplicate JSON keys, no NaN, limits on counts and lengths. HTML in Mahara descriptions is reduced
to plain text (the app never renders pack text as HTML). Every problem raises
:class:`FrameworkPackError` with one line naming the problem and where it is.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any

from portfolio_app.core.domain.errors import PortfolioError
from portfolio_app.core.domain.frameworks import TEXT_KINDS, Element, Framework, Standard
from portfolio_app.core.resources import iter_resources

#: Largest pack accepted, in bytes.
MAX_PACK_BYTES = 2 * 1024 * 1024
MAX_CODE_LENGTH = 100
MAX_NAME_LENGTH = 500
MAX_TEXT_LENGTH = 20_000
MAX_STANDARDS = 200
MAX_ELEMENTS = 5_000
MAX_NOTES = 50
#: Version of our own top-level keys written by :func:`framework_to_matrix_json`.
PACK_FORMAT = 1
#: Folder of bundled packs inside ``resources/``.
BUILTIN_FOLDER = "frameworks"

_ID_PATTERN = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")
_TAG = re.compile(r"</?[A-Za-z!][^<>]{0,2000}>")
_BLOCK_END = re.compile(r"(?i)<\s*(?:br|/p|/div|/li|/h[1-6]|/tr)\b[^<>]{0,2000}>")
_LIST_ITEM = re.compile(r"(?i)<\s*li\b[^<>]{0,2000}>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class FrameworkPackError(PortfolioError):
    """A framework pack cannot be used; the message says what is wrong and where."""


def _fail(source: str, problem: str) -> FrameworkPackError:
    return FrameworkPackError(f"framework pack '{_shorten(source, 80)}': {problem}")


def _shorten(text: str, limit: int = 40) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    if not slug:
        slug = "framework-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]
    return slug


def _plain(text: str, *, multiline: bool) -> str:
    """Plain text from pack text: HTML tags dropped, entities decoded, whitespace tidied."""
    was_html = "<" in text and _TAG.search(text) is not None
    if was_html:
        text = _BLOCK_END.sub("\n", text)
        text = _LIST_ITEM.sub("\n- ", text)
        text = _TAG.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if not multiline:
        return " ".join(text.split())
    lines = [" ".join(line.split()) for line in text.split("\n")]
    if was_html:  # block tags leave empty lines behind; HTML line breaks carry no blank lines
        lines = [line for line in lines if line]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


class _Reader:
    """Typed access to one JSON object, with errors that say where the problem is."""

    def __init__(self, source: str, where: str, data: Mapping[str, Any]) -> None:
        self.source = source
        self.where = where
        self.data = data

    def fail(self, problem: str) -> FrameworkPackError:
        prefix = f"{self.where} " if self.where else ""
        return _fail(self.source, prefix + problem)

    def text(
        self,
        key: str,
        *,
        required: bool,
        limit: int,
        multiline: bool = False,
        default: str = "",
    ) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"has no {key}")
            return default
        if not isinstance(value, str):
            raise self.fail(f"has a {key} that is not text")
        if len(value) > limit * 4:
            raise self.fail(f"has a {key} longer than {limit} characters")
        cleaned = _plain(value, multiline=multiline)
        if required and not cleaned:
            raise self.fail(f"has no {key}")
        if len(cleaned) > limit:
            raise self.fail(f"has a {key} longer than {limit} characters")
        return cleaned

    def optional(self, key: str, kind: type | tuple[type, ...], what: str) -> Any:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise self.fail(f"has a {key} that is not {what}")
        if not isinstance(value, kind):
            raise self.fail(f"has a {key} that is not {what}")
        return value


def _load_json(data: bytes, source: str) -> Any:
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _fail(source, "is not a file's bytes")
    raw = bytes(data)
    if len(raw) > MAX_PACK_BYTES:
        raise _fail(
            source, f"is {len(raw) / 1048576:.1f} MB; the limit is {MAX_PACK_BYTES // 1048576} MB"
        )
    if not raw.strip():
        raise _fail(source, "is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise _fail(source, f"is not UTF-8 text (bad byte at position {error.start})") from None

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _fail(source, f"has the key '{_shorten(key)}' twice in one object")
            result[key] = value
        return result

    def no_constants(name: str) -> Any:
        raise _fail(source, f"contains {name}, which is not valid JSON")

    try:
        return json.loads(text, object_pairs_hook=no_duplicates, parse_constant=no_constants)
    except json.JSONDecodeError as error:
        raise _fail(
            source, f"is not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    except RecursionError:
        raise _fail(source, "is nested too deeply to be a framework pack") from None


def _int_or_none(reader: _Reader, key: str) -> int | None:
    value = reader.optional(key, int, "a whole number")
    return None if value is None else int(value)


def _standard_label(index: int, name: str) -> str:
    return f"standard {index} ('{_shorten(name)}')" if name else f"standard {index}"


def parse_framework_pack(data: bytes, *, source_name: str, builtin: bool = False) -> Framework:
    """Parse and validate a pack (ours or a plain Mahara ``.matrix`` file) into a Framework.

    ``source_name`` names the pack in error messages (a file name is best). ``builtin`` marks
    packs that ship with the app. Raises FrameworkPackError on any problem.
    """
    source = source_name or "unnamed"
    document = _load_json(data, source)
    if not isinstance(document, dict):
        raise _fail(source, "is not a JSON object with a 'framework' key")
    top = _Reader(source, "", document)
    framework_data = document.get("framework")
    if not isinstance(framework_data, dict):
        raise _fail(source, "has no 'framework' object (is this a Mahara .matrix file?)")
    body = _Reader(source, "framework", framework_data)
    name = body.text("name", required=True, limit=MAX_NAME_LENGTH)
    description = body.text("description", required=False, limit=MAX_TEXT_LENGTH, multiline=True)
    body.optional("selfassess", (bool, int), "true or false")

    standards = _read_standards(source, framework_data)

    framework_id = top.text("id", required=False, limit=64) or _slug(name)
    if not _ID_PATTERN.fullmatch(framework_id):
        raise top.fail(
            f"has the id '{_shorten(framework_id)}'; use lower-case letters, digits and dashes"
        )
    year = _int_or_none(top, "year")
    if year is not None and not 1900 <= year <= 2200:
        raise top.fail(f"has the year {year}, which is not a plausible publication year")
    pack_format = _int_or_none(top, "pack_format")
    if pack_format is not None and pack_format > PACK_FORMAT:
        raise top.fail(
            f"uses pack format {pack_format}; this version of the app reads up to {PACK_FORMAT}"
        )
    codes_official = top.optional("codes_official", bool, "true or false")
    text_kind = top.text("text_kind", required=False, limit=40, default="unspecified")
    if text_kind not in TEXT_KINDS:
        raise top.fail(
            f"has text_kind '{_shorten(text_kind)}'; use one of {', '.join(sorted(TEXT_KINDS))}"
        )
    all_codes = {s.code for s in standards} | {e.code for s in standards for e in s.elements}
    unofficial = _string_list(top, "unofficial_codes", MAX_CODE_LENGTH, MAX_ELEMENTS)
    for code in unofficial:
        if code not in all_codes:
            raise top.fail(f"lists '{_shorten(code)}' in unofficial_codes, but no item has it")
    notes = _string_list(top, "notes", MAX_TEXT_LENGTH, MAX_NOTES)
    listed = sum(len(s.elements) for s in standards) + sum(1 for s in standards if s.is_statement)
    declared_listed = _int_or_none(top, "listed_statements")
    if declared_listed is not None and declared_listed != listed:
        raise top.fail(
            f"says it lists {declared_listed} statements, but it lists {listed} "
            "(elements, and standards without sub-statements)"
        )
    statement_total = _int_or_none(top, "statement_total")
    if "statement_total" not in document:
        statement_total = listed  # a plain Mahara pack: what it lists is the framework
    if statement_total is not None and statement_total < listed:
        raise top.fail(
            f"has statement_total {statement_total}, fewer than the {listed} statements it lists"
        )

    try:
        return Framework(
            id=framework_id,
            name=name,
            short_name=top.text("short_name", required=False, limit=60) or _shorten(name, 60),
            publisher=top.text("publisher", required=False, limit=MAX_NAME_LENGTH),
            year=year,
            version=top.text("version", required=False, limit=100),
            source_url=top.text("source_url", required=False, limit=2000),
            licence_note=top.text(
                "licence_note", required=False, limit=MAX_TEXT_LENGTH, multiline=True
            ),
            description=description,
            standards=standards,
            builtin=builtin,
            attribution=top.text(
                "attribution", required=False, limit=MAX_TEXT_LENGTH, multiline=True
            ),
            codes_official=True if codes_official is None else bool(codes_official),
            unofficial_codes=tuple(unofficial),
            text_kind=text_kind,
            notes=tuple(notes),
            statement_total=statement_total,
            statement_noun=top.text("statement_noun", required=False, limit=60) or "statements",
            partial_note=top.text(
                "partial_note", required=False, limit=MAX_TEXT_LENGTH, multiline=True
            ),
        )
    except ValueError as error:  # the domain's own invariants; the checks above should catch all
        raise _fail(source, str(error)) from None


def _string_list(reader: _Reader, key: str, limit: int, max_items: int) -> list[str]:
    value = reader.data.get(key)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise reader.fail(f"has a {key} that is not a list of text")
    if len(value) > max_items:
        raise reader.fail(f"has more than {max_items} {key}")
    items = [_plain(item, multiline=True) for item in value]
    for item in items:
        if not item or len(item) > limit:
            raise reader.fail(f"has an empty or over-long item in {key}")
    return items


def _read_standards(source: str, framework_data: Mapping[str, Any]) -> tuple[Standard, ...]:
    raw_standards = framework_data.get("standards")
    if not isinstance(raw_standards, list) or not raw_standards:
        raise _fail(source, "framework has no standards")
    if len(raw_standards) > MAX_STANDARDS:
        raise _fail(source, f"framework has more than {MAX_STANDARDS} standards")

    flat = framework_data.get("standardelements")
    if flat is not None and not isinstance(flat, list):
        raise _fail(source, "framework has standardelements that are not a list")
    flat_elements: list[Any] = list(flat or [])

    total = len(flat_elements) + sum(
        len(s["standardelement"])
        for s in raw_standards
        if isinstance(s, dict) and isinstance(s.get("standardelement"), list)
    )
    if total > MAX_ELEMENTS:
        raise _fail(source, f"framework has more than {MAX_ELEMENTS} standard elements")

    seen_codes: dict[str, str] = {}
    standard_ids: dict[str, int] = {}
    headers: list[tuple[str, str, str, list[Any], _Reader]] = []
    for number, raw in enumerate(raw_standards, start=1):
        if not isinstance(raw, dict):
            raise _fail(source, f"standard {number} is not a JSON object")
        hint = raw.get("name") if isinstance(raw.get("name"), str) else ""
        reader = _Reader(source, _standard_label(number, str(hint)), raw)
        code = reader.text("shortname", required=True, limit=MAX_CODE_LENGTH)
        name = reader.text("name", required=True, limit=MAX_NAME_LENGTH)
        description = reader.text(
            "description", required=False, limit=MAX_TEXT_LENGTH, multiline=True
        )
        _int_or_none(reader, "priority")
        standard_id = reader.optional("standardid", (int, str), "a number or text")
        if standard_id is not None:
            key = str(standard_id)
            if key in standard_ids:
                raise reader.fail(f"repeats the standardid {_shorten(key)}")
            standard_ids[key] = number - 1
        _claim(seen_codes, code, reader.where, source)
        nested = raw.get("standardelement")
        if nested is None:
            nested = []
        if not isinstance(nested, list):
            raise reader.fail("has a standardelement that is not a list")
        headers.append((code, name, description, list(nested), reader))

    # The newer flat layout: attach each element to the standard with its standardid.
    flat_by_standard: list[list[Any]] = [[] for _ in headers]
    for number, raw in enumerate(flat_elements, start=1):
        if not isinstance(raw, dict):
            raise _fail(source, f"standard element {number} is not a JSON object")
        wanted = raw.get("standardid")
        if wanted is None or isinstance(wanted, bool) or str(wanted) not in standard_ids:
            raise _fail(
                source,
                f"standard element {number} names standardid {_shorten(str(wanted))}, "
                "which no standard has",
            )
        flat_by_standard[standard_ids[str(wanted)]].append(raw)

    standards: list[Standard] = []
    for number, (code, name, description, nested, reader) in enumerate(headers, start=1):
        where = _standard_label(number, name)
        elements = _read_elements(source, where, nested + flat_by_standard[number - 1], seen_codes)
        if "element_total" in reader.data:
            element_total = _int_or_none(reader, "element_total")
            if element_total is not None and not 0 <= element_total <= MAX_ELEMENTS:
                raise reader.fail(f"has an element_total of {element_total}")
            if element_total is not None and len(elements) > max(element_total, 0):
                raise reader.fail(f"lists {len(elements)} elements but says it has {element_total}")
        else:
            element_total = len(elements)  # a plain Mahara standard: complete as listed
        standards.append(
            Standard(
                code,
                name,
                description,
                elements,
                element_total=element_total,
                source=reader.text("source", required=False, limit=MAX_TEXT_LENGTH),
            )
        )
    return tuple(standards)


def _claim(seen: dict[str, str], code: str, where: str, source: str) -> None:
    if code in seen:
        raise _fail(
            source, f"{where} uses the code '{_shorten(code)}', already used by {seen[code]}"
        )
    seen[code] = where


def _read_elements(
    source: str, where: str, raws: list[Any], seen_codes: dict[str, str]
) -> tuple[Element, ...]:
    elements: list[Element] = []
    element_ids: dict[str, str] = {}  # Mahara elementid -> our code
    last_top_level: str | None = None
    for number, raw in enumerate(raws, start=1):
        if not isinstance(raw, dict):
            raise _fail(source, f"{where} element {number} is not a JSON object")
        hint = raw.get("shortname") if isinstance(raw.get("shortname"), str) else ""
        label = f"{where} element {number}" + (f" ('{_shorten(str(hint))}')" if hint else "")
        reader = _Reader(source, label, raw)
        code = reader.text("shortname", required=True, limit=MAX_CODE_LENGTH)
        name = reader.text("name", required=True, limit=MAX_NAME_LENGTH)
        description = reader.text(
            "description", required=False, limit=MAX_TEXT_LENGTH, multiline=True
        )
        _int_or_none(reader, "priority")
        parent = _resolve_parent(reader, raw, elements, element_ids, last_top_level)
        _claim(seen_codes, code, label, source)
        element_id = reader.optional("elementid", (int, str), "a number or text")
        if element_id is not None:
            element_ids[str(element_id)] = code
        if parent is None:
            last_top_level = code
        elements.append(
            Element(
                code,
                name,
                description,
                parent,
                source=reader.text("source", required=False, limit=MAX_TEXT_LENGTH),
            )
        )
    return tuple(elements)


def _resolve_parent(
    reader: _Reader,
    raw: Mapping[str, Any],
    earlier: list[Element],
    element_ids: Mapping[str, str],
    last_top_level: str | None,
) -> str | None:
    parent = raw.get("parent")
    parent_element_id = raw.get("parentelementid")
    if parent_element_id not in (None, "", 0, False):
        if isinstance(parent_element_id, bool) or str(parent_element_id) not in element_ids:
            raise reader.fail(
                f"names parentelementid {_shorten(str(parent_element_id))}, "
                "which no earlier element of this standard has"
            )
        return element_ids[str(parent_element_id)]
    if parent is None or parent is False:
        return None
    if parent is True:
        if last_top_level is None:
            raise reader.fail("has parent: true, but no earlier top-level element to belong to")
        return last_top_level
    if isinstance(parent, str):
        wanted = _plain(parent, multiline=False)
        if not wanted:
            return None
        if not any(element.code == wanted for element in earlier):
            raise reader.fail(
                f"names parent '{_shorten(wanted)}', which is not an earlier element "
                "of this standard"
            )
        return wanted
    raise reader.fail("has a parent that is not true, false or an element's shortname")


def framework_to_matrix_json(framework: Framework) -> bytes:
    """The pack as UTF-8 JSON in the Mahara ``.matrix`` shape plus our top-level keys.

    ``parse_framework_pack`` reads these bytes back into an equal Framework (``builtin`` is not
    stored: it says where a pack came from, not what it is).
    """
    document: dict[str, Any] = {
        "pack_format": PACK_FORMAT,
        "id": framework.id,
        "short_name": framework.short_name,
        "publisher": framework.publisher,
        "year": framework.year,
        "version": framework.version,
        "source_url": framework.source_url,
        "licence_note": framework.licence_note,
        "attribution": framework.attribution,
        "codes_official": framework.codes_official,
        "unofficial_codes": list(framework.unofficial_codes),
        "text_kind": framework.text_kind,
        "notes": list(framework.notes),
        "statement_total": framework.statement_total,
        "statement_noun": framework.statement_noun,
        "partial_note": framework.partial_note,
        "listed_statements": framework.listed_statements,
        "framework": {
            "name": framework.name,
            "description": framework.description,
            "selfassess": False,
            "standards": [
                {
                    "shortname": standard.code,
                    "name": standard.name,
                    "description": standard.description,
                    "priority": number,
                    "element_total": standard.element_total,
                    "source": standard.source,
                    "standardelement": [
                        {
                            "shortname": element.code,
                            "name": element.name,
                            "description": element.description,
                            "priority": position,
                            "parent": element.parent if element.parent is not None else False,
                            "source": element.source,
                        }
                        for position, element in enumerate(standard.elements, start=1)
                    ],
                }
                for number, standard in enumerate(framework.standards, start=1)
            ],
        },
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@functools.cache
def _builtin_frameworks() -> tuple[Framework, ...]:
    frameworks: list[Framework] = []
    seen: dict[str, str] = {}
    for item in iter_resources(BUILTIN_FOLDER):
        if not item.name.endswith(".json"):
            continue
        framework = parse_framework_pack(item.read_bytes(), source_name=item.name, builtin=True)
        if item.name != f"{framework.id}.json":
            raise _fail(item.name, f"has the id '{framework.id}', which does not match its name")
        if framework.id in seen:
            raise _fail(item.name, f"repeats the id '{framework.id}' of {seen[framework.id]}")
        seen[framework.id] = item.name
        frameworks.append(framework)
    return tuple(frameworks)


def load_builtin_frameworks() -> list[Framework]:
    """Every framework pack bundled with the app, parsed once and cached, in file-name order."""
    return list(_builtin_frameworks())


def get_builtin_framework(framework_id: str) -> Framework | None:
    """The bundled framework with this id, or None."""
    return next((f for f in _builtin_frameworks() if f.id == framework_id), None)


#: Hook for tests and tools that must reload packs (e.g. after editing resources in place).
clear_cache: Callable[[], None] = _builtin_frameworks.cache_clear
