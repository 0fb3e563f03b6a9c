"""Hostile PDFs for ``verify``: files built to make checking them slow or memory-hungry.

Each builder returns the bytes of one file. ``scale`` (0 < scale <= 1) shrinks the file for
quick tests; at ``scale=1`` each file is in the 1-25 MB range of issue 8's "one 25 MB PDF keeps
verify busy for 203 s". Two kinds of attack:

* **In the certified revision** (the student is the attacker and signs whatever they like):
  shared annotation arrays on thousands of pages, tens of thousands of form fields, a huge
  ``portfolio.json``, a page tree with a million leaves, deep nesting, long object streams.
* **Appended after an honest export** (anyone can append an unsigned incremental update):
  hundreds of revisions, huge cross-reference tables or streams, decompression bombs,
  hundreds of revisions that each rewrite thousands of objects.

Raw PDF syntax is written by hand here because no well-behaved writer produces these files.
"""

from __future__ import annotations

import contextlib
import json
import re
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from portfolio_app.core.signing import pdf_signing
from portfolio_app.core.signing.identity import Identity, create_identity
from portfolio_app.core.signing.roles import Role

STUDENT_NAME = "Hostile Student"
STUDENT_ID = "STU-666"
STUDENT_BOX = (1, 40.0, 40.0, 330.0, 130.0)
TUTOR_BOX = (1, 40.0, 150.0, 330.0, 300.0)


# ---- raw PDF writing -----------------------------------------------------------------------


def raw_pdf(objects: dict[int, bytes], root: int, *, size: int | None = None) -> bytes:
    """A complete PDF with a classic xref table over ``objects`` (number -> body)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    top = max(objects) + 1
    xref_at = len(out)
    out += b"xref\n0 %d\n" % top
    out += b"0000000000 65535 f \n"
    for number in range(1, top):
        if number in offsets:
            out += b"%010d 00000 n \n" % offsets[number]
        else:
            out += b"0000000000 00000 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        size or top,
        root,
        xref_at,
    )
    return bytes(out)


def _last_startxref(data: bytes) -> int:
    return int(data[data.rindex(b"startxref") + 9 :].split()[0])


def _trailer_value(data: bytes, key: bytes) -> bytes:
    found = re.findall(rb"/" + key + rb"\s+(\d+(?:\s+\d+\s+R)?)", data[-200_000:])
    return found[-1]


def append_update(
    base: bytes, objects: dict[int, bytes], *, size: int | None = None, xref_stream: bool = False
) -> bytes:
    """``base`` plus an incremental update that (re)defines ``objects``."""
    out = bytearray(base)
    if not out.endswith(b"\n"):
        out += b"\n"
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    prev = _last_startxref(base)
    old_size = int(_trailer_value(base, b"Size"))
    new_size = size or max([old_size, *(n + 1 for n in objects)])
    root = _trailer_value(base, b"Root")
    xref_at = len(out)
    if xref_stream:
        number = new_size
        offsets[number] = xref_at
        body = b"".join(
            b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00"
            for _, offset in sorted(offsets.items())
        )
        index = b" ".join(b"%d 1" % n for n in sorted(offsets))
        packed = zlib.compress(body)
        out += (
            b"%d 0 obj\n<< /Type /XRef /Size %d /Root %s /Prev %d /W [1 4 2] /Index [%s] "
            b"/Filter /FlateDecode /Length %d >>\nstream\n"
            % (number, number + 1, root, prev, index, len(packed))
        )
        out += packed + b"\nendstream\nendobj\n"
    else:
        out += b"xref\n"
        for number, offset in sorted(offsets.items()):
            out += b"%d 1\n%010d 00000 n \n" % (number, offset)
        out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\n" % (new_size, root, prev)
    out += b"startxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


# ---- signing a hostile base as the student ------------------------------------------------


@contextlib.contextmanager
def _no_self_check() -> Iterator[None]:
    """The app re-verifies what it signs and refuses exports over the limits; an attacker's
    tools do neither (and that check would spend the very time these files are built to
    waste)."""
    names = ("_check_result", "MAX_PAGES", "MAX_PDF_BYTES", "MAX_JSON_BYTES")
    saved = {name: getattr(pdf_signing, name) for name in names}
    pdf_signing._check_result = lambda *_a, **_k: None
    pdf_signing.MAX_PAGES = pdf_signing.MAX_PDF_BYTES = pdf_signing.MAX_JSON_BYTES = 10**12
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(pdf_signing, name, value)


_IDENTITY: list[Identity] = []


def student_identity() -> Identity:
    """A self-signed student identity (made once per process)."""
    if not _IDENTITY:
        _IDENTITY.append(create_identity(STUDENT_NAME, STUDENT_ID))
    return _IDENTITY[0]


def portfolio_json(extra: dict[str, object] | None = None) -> bytes:
    """The minimum the verifier reads, plus ``extra`` members."""
    document: dict[str, object] = {
        "format": "reflective-portfolio",
        "profile": {"name": STUDENT_NAME, "student_id": STUDENT_ID},
    }
    document.update(extra or {})
    return json.dumps(document).encode()


def certify(pdf: bytes, *, embed_json: bytes | None = None) -> bytes:
    """Certify ``pdf`` as the student, with a tutor box, as the export does."""
    with _no_self_check():
        return pdf_signing.sign_portfolio(
            pdf,
            student_identity(),
            reason="Author",
            visible_box=STUDENT_BOX,
            staff_boxes={Role.TUTOR: TUTOR_BOX},
            embed_json=embed_json if embed_json is not None else portfolio_json(),
        )


def honest_signed() -> bytes:
    """A two-page certified portfolio with nothing hostile in it."""
    return certify(raw_pdf(_pages_objects(2), 1))


def _pages_objects(count: int, page_extra: bytes = b"") -> dict[int, bytes]:
    """Catalog 1, page tree 2, content 3, pages from 10 (each its own object)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Length 0 >>\nstream\n\nendstream",
    }
    kids = b" ".join(b"%d 0 R" % (10 + i) for i in range(count))
    objects[2] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, kids)
    for i in range(count):
        objects[10 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R %s>>"
            % page_extra
        )
    return objects


