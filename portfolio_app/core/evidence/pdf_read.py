"""The evidence files inside a signed portfolio, checked against what ``portfolio.json`` says.

Read from the revision the student's certification signature covers (never from a later
update), so a file slipped in afterwards is not taken for evidence (pyHanko's change analysis
already fails such a file). For each embedded file: its name, size and SHA-256, and whether
``portfolio.json`` records exactly that. A recorded file that is missing or differs, or an
embedded file that is not recorded, is a problem: ``portfolio verify`` then fails the file
(an honest export can never produce either). Bounded like the rest of verification: at most
:data:`MAX_FILES` files of at most :data:`MAX_FILE_BYTES` each and :data:`MAX_TOTAL_BYTES`
decoded in all (our own bounded inflate, not the PDF library's), a bounded name-tree walk.
Never raises.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portfolio_app.core.evidence.files import MAX_EVIDENCE_BYTES, describe_size

MAX_FILES = 2_000
MAX_FILE_BYTES = MAX_EVIDENCE_BYTES + 1024 * 1024
#: All embedded files together, decoded (one stream named many times is counted each time):
#: an export embeds at most 24 MB.
MAX_TOTAL_BYTES = 32 * 1024 * 1024
_MAX_DEPTH = 8
PORTFOLIO_JSON = "portfolio.json"


@dataclass(frozen=True)
class EmbeddedFile:
    """One file embedded in the signed revision."""

    name: str
    size: int | None
    sha256: str | None
    recorded: bool
    matches: bool
    entry: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "entry": self.entry,
            "recorded_in_portfolio_json": self.recorded,
            "matches": self.matches,
        }

    def describe(self) -> str:
        """One line for people."""
        size = describe_size(self.size) if self.size is not None else "unreadable"
        verdict = "matches portfolio.json" if self.matches else "DOES NOT match portfolio.json"
        return f"{self.name} ({size}, SHA-256 {self.sha256 or '?'}): {verdict}"


@dataclass(frozen=True)
class EvidenceReport:
    """Every evidence file of a signed portfolio and what is wrong, if anything."""

    files: tuple[EmbeddedFile, ...] = ()
    problems: tuple[str, ...] = ()
    checked: bool = field(default=True)

    @property
    def ok(self) -> bool:
        """True when every recorded file is embedded unchanged and nothing else is."""
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "checked": self.checked,
            "ok": self.ok,
            "files": [f.to_dict() for f in self.files],
            "problems": list(self.problems),
        }

    def describe(self, *, with_problems: bool = True) -> list[str]:
        """Lines for people (empty when the file has no evidence and none is recorded);
        ``with_problems`` false when the problems are listed elsewhere (verify's report)."""
        if not self.checked:
            return []
        if not self.files and not self.problems:
            return []
        lines = [
            f"Evidence files: {len(self.files)} embedded"
            + (", all match portfolio.json" if self.ok else "")
        ]
        lines.extend(f"  {f.describe()}" for f in self.files)
        if with_problems:
            lines.extend(f"Problem: evidence: {p}" for p in self.problems)
        return lines


def _deref(obj: Any) -> Any:
    from pyhanko.pdf_utils import generic

    if isinstance(obj, generic.IndirectObject):
        target: Any = obj
        return target.get_object()
    return obj


def _name_tree(node: Any, depth: int, out: list[Any]) -> None:
    from pyhanko.pdf_utils import generic

    tree = _deref(node)
    if not isinstance(tree, generic.DictionaryObject) or depth > _MAX_DEPTH:
        return
    names = _deref(tree.get("/Names"))
    if isinstance(names, generic.ArrayObject):
        for value in list(names)[1 : 2 * MAX_FILES : 2]:
            spec = _deref(value)
            if isinstance(spec, generic.DictionaryObject):
                out.append(spec)
    kids = _deref(tree.get("/Kids"))
    if isinstance(kids, generic.ArrayObject):
        for kid in list(kids)[:MAX_FILES]:
            if len(out) >= MAX_FILES:
                return
            _name_tree(kid, depth + 1, out)


def _spec_name(spec: Any) -> str:
    for key in ("/UF", "/F"):
        value = spec.get(key)
        if isinstance(value, str):
            return "".join(ch if ch.isprintable() else "\ufffd" for ch in str(value))[:300]
        if isinstance(value, bytes):
            return value.decode("latin-1")[:300]
    return "(no name)"


def _spec_bytes(spec: Any) -> bytes | None:
    from pyhanko.pdf_utils import generic

    ef = _deref(spec.get("/EF"))
    if not isinstance(ef, generic.DictionaryObject):
        return None
    stream = _deref(ef.get("/UF", ef.get("/F")))
    if not isinstance(stream, generic.StreamObject):
        return None
    raw = stream.encoded_data
    if len(raw) > MAX_FILE_BYTES:
        return None
    filters = _deref(stream.get("/Filter"))
    if filters is None:
        return bytes(raw)
    if isinstance(filters, generic.ArrayObject) and len(filters) == 1:
        filters = _deref(filters[0])
    if filters != "/FlateDecode" or stream.get("/DecodeParms") is not None:
        return None  # the export only ever uses plain Flate; anything else is not ours
    # Decompressed here with a bound, not by the PDF library: a few KB can inflate to GBs.
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(bytes(raw), MAX_FILE_BYTES + 1)
    except zlib.error:
        return None
    if len(data) > MAX_FILE_BYTES or inflater.unconsumed_tail:
        return None
    return data


def recorded_evidence(document: Mapping[str, Any]) -> dict[str, tuple[str, int, str]]:
    """``{embedded name: (sha256, size, entry label)}`` from ``portfolio.json``'s entries."""
    labels = {}
    export = document.get("export")
    if isinstance(export, Mapping) and isinstance(export.get("entry_numbers"), Mapping):
        labels = dict(export["entry_numbers"])
    recorded: dict[str, tuple[str, int, str]] = {}
    entries = document.get("entries")
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, Mapping) or not isinstance(entry.get("attachments"), list):
            continue
        for item in entry["attachments"]:
            if not isinstance(item, Mapping) or not isinstance(item.get("embedded_as"), str):
                continue
            sha, size = item.get("sha256"), item.get("size")
            recorded[item["embedded_as"]] = (
                sha if isinstance(sha, str) else "",
                size if isinstance(size, int) else -1,
                str(labels.get(entry.get("id"), "")),
            )
    return recorded


