"""How much work checking one PDF may cost, and the cheap scan that enforces it up front.

Why: a PDF is a program for a parser. pyHanko parses in pure Python at roughly 20 µs per
cross-reference entry and about a millisecond per page object, and its change analysis walks
every form field of every revision; a 0.7 MB file with 3,800 fields and 50 empty updates kept
``verify`` busy for 279 s, and a 0.1 MB file whose compressed cross-reference streams inflate
to 8 million entries for 203 s (``bench/bench_hostile_verify.py``). The honest extreme is far
smaller: a 2,000-entry export is 1,919 pages, 5.5 MB, 8,010 objects, 2 revisions before any
countersignature, 5 form fields and about 2,100 link annotations.

So every file is held to limits set well above any export the app makes and far below what
costs real time, and a file over a limit is refused (``portfolio verify`` exit 3) with a
message naming the limit, before or instead of the expensive analysis:

* :func:`scan_structure` runs on the raw bytes at C speed (``bytes.find``/``count`` and
  anchored regular expressions) *before pyHanko parses anything*. It follows the
  cross-reference chain the way pyHanko's reader does (last ``startxref``, then ``/Prev`` and
  ``/XRefStm``) and counts revisions and cross-reference entries. A trailer or
  cross-reference stream dictionary written in a way no honest writer uses (``#`` escapes in
  names, an unterminated string, a key given twice) is refused too, because it could hide a
  ``/Prev`` from this scan but not from the parser.
* :func:`decode_limits` tightens pyHanko's stream-decoding limits (decompression bombs).
* The form and page walks (``form_inspection``) stop with :class:`WorkLimitError` when a
  page, annotation or field budget runs out.

What remains unbounded by counting (pure-Python parsing of huge direct objects inside the size
cap) is bounded by time: folder runs and the CLI check each file in a worker process with a
time limit (``isolation``).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pyhanko.pdf_utils.decode_limits import DecodeLimits

MiB = 1024 * 1024

MAX_PDF_BYTES = 32 * MiB
"""Largest file checked (the largest export measured, 2,000 entries, is 5.5 MB)."""
MAX_REVISIONS = 16
"""Cross-reference sections (the export makes 2; each countersignature adds 1 or 2). Every
object lookup walks the sections, so this multiplies the cost of everything else."""
MAX_XREF_ENTRIES = 100_000
"""Cross-reference entries over all revisions (2,000 entries make about 8,000)."""
MAX_PAGES = 5_000
"""Pages (2,000 entries make 1,919)."""
MAX_ANNOTATIONS = 10_000
"""Annotations over all pages of the student's signed revision (2,000 entries: ~2,100)."""
MAX_ANNOTATIONS_PER_PAGE = 1_000
"""Annotations on one page (a contents page of 2,000 entries has about 50 links)."""
MAX_FIELDS = 1_010
"""Form field nodes in one revision (the export makes a feedback box per entry for up to 1,000
entries, an overall one and at most 5 signature boxes). pyHanko's change analysis walks every
field of every revision: 1,000 fields over 16 revisions take a few seconds, 2,450 took 15."""
MAX_SIGNATURES = 32
"""Signatures (the export allows 5)."""
MAX_JSON_BYTES = 32 * MiB
"""Decoded ``portfolio.json`` (2,000 entries make 7 MB)."""
MAX_STREAM_BYTES = 48 * MiB
"""Decoded size of any one stream."""
MAX_SYNTAX_BYTES = 4 * MiB
"""PDF object syntax (everything but stream data) over all objects and revisions; pyHanko
parses about a megabyte a second (2,000 entries make 1.4 MB)."""
MAX_OBJECT_SYNTAX_BYTES = 512 * 1024
"""Syntax of one object (2,000 entries: at most 18 KB; but a PDF reader that fills a feedback
box with a Unicode font, as poppler does, embeds the whole font with a 0.26 MB width array)."""
OBJECT_STREAM_BYTES = MiB
"""Decoded size of one object stream (the app writes none)."""