# ---- attacks in the certified revision ------------------------------------------------------


def shared_annotations(scale: float = 1.0) -> bytes:
    """Thousands of pages that all share one /Annots array of thousands of annotations:
    a small file whose page-by-page annotation walk is pages x annotations long."""
    pages = max(3, int(19_000 * scale))
    annots = max(2, int(4_900 * scale))
    first_annot = 10 + pages + 10
    objects = _pages_objects(pages, b"/Annots 4 0 R ")
    objects[4] = b"[%s]" % b" ".join(b"%d 0 R" % (first_annot + i) for i in range(annots))
    for i in range(annots):
        objects[first_annot + i] = b"<< /Type /Annot /Subtype /Link /Rect [0 0 1 1] /F 2 >>"
    return certify(raw_pdf(objects, 1))


def many_fields(scale: float = 1.0) -> bytes:
    """A form with about twenty thousand text fields (each its own widget on page 1)."""
    count = max(2, int(19_000 * scale))
    objects = _pages_objects(2)
    first = 100
    refs = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] >> >>" % refs
    objects[11] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Annots [%s] >>"
        % refs
    )
    for i in range(count):
        objects[first + i] = (
            b"<< /FT /Tx /T (f%d) /Type /Annot /Subtype /Widget /Rect [400 700 401 701] "
            b"/P 11 0 R >>" % i
        )
    return certify(raw_pdf(objects, 1))


