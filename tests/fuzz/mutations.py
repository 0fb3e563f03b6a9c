"""Mutations of signed portfolios for the verify fuzz suite, and the oracle that judges them.

Byte-level: bit flips (anywhere, and near structural keywords), overwritten runs, truncations
(anywhere, and around each revision's end), deleted and duplicated chunks, same-length splices
from another real export, another export's later revisions appended. Structure-aware, written
with pyHanko's public writer: a revision that rewrites an object unchanged (a duplicated
revision), objects swapped for others, a page's annotations dropped, a signature field's value
pointed elsewhere, and an update whose cross-reference offsets or ``/Prev`` are broken.

The oracle does not predict verdicts. It checks what must always hold: verification returns a
report (no exception, no hang), and a report saying the signatures are intact (exit 0, 2 or 4)
only lists signatures whose signed bytes are exactly bytes a real signer signed in one of the
seeds, with the decisions those signers made; structure-aware changes that alter what the
document says are never intact.
"""

from __future__ import annotations

import hashlib
import io
import os
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

STRUCTURAL = (
    b"xref", b"trailer", b"startxref", b" obj", b"endobj", b"stream", b"/ByteRange",
    b"/Contents", b"/Prev", b"/Size", b"/Root", b"/Annots", b"/Rect", b"/V ", b"/FT", b"/Kids",
    b"/Count", b"/Perms", b"/DocMDP", b"/Fields", b"/AcroForm", b"/Type", b"/Length", b"%%EOF",
)  # fmt: skip
VALID_CODES = {0, 2, 4}
LONG = os.environ.get("PORTFOLIO_FUZZ_LONG") == "1"
"""The long form (also used by the database fuzzing): thousands of cases instead of hundreds."""


@dataclass(frozen=True)
class Seeds:
    """The seed files (name -> bytes) and the CA certificate that makes them trusted."""

    files: dict[str, bytes]
    ca_pem: bytes


@dataclass(frozen=True)
class Mutant:
    """One mutated file: how it was made, and whether it must not verify as intact."""

    name: str
    data: bytes
    must_fail: bool = False


def signed_ranges(data: bytes) -> list[tuple[str, bytes, str | None]]:
    """For each signature: (field, SHA-256 of its signed bytes, decision entry or ``None``)."""
    reader = PdfFileReader(io.BytesIO(data), strict=True)
    out = []
    for sig in reader.embedded_signatures:
        start1, len1, start2, len2 = (int(x) for x in sig.sig_object.raw_get("/ByteRange"))
        digest = hashlib.sha256(
            data[start1 : start1 + len1] + data[start2 : start2 + len2]
        ).digest()
        decision = sig.sig_object.get("/PortfolioDecision")
        out.append((str(sig.field_name), digest, str(decision) if decision else None))
    return out


def genuine_signatures(seeds: Sequence[bytes]) -> dict[bytes, tuple[str, str | None]]:
    """Every (signed-bytes digest -> field, decision) that a real signer produced."""
    genuine: dict[bytes, tuple[str, str | None]] = {}
    for data in seeds:
        for field, digest, decision in signed_ranges(data):
            genuine[digest] = (field, decision)
    return genuine


def oracle(mutant: Mutant, report: Any, genuine: dict[bytes, tuple[str, str | None]]) -> str | None:
    """What is wrong with ``report`` for ``mutant`` (``None``: nothing)."""
    if report.exit_code not in VALID_CODES:
        return None
    if mutant.must_fail:
        return f"{mutant.name}: a change to what the document says verified as intact"
    try:
        found = signed_ranges(mutant.data)
    except Exception as exc:  # verify read it, so this reader must too
        return f"{mutant.name}: intact per verify, but its signatures cannot be listed ({exc})"
    if len(found) != len(report.signatures):
        return f"{mutant.name}: {len(report.signatures)} signatures reported, {len(found)} present"
    for check, (field, digest, _decision) in zip(report.signatures, found, strict=True):
        if digest not in genuine:
            return f"{mutant.name}: signature {check.index} ({field}) intact over changed bytes"
        real_field, real_decision = genuine[digest]
        if real_field != field:
            return f"{mutant.name}: signature {check.index} moved from {real_field} to {field}"
        if check.decision not in (None, real_decision):
            return f"{mutant.name}: decision {check.decision!r}, the signer wrote {real_decision!r}"
    return None