LIMITS_HELP = f"""\
limits (a file over one is refused with exit 3, before the slow checks):
  size {MAX_PDF_BYTES // MiB} MiB; {MAX_PAGES:,} pages; {MAX_REVISIONS} revisions; \
{MAX_XREF_ENTRIES:,} cross-reference entries;
  {MAX_ANNOTATIONS:,} annotations ({MAX_ANNOTATIONS_PER_PAGE:,} on one page); {MAX_FIELDS} form \
fields; {MAX_SIGNATURES} signatures;
  portfolio.json {MAX_JSON_BYTES // MiB} MiB; any stream {MAX_STREAM_BYTES // MiB} MiB decoded; \
{MAX_SYNTAX_BYTES // MiB} MiB of object syntax
  ({MAX_OBJECT_SYNTAX_BYTES // 1024} KiB in one object).
  The largest export measured (2,000 entries, 1,919 pages) is 5.5 MB and well inside them.
"""


DEFAULT_SECONDS = 30.0
DEFAULT_MEMORY_BYTES = 1024 * MiB


@dataclass(frozen=True)
class VerifyLimits:
    """How each file is checked (see ``isolation``): in a worker process (``isolate``) that is
    stopped after ``seconds`` and may grow by ``memory_bytes`` (POSIX), ``workers`` at once
    (default: CPUs, at most 4)."""

    seconds: float = DEFAULT_SECONDS
    memory_bytes: int | None = DEFAULT_MEMORY_BYTES
    workers: int | None = None
    isolate: bool = True

    @classmethod
    def in_process(cls) -> VerifyLimits:
        """Check in the calling process (bounded work, but no time or memory limit)."""
        return cls(isolate=False)


class WorkLimitError(Exception):
    """A file needs more work than any portfolio the app makes; the message says which limit."""


def mib(size: int) -> str:
    """``12.3 MiB`` for messages."""
    return f"{size / MiB:.1f} MiB"


def decode_limits() -> DecodeLimits:
    """pyHanko's decoding limits, tightened to what a portfolio needs (bombs stop early)."""
    from pyhanko.pdf_utils.decode_limits import (
        DEFAULT_PURPOSE_LIMITS,
        DecodeLimits,
        DecodePurpose,
        DocumentDecodeBudget,
        StreamDecodeLimits,
    )

    return DecodeLimits(
        per_stream=StreamDecodeLimits(max_ratio=1100, max_output_size=MAX_STREAM_BYTES),
        per_purpose={
            **DEFAULT_PURPOSE_LIMITS,
            DecodePurpose.OBJECT_STREAM: StreamDecodeLimits(
                max_ratio=100, ratio_floor=MiB, max_output_size=OBJECT_STREAM_BYTES
            ),
            DecodePurpose.XREF_STREAM: StreamDecodeLimits(
                max_ratio=None, max_output_size=MAX_XREF_ENTRIES * 16
            ),
        },
        document_budget=DocumentDecodeBudget(base_allowance=128 * MiB, max_ratio=8),
    )


# ---- the structure scan ---------------------------------------------------------------------

_WHITESPACE = re.compile(rb"[ \t\r\n\f\x00]*")
_STARTXREF_AT_END = re.compile(rb"startxref\s*(\d{1,12})\s*%%EOF")
_OBJECT_DICT = re.compile(rb"(\d{1,10})\s+(\d{1,5})\s+obj\s*<<")
_STREAM_KEYWORD = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_STARTXREF_LINE = re.compile(rb"[\r\n]startxref\b")
_PREV = re.compile(rb"/Prev\b")
_NUMBER_AFTER = re.compile(rb"\s*(\d{1,12})\b")
_INDEX = re.compile(rb"/Index\s*\[([\d\s]*)\]")


def _number_for(key: bytes, text: bytes) -> tuple[int | None, str | None]:
    """The number after ``key`` (once at most); or a reason to refuse."""
    found = [m.end() for m in re.finditer(re.escape(key) + rb"(?![A-Za-z0-9])", text)]
    if len(found) > 1:
        return None, f"its cross-reference data names {key.decode()} twice"
    if not found:
        return None, None
    number = _NUMBER_AFTER.match(text, found[0])
    if number is None:
        return None, f"its cross-reference data gives {key.decode()} in an unusual form"
    return int(number.group(1)), None


_SPECIAL = re.compile(rb"[(<>%]")


def _literal_end(text: bytes, start: int) -> int:
    """Index just past the literal string opening at ``start`` (balanced parentheses, ``\\``
    escapes, as the parser reads it), or -1 when it never closes."""
    depth = 0
    index = start
    size = len(text)
    while index < size:
        char = text[index]
        if char == 0x5C:  # backslash: the next byte is escaped
            index += 2
            continue
        if char == 0x28:
            depth += 1
        elif char == 0x29:
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return -1