def million_pages(scale: float = 1.0) -> bytes:
    """A page tree that claims a million leaves by repeating one page reference."""
    leaves = max(10, int(1_000_000 * scale))
    per_node = 1000
    objects = _pages_objects(2)
    nodes = []
    number = 100
    remaining = leaves
    while remaining > 0:
        n = min(per_node, remaining)
        objects[number] = b"<< /Type /Pages /Parent 2 0 R /Count %d /Kids [%s] >>" % (
            n,
            b" ".join([b"10 0 R"] * n),
        )
        nodes.append(number)
        number += 1
        remaining -= n
    kids = b" ".join(b"%d 0 R" % n for n in nodes)
    objects[2] = b"<< /Type /Pages /Count %d /Kids [10 0 R 11 0 R %s] >>" % (leaves + 2, kids)
    return certify(raw_pdf(objects, 1))


def deep_nesting(scale: float = 1.0) -> bytes:
    """Hundreds of objects each nested just under Python's recursion limit, on a page."""
    depth = 300
    count = max(2, int(2_000 * scale))
    objects = _pages_objects(2)
    first = 100
    for i in range(count):
        objects[first + i] = b"[" * depth + b"1" + b"]" * depth
    refs = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects[11] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
        b"/Annots [%s] >>" % refs
    )
    return certify(raw_pdf(objects, 1))


def huge_json(scale: float = 1.0) -> bytes:
    """A portfolio.json of tens of megabytes (compressed well, so the file stays small)."""
    entries = max(10, int(300_000 * scale))
    extra = {"entries": [{"id": f"e{i}", "title": "x" * 150} for i in range(entries)]}
    return certify(raw_pdf(_pages_objects(2), 1), embed_json=portfolio_json(extra))


# ---- attacks appended after an honest export -----------------------------------------------


def many_revisions(base: bytes, scale: float = 1.0) -> bytes:
    """Hundreds of incremental updates, each rewriting objects of the signed revision unchanged
    (pyHanko's change analysis has to compare each one) plus thousands of new small objects."""
    revisions = max(2, int(250 * scale))
    per_revision = max(2, int(2_000 * scale))
    size = int(_trailer_value(base, b"Size"))
    data = base
    unchanged = {n: last_definition(base, n) for n in (1, 2, 10, 11)}
    for r in range(revisions):
        first = size + r * per_revision
        objects = {first + i: b"<< /Junk %d >>" % i for i in range(per_revision)}
        objects.update(unchanged)
        data = append_update(data, objects)
    return data


def last_definition(data: bytes, number: int) -> bytes:
    """The body of the last ``number 0 obj`` in ``data`` (uncompressed objects only)."""
    start = data.rindex(b"\n%d 0 obj" % number) + len(b"\n%d 0 obj" % number)
    end = data.index(b"endobj", start)
    return data[start:end].strip()


def fields_then_revisions(scale: float = 1.0) -> bytes:
    """Twenty thousand fields certified, then hundreds of empty updates: every revision's form
    is walked again."""
    data = many_fields(scale)
    size = int(_trailer_value(data, b"Size"))
    for r in range(max(2, int(250 * scale))):
        data = append_update(data, {size + r: b"<< /Junk 1 >>"})
    return data


def huge_xref_table(base: bytes, scale: float = 1.0) -> bytes:
    """One update whose classic xref table lists a million entries."""
    entries = max(10, int(1_200_000 * scale))
    size = int(_trailer_value(base, b"Size"))
    out = bytearray(base)
    offset = len(out)
    out += b"%d 0 obj\n<< /Junk 1 >>\nendobj\n" % size
    xref_at = len(out)
    out += b"xref\n%d %d\n" % (size, entries)
    out += b"%010d 00000 n \n" % offset * entries
    out += b"trailer\n<< /Size %d /Root %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (
        size + entries,
        _trailer_value(base, b"Root"),
        _last_startxref(base),
        xref_at,
    )
    return bytes(out)