# ---- byte-level ---------------------------------------------------------------------------


def _positions_near_keywords(data: bytes) -> list[int]:
    positions = []
    for keyword in STRUCTURAL:
        positions.extend(m.start() for m in re.finditer(re.escape(keyword), data))
    return positions or [0]


def _revision_ends(data: bytes) -> list[int]:
    return [m.end() for m in re.finditer(rb"%%EOF\r?\n?", data)]


def flip_anywhere(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    pos = rng.randrange(len(data))
    out = bytearray(data)
    out[pos] ^= 1 << rng.randrange(8)
    return Mutant(f"flip@{pos}", bytes(out))


def flip_near_structure(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    pos = min(
        len(data) - 1, max(0, rng.choice(_positions_near_keywords(data)) + rng.randint(-8, 24))
    )
    out = bytearray(data)
    out[pos] ^= 1 << rng.randrange(8)
    return Mutant(f"flip-structure@{pos}", bytes(out))


def overwrite_run(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    pos = rng.choice(_positions_near_keywords(data))
    length = rng.randint(1, 12)
    alphabet = rng.choice([b"0123456789", b" \r\n\t", b"<>[]()/%", bytes(range(256))])
    run = bytes(rng.choice(alphabet) for _ in range(length))
    return Mutant(f"overwrite@{pos}+{length}", data[:pos] + run + data[pos + length :])


def renumber(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """Change one number (an offset, a length, a byte range, a count) by a little or a lot."""
    numbers = list(re.finditer(rb"\d+", data))
    match = rng.choice(numbers)
    value = int(match.group())
    new = rng.choice([value + 1, max(0, value - 1), value * 2, value + 1000, 0, 10**9])
    return Mutant(
        f"renumber@{match.start()}:{value}->{new}",
        data[: match.start()] + str(new).encode() + data[match.end() :],
    )


def truncate(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    if rng.random() < 0.5:
        cut = rng.randrange(1, len(data))
    else:
        cut = max(1, min(len(data), rng.choice(_revision_ends(data)) + rng.randint(-12, 3)))
    return Mutant(f"truncate@{cut}", data[:cut])


def delete_chunk(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    pos = rng.randrange(len(data))
    length = rng.randint(1, 64)
    return Mutant(f"delete@{pos}+{length}", data[:pos] + data[pos + length :])


def duplicate_chunk(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    pos = rng.randrange(len(data))
    length = rng.randint(1, 256)
    return Mutant(
        f"duplicate@{pos}+{length}",
        data[: pos + length] + data[pos : pos + length] + data[pos + length :],
    )


def splice_same_length(rng: random.Random, data: bytes, other: bytes) -> Mutant:
    """Bytes from another real export over the same length (offsets stay put)."""
    length = rng.randint(1, 512)
    pos = rng.randrange(max(1, len(data) - length))
    src = rng.randrange(max(1, len(other) - length))
    return Mutant(
        f"splice@{pos}<-{src}+{length}",
        data[:pos] + other[src : src + length] + data[pos + length :],
    )


def append_revisions(rng: random.Random, data: bytes, other: bytes) -> Mutant:
    """Another export's later revision(s) (a real countersignature) appended to this one."""
    ends = _revision_ends(other)
    start = rng.choice(ends[:-1]) if len(ends) > 1 else 0
    return Mutant(f"append-revisions-from@{start}", data + other[start:])


def cross_splice(rng: random.Random, data: bytes, other: bytes) -> Mutant:
    """This file up to a revision end, then the rest of another file from one of its ends."""
    mine = rng.choice(_revision_ends(data))
    theirs = rng.choice([0, *_revision_ends(other)])
    return Mutant(f"cross-splice@{mine}+{theirs}", data[:mine] + other[theirs:])


BYTE_MUTATORS: tuple[Callable[[random.Random, bytes, bytes], Mutant], ...] = (
    flip_anywhere,
    flip_near_structure,
    flip_near_structure,
    overwrite_run,
    renumber,
    truncate,
    delete_chunk,
    duplicate_chunk,
    splice_same_length,
    append_revisions,
    cross_splice,
)


# ---- structure-aware (pyHanko's public writer) --------------------------------------------


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    return IncrementalPdfFileWriter(io.BytesIO(data), strict=False)


def _write(writer: IncrementalPdfFileWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _refs(writer: IncrementalPdfFileWriter) -> dict[str, list[generic.Reference]]:
    """Some objects by kind: pages, annotations, content streams, fields."""
    found: dict[str, list[generic.Reference]] = {
        "page": [],
        "annot": [],
        "content": [],
        "field": [],
    }
    for page_ref in _page_refs(writer.root.raw_get("/Pages"), 0):
        found["page"].append(page_ref)
        page = page_ref.get_object()
        contents = page.raw_get("/Contents") if "/Contents" in page else None
        if isinstance(contents, generic.IndirectObject):
            found["content"].append(contents.reference)
        annots = page["/Annots"] if "/Annots" in page else None  # noqa: SIM401 (get() won't deref)
        if isinstance(annots, generic.ArrayObject):
            found["annot"].extend(
                a.reference
                for a in (annots.raw_get(i) for i in range(len(annots)))
                if isinstance(a, generic.IndirectObject)
            )
    if "/AcroForm" in writer.root:
        fields = writer.root["/AcroForm"]["/Fields"]
        found["field"].extend(
            f.reference
            for f in (fields.raw_get(i) for i in range(len(fields)))
            if isinstance(f, generic.IndirectObject)
        )
    return found


def _page_refs(node: Any, depth: int) -> list[generic.Reference]:
    if depth > 10 or not isinstance(node, generic.IndirectObject):
        return []
    obj = node.get_object()
    if "/Kids" not in obj:
        return [node.reference]
    out = []
    for kid in (obj["/Kids"].raw_get(i) for i in range(len(obj["/Kids"]))):
        out.extend(_page_refs(kid, depth + 1))
    return out


def duplicate_revision(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """A revision that rewrites an existing object exactly as it was."""
    writer = _writer(data)
    refs = _refs(writer)
    kind = rng.choice([k for k, v in refs.items() if v] or ["page"])
    ref = rng.choice(refs[kind]) if refs[kind] else writer.root_ref
    writer.mark_update(ref)
    return Mutant(f"duplicate-revision:{kind}", _write(writer))


def swap_objects(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """Object A's content replaced by object B's (two pages, annotations, contents, fields)."""
    writer = _writer(data)
    refs = _refs(writer)
    kinds = [k for k, v in refs.items() if len({r.idnum for r in v}) > 1]
    kind = rng.choice(kinds)
    a, b = rng.sample(refs[kind], 2)
    value_a, value_b = a.get_object(), b.get_object()
    writer.objects[(a.generation, a.idnum)] = value_b
    writer.objects[(b.generation, b.idnum)] = value_a
    return Mutant(f"swap:{kind}:{a.idnum}<->{b.idnum}", _write(writer), must_fail=True)


def drop_annotations(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """A page's annotation list emptied (the signature boxes and links go)."""
    writer = _writer(data)
    pages = [p for p in _refs(writer)["page"] if "/Annots" in p.get_object()]
    page_ref = rng.choice(pages)
    page = page_ref.get_object()
    page["/Annots"] = generic.ArrayObject()
    writer.mark_update(page_ref)
    return Mutant(f"drop-annotations:{page_ref.idnum}", _write(writer), must_fail=True)


def repoint_field_value(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """A signature field's /V pointed at another field's signature (or removed)."""
    writer = _writer(data)
    fields = [f for f in _refs(writer)["field"] if "/V" in f.get_object()]
    if not fields:
        return Mutant("repoint-field:none", data)
    target_ref = rng.choice(fields)
    target = target_ref.get_object()
    others = [f for f in fields if f != target_ref]
    if others and rng.random() < 0.7:
        target["/V"] = rng.choice(others).get_object().raw_get("/V")
        name = "repoint-field"
    else:
        del target["/V"]
        name = "unsign-field"
    writer.mark_update(target_ref)
    return Mutant(f"{name}:{target_ref.idnum}", _write(writer), must_fail=True)


def broken_xref(rng: random.Random, data: bytes, _other: bytes) -> Mutant:
    """A harmless update whose new cross-reference section is then broken."""
    writer = _writer(data)
    writer.mark_update(writer.root_ref)
    out = _write(writer)
    tail = len(data)
    section = out.rfind(b"xref", tail)
    choice = rng.randrange(3)
    if choice == 0 and section >= 0:  # shift an offset in the new table
        entry = re.search(rb"(\d{10}) (\d{5}) n", out[section:])
        if entry:
            start = section + entry.start(1)
            shifted = int(entry.group(1)) + rng.choice([-7, -1, 1, 3, 50])
            out = out[:start] + b"%010d" % max(0, shifted) + out[start + 10 :]
        return Mutant("broken-xref:offset", out)
    if choice == 1:  # /Prev pointing elsewhere
        prev = list(re.finditer(rb"/Prev (\d+)", out))[-1]
        wrong = rng.choice([0, int(prev.group(1)) + 1, len(data) // 2, len(out) + 10])
        out = out[: prev.start(1)] + str(wrong).encode() + out[prev.end(1) :]
        return Mutant("broken-xref:prev", out)
    startxref = out.rfind(b"startxref")  # startxref pointing into the middle of an object
    number = re.search(rb"\d+", out[startxref:])
    assert number is not None
    wrong = rng.randrange(len(out))
    out = out[: startxref + number.start()] + str(wrong).encode() + out[startxref + number.end() :]
    return Mutant("broken-xref:startxref", out)


STRUCTURE_MUTATORS: tuple[Callable[[random.Random, bytes, bytes], Mutant], ...] = (
    duplicate_revision,
    swap_objects,
    drop_annotations,
    repoint_field_value,
    broken_xref,
)


def mutants(
    seeds: dict[str, bytes], count: int, *, seed: int, structure_share: float = 0.25
) -> list[Mutant]:
    """``count`` mutants of the seeds, reproducible from ``seed``."""
    rng = random.Random(seed)
    names = sorted(seeds)
    out = []
    while len(out) < count:
        name = rng.choice(names)
        data, other = seeds[name], seeds[rng.choice(names)]
        pool = STRUCTURE_MUTATORS if rng.random() < structure_share else BYTE_MUTATORS
        mutator = rng.choice(pool)
        try:
            mutant = mutator(rng, data, other)
        except Exception:  # the mutator itself could not apply here; pick another
            continue
        if rng.random() < 0.15:  # stack a second byte mutation now and then (it may undo a
            # structural change, e.g. by truncating it away: then only the general oracle holds)
            try:
                second = rng.choice(BYTE_MUTATORS)(rng, mutant.data, other)
            except (IndexError, ValueError):  # e.g. nothing left to truncate at
                second = None
            if second is not None:
                mutant = Mutant(f"{mutant.name}+{second.name}", second.data)
        out.append(Mutant(f"{name}:{mutant.name}", mutant.data, mutant.must_fail))
    return out