def _plain(text: bytes, *, comments: bool) -> tuple[bytes, str | None]:
    """``text`` with strings (and, if allowed, comments) blanked, or why it is refused.

    One left-to-right pass, the way the parser tokenises: literal strings (balanced
    parentheses with backslash escapes: poppler writes the trailer's ``/ID`` so) and hex
    strings (up to the first ``>``) are blanked, so a key hidden in one is hidden from both.
    An escaped name, a stray ``<`` or ``)`` or an unterminated string could make this scan and
    the parser disagree about the keys, so they are refused. ReportLab writes a comment line
    in its trailer; cross-reference streams never hold comments.
    """
    out = bytearray()
    index = 0
    size = len(text)
    while index < size:
        match = _SPECIAL.search(text, index)
        if match is None:
            out += text[index:]
            break
        at = match.start()
        out += text[index:at]
        token = text[at : at + 2]
        if token in (b"<<", b">>"):
            out += token
            index = at + 2
        elif token[:1] == b"(":
            end = _literal_end(text, at)
            if end < 0:
                return bytes(out), "a cross-reference dictionary holds an unterminated string"
            out += b" "
            index = end
        elif token[:1] == b"<":
            end = text.find(b">", at)
            if end < 0:
                return bytes(out), "a cross-reference dictionary holds an unreadable string"
            out += b" "
            index = end + 1
        elif token[:1] == b"%":
            if not comments:
                return bytes(out), "a cross-reference stream's dictionary holds a comment"
            line_end = re.compile(rb"[\r\n]").search(text, at)
            out += b" "
            index = line_end.start() if line_end else size
        else:  # a lone ">"
            return bytes(out), "a cross-reference dictionary holds an unreadable string"
    plain = bytes(out)
    if b"#" in plain:
        return plain, "a cross-reference dictionary uses escaped names"
    if b")" in plain:
        return plain, "a cross-reference dictionary holds an unreadable string"
    return plain, None


def _classic_section(data: bytes, pos: int) -> tuple[int, int | None, int | None, str | None]:
    """A classic table at ``pos`` (just after ``xref``): entries, /Prev, /XRefStm, refusal.

    pyHanko reads a table by its declared counts, 19 to 21 bytes per entry, and in strict mode
    every entry is ``A B n`` or ``A B f`` in its first 18 bytes; so the entries it can read
    before ``trailer`` are at most the `` n``/`` f`` pairs in between.
    """
    trailer_at = data.find(b"trailer", pos)
    if trailer_at < 0:
        return 0, None, None, None  # the parser fails on its own, quickly
    entries = data.count(b" n", pos, trailer_at) + data.count(b" f", pos, trailer_at)
    end = _STARTXREF_LINE.search(data, trailer_at)
    text = data[trailer_at + 7 : end.start() if end else trailer_at + 4096]
    if len(text) > 64 * 1024:
        return entries, None, None, "a trailer dictionary is implausibly long"
    text, refusal = _plain(text, comments=True)
    if refusal:
        return entries, None, None, refusal
    prev, refusal = _number_for(b"/Prev", text)
    if refusal:
        return entries, None, None, refusal
    xref_stm, refusal = _number_for(b"/XRefStm", text)
    return entries, prev, xref_stm, refusal


def _stream_section(data: bytes, pos: int) -> tuple[int, int | None, str | None]:
    """A cross-reference stream at ``pos``: entries (from /Index or /Size), /Prev, refusal."""
    header = _OBJECT_DICT.match(data, pos)
    if header is None:
        return 0, None, None  # not an object: the parser fails on its own
    end = _STREAM_KEYWORD.search(data, header.end(), header.end() + 64 * 1024)
    if end is None:
        return 0, None, "a cross-reference stream's dictionary cannot be read plainly"
    text, refusal = _plain(data[header.end() : end.start()], comments=False)
    if refusal:
        return 0, None, refusal
    size, refusal = _number_for(b"/Size", text)
    if refusal:
        return 0, None, refusal
    prev, refusal = _number_for(b"/Prev", text)
    if refusal:
        return 0, None, refusal
    indexes = _INDEX.findall(text)
    if len(indexes) > 1 or (not indexes and b"/Index" in text):
        return 0, None, "a cross-reference stream gives /Index in an unusual form"
    if indexes:
        numbers = [int(n) for n in indexes[0].split()]
        entries = sum(numbers[1::2])
    else:
        entries = size or 0
    return entries, prev, None