def xref_stream_bomb(base: bytes, scale: float = 1.0) -> bytes:
    """Updates whose compressed xref streams each expand to tens of millions of entries."""
    streams = max(1, int(20 * scale))
    entries = max(10, int(10_000_000 * scale))
    data = base
    for _ in range(streams):
        size = int(_trailer_value(data, b"Size"))
        number = size
        body = zlib.compress(b"\x00" * (6 * entries), 9)
        out = bytearray(data)
        xref_at = len(out)
        out += (
            b"%d 0 obj\n<< /Type /XRef /Size %d /Root %s /Prev %d /W [0 4 2] /Index [%d %d] "
            b"/Filter /FlateDecode /Length %d >>\nstream\n"
            % (
                number,
                number + 1 + entries,
                _trailer_value(data, b"Root"),
                _last_startxref(data),
                number + 1,
                entries,
                len(body),
            )
        )
        out += body + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
        data = bytes(out)
    return data


def object_stream_bomb(base: bytes, scale: float = 1.0) -> bytes:
    """An object stream claiming millions of objects, all listed in the update's xref stream."""
    count = max(10, int(2_000_000 * scale))
    size = int(_trailer_value(base, b"Size"))
    stream = size
    header = b" ".join(b"%d 0" % (size + 1 + i) for i in range(count))
    body = header + b" " + b"null " * count
    packed = zlib.compress(body, 9)
    out = bytearray(base)
    offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream, count, len(header) + 1, len(packed))
    )
    out += packed + b"\nendstream\nendobj\n"
    xref_number = size + 1 + count
    xref_at = len(out)
    rows = b"\x01" + offset.to_bytes(4, "big") + b"\x00\x00\x00\x00"
    prefix = b"\x02" + stream.to_bytes(4, "big")
    rows += b"".join(prefix + i.to_bytes(4, "big") for i in range(count))
    rows += b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00\x00\x00"
    packed_rows = zlib.compress(rows, 9)
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /Root %s /Prev %d /W [1 4 4] /Index [%d %d] "
        b"/Filter /FlateDecode /Length %d >>\nstream\n"
        % (
            xref_number,
            xref_number + 1,
            _trailer_value(base, b"Root"),
            _last_startxref(base),
            stream,
            count + 2,
            len(packed_rows),
        )
    )
    out += packed_rows + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def flate_bomb_update(base: bytes, scale: float = 1.0) -> bytes:
    """A new portfolio.json-like embedded file that inflates to hundreds of megabytes."""
    inflated = max(1024, int(1024 * 1024 * 1024 * scale))
    packed = zlib.compress(b"\x00" * inflated, 9)
    size = int(_trailer_value(base, b"Size"))
    objects = {
        size: b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream",
    }
    return append_update(base, objects)


# ---- just inside every limit: the worst work a file can still cause -------------------------


def _updates(data: bytes, count: int) -> bytes:
    """``count`` allowed (unsigned) updates, each adding one new object."""
    size = int(_trailer_value(data, b"Size"))
    for r in range(count):
        data = append_update(data, {size + r: b"<< /Junk %d >>" % r})
    return data


def pages_at_limit(scale: float = 1.0) -> bytes:
    """4,990 pages with 2 link annotations each, then updates up to the revision limit."""
    pages = max(3, int(4_990 * scale))
    objects = _pages_objects(pages)
    first = 10 + pages + 10
    for i in range(pages):
        refs = b" ".join(b"%d 0 R" % (first + 2 * i + k) for k in range(2))
        objects[10 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
            b"/Annots [%s] >>" % refs
        )
        for k in range(2):
            objects[first + 2 * i + k] = (
                b"<< /Type /Annot /Subtype /Link /Rect [%d 10 %d 20] /Border [0 0 0] >>"
                % (100 * k, 100 * k + 50)
            )
    return _updates(certify(raw_pdf(objects, 1)), max(1, int(13 * scale)))


def fields_at_limit(scale: float = 1.0) -> bytes:
    """990 fields (under the 1,010 limit and the 1,000 annotations a page may hold), then
    updates up to the revision limit."""
    count = max(2, int(990 * scale))
    objects = _pages_objects(2)
    first = 100
    refs = b" ".join(b"%d 0 R" % (first + i) for i in range(count))
    objects[1] = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [%s] >> >>" % refs
    objects[10] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Annots [%s] >>"
        % refs
    )
    for i in range(count):
        objects[first + i] = (
            b"<< /FT /Tx /T (f%d) /Type /Annot /Subtype /Widget /Rect [400 700 401 701] "
            b"/P 10 0 R >>" % i
        )
    return _updates(certify(raw_pdf(objects, 1)), max(1, int(13 * scale)))