def check_evidence(data: bytes, document: Mapping[str, Any] | None) -> EvidenceReport:
    """The evidence in ``data``'s certified revision against ``document`` (its portfolio.json).

    ``document`` None (no readable portfolio.json) reports nothing: verification already
    fails such a file for that reason. (Verification calls :func:`check_evidence_root` on the
    reader it already has; this opens the file again, for tests and tools.)
    """
    if document is None:
        return EvidenceReport(checked=False)
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        sigs = sorted(reader.embedded_signatures, key=lambda s: s.signed_revision)
        root = reader.get_historical_resolver(sigs[0].signed_revision).root if sigs else reader.root
    except (Exception, RecursionError):
        return EvidenceReport(problems=("the embedded files could not be read",))
    return check_evidence_root(root, document)


def check_evidence_root(root: Any, document: Mapping[str, Any]) -> EvidenceReport:
    """:func:`check_evidence` on a document catalog (the signed revision's). Never raises."""
    from pyhanko.pdf_utils import generic

    try:
        names = _deref(root.get("/Names"))
        specs: list[Any] = []
        if isinstance(names, generic.DictionaryObject):
            _name_tree(names.get("/EmbeddedFiles"), 0, specs)
    except (Exception, RecursionError):
        return EvidenceReport(problems=("the embedded files could not be read",))
    recorded = recorded_evidence(document)
    files: list[EmbeddedFile] = []
    problems: list[str] = []
    seen: set[str] = set()
    budget = MAX_TOTAL_BYTES
    for spec in specs:
        name = _spec_name(spec)
        if name == PORTFOLIO_JSON:
            continue
        if budget <= 0:
            problems.append("the embedded files come to more than any export embeds")
            break
        try:
            content = _spec_bytes(spec)
        except (Exception, RecursionError):
            content = None
        budget -= len(content) if content is not None else 0
        size = len(content) if content is not None else None
        sha = hashlib.sha256(content).hexdigest() if content is not None else None
        expected = recorded.get(name)
        matches = expected is not None and expected[0] == sha and expected[1] == size
        files.append(
            EmbeddedFile(
                name, size, sha, expected is not None, matches, expected[2] if expected else ""
            )
        )
        if name in seen:
            problems.append(f"'{name}' is embedded twice")
        seen.add(name)
        if expected is None:
            problems.append(f"'{name}' is embedded but portfolio.json does not record it")
        elif content is None:
            problems.append(f"'{name}' cannot be read (or is larger than any evidence file)")
        elif not matches:
            problems.append(f"'{name}' is not the file portfolio.json records (size or SHA-256)")
    for name in recorded:
        if name not in seen:
            problems.append(f"portfolio.json records '{name}', but it is not embedded")
    return EvidenceReport(tuple(files), tuple(problems))