def scan_structure(data: bytes) -> str | None:
    """Why ``data`` is refused before parsing (``None``: within the limits).

    Follows the cross-reference chain as pyHanko's reader does. Files the parser would reject
    anyway (no ``startxref``, a broken chain) are left to it: that fails fast.
    """
    if len(data) > MAX_PDF_BYTES:
        return (
            f"The file is {mib(len(data))}; the limit is {MAX_PDF_BYTES // MiB} MiB (the "
            "largest portfolio export measured is 5.5 MB)."
        )
    tail = list(_STARTXREF_AT_END.finditer(data, max(0, len(data) - 1024)))
    if not tail:
        return None
    offset: int | None = int(tail[-1].group(1))
    seen: set[int] = set()
    revisions = 0
    entries = 0
    while offset is not None and offset not in seen and 0 <= offset < len(data):
        seen.add(offset)
        revisions += 1
        if revisions > MAX_REVISIONS:
            return (
                f"The file has more than {MAX_REVISIONS} revisions (incremental updates); a "
                "portfolio has a few."
            )
        pos = _WHITESPACE.match(data, offset).end()  # type: ignore[union-attr]  # always matches
        refusal: str | None
        if data.startswith(b"xref", pos):
            count, offset, xref_stm, refusal = _classic_section(data, pos + 4)
            entries += count
            if xref_stm is not None and not refusal and 0 <= xref_stm < len(data):
                extra, _prev, refusal = _stream_section(data, xref_stm)
                entries += extra
        elif data[pos : pos + 1].isdigit():
            count, offset, refusal = _stream_section(data, pos)
            entries += count
        else:
            return None
        if refusal:
            return f"The PDF's structure is not one this app writes: {refusal}."
        if entries > MAX_XREF_ENTRIES:
            return (
                f"The file lists more than {MAX_XREF_ENTRIES:,} objects; the largest portfolio "
                "export measured has about 8,000."
            )
    return None


_STREAM_START = re.compile(rb">>\s*stream(?:\r\n|\n)")


def check_object_syntax(reader: Any, data: bytes) -> None:
    """Raise :class:`WorkLimitError` when the objects hold more syntax than the limits allow.

    Runs after pyHanko has read the cross-reference sections (bounded by the scan) and before
    it parses any object. Each object's syntax is estimated from the byte offsets: from its
    offset to the next object or section, less its stream data (the last ``>> stream`` before
    an ``endstream`` starts the data). Each object stream counts as its full decode limit. A
    file made to fool the estimate still meets the worker's time limit. This reads pyHanko's
    cross-reference bookkeeping, which is internal API: if it changes, the check is skipped
    (the hostile-file tests then fail and say so).
    """
    try:
        xrefs = reader.xrefs
        revisions = range(xrefs.total_revisions)
        sections = [xrefs.get_xref_data(r) for r in revisions]
        offsets = {int(off) for s in sections for _gen, off in s.standard_xrefs.values()}
        bounds = {int(xrefs.get_xref_container_info(r).start_location) for r in revisions}
        object_streams = {n for s in sections for n in s.obj_streams_used}
    except (AttributeError, TypeError, ValueError):
        return
    total = len(object_streams) * OBJECT_STREAM_BYTES
    points = sorted(offsets | bounds | {len(data)})
    following = dict(itertools.pairwise(points))
    for offset in offsets:
        end = following.get(offset, len(data))
        size = end - offset
        if size > 1024:
            data_end = data.rfind(b"endstream", offset, end)
            if data_end >= 0:
                last = None
                for last in _STREAM_START.finditer(data, offset, data_end):  # noqa: B007
                    pass
                if last is not None:
                    size = last.start() - offset
        if size > MAX_OBJECT_SYNTAX_BYTES:
            raise WorkLimitError(
                f"one of its objects is {mib(size)} of PDF syntax (limit "
                f"{MAX_OBJECT_SYNTAX_BYTES // 1024} KiB)"
            )
        total += size
        if total > MAX_SYNTAX_BYTES:
            raise WorkLimitError(
                f"its objects hold more than {MAX_SYNTAX_BYTES // MiB} MiB of PDF syntax"
            )