def xref_at_limit(base: bytes, scale: float = 1.0) -> bytes:
    """An update listing 95,000 objects that all exist (each a small dictionary)."""
    count = max(10, int(95_000 * scale))
    size = int(_trailer_value(base, b"Size"))
    return append_update(base, {size + i: b"<< /N %d >>" % i for i in range(count)})


def huge_object(scale: float = 1.0) -> bytes:
    """A page carrying one direct array of millions of numbers (about 30 MB of syntax)."""
    numbers = max(10, int(15_000_000 * scale))
    objects = _pages_objects(2)
    objects[10] = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Junk [%s] >>"
        % (b"0 " * numbers)
    )
    return certify(raw_pdf(objects, 1))


def syntax_at_limit(scale: float = 1.0) -> bytes:
    """Pages each carrying a direct array just under the per-object syntax limit, up to the
    total syntax limit: the most parsing a file can ask for inside the limits."""
    pages = max(3, int(16 * scale))
    objects = _pages_objects(pages)
    for i in range(pages):
        if i == 1:
            continue  # the box page: signing rewrites it
        objects[10 + i] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R /Junk [%s] >>"
            % (b"0 " * 120_000)
        )
    return certify(raw_pdf(objects, 1))


def json_at_limit(scale: float = 1.0) -> bytes:
    """A portfolio.json just under the 32 MiB limit."""
    entries = max(10, int(150_000 * scale))
    extra = {"entries": [{"id": f"e{i}", "title": "x" * 150} for i in range(entries)]}
    return certify(raw_pdf(_pages_objects(2), 1), embed_json=portfolio_json(extra))


@dataclass(frozen=True)
class HostileCase:
    """One hostile file: how to build it (from an honest signed file where it needs one)."""

    name: str
    build: Callable[[bytes, float], bytes]
    what: str


CASES: tuple[HostileCase, ...] = (
    HostileCase("shared-annotations", lambda _b, s: shared_annotations(s), "pages x shared annots"),
    HostileCase("many-fields", lambda _b, s: many_fields(s), "~20k form fields"),
    HostileCase("million-pages", lambda _b, s: million_pages(s), "page tree of 1M leaves"),
    HostileCase("deep-nesting", lambda _b, s: deep_nesting(s), "objects nested 800 deep"),
    HostileCase("huge-json", lambda _b, s: huge_json(s), "tens of MB of portfolio.json"),
    HostileCase(
        "fields-then-revisions", lambda _b, s: fields_then_revisions(s), "20k fields, 250 updates"
    ),
    HostileCase("many-revisions", many_revisions, "250 updates x 2000 objects"),
    HostileCase("huge-xref-table", huge_xref_table, "1.2M classic xref entries"),
    HostileCase("xref-stream-bomb", xref_stream_bomb, "xref streams inflating to 70 MB"),
    HostileCase("object-stream-bomb", object_stream_bomb, "object stream of 2M objects"),
    HostileCase("flate-bomb", flate_bomb_update, "stream inflating to 1 GiB"),
)

AT_LIMITS: tuple[HostileCase, ...] = (
    HostileCase("pages-at-limit", lambda _b, s: pages_at_limit(s), "4,990 pages x 2 annots"),
    HostileCase("fields-at-limit", lambda _b, s: fields_at_limit(s), "990 fields, 14 updates"),
    HostileCase("xref-at-limit", xref_at_limit, "95,000 objects in one update"),
    HostileCase("huge-object", lambda _b, s: huge_object(s), "one array of 15M numbers"),
    HostileCase("syntax-at-limit", lambda _b, s: syntax_at_limit(s), "15 x 240 KB of syntax"),
    HostileCase("json-at-limit", lambda _b, s: json_at_limit(s), "portfolio.json of ~31 MiB"),
)
