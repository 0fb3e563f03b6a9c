"""Evidence files embedded in the exported PDF, inside the revision the student signs.

Each selected attachment becomes an embedded file (``/EmbeddedFiles`` name tree, so every
reader's attachments panel lists it and ``pdfdetach`` extracts it) and a PDF 2.0 *associated
file* of the page that lists it under its entry (the page's ``/AF``), named ``E3-photo.jpg``
after the entry's number. This is written as an incremental update of the laid-out document
*before* the certification signature is made, so the signature's byte range covers every
embedded byte: changing, adding or removing a file afterwards breaks the signature (DocMDP
P=2 allows form filling and signing only). ``portfolio.json`` records each file's name, size
and SHA-256, and ``portfolio verify`` checks the embedded bytes against it
(``core.evidence.pdf_read``).
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: The PDF ``/AFRelationship`` of evidence: not a source or a rendition of the page, just a
#: file that belongs with it.
AF_RELATIONSHIP = "/Unspecified"


@dataclass(frozen=True)
class EvidenceItem:
    """One attachment as the export carries it (a copy of the vault's bytes)."""

    entry_id: str
    attachment_id: str
    name: str
    media_type: str
    size: int
    sha256: str
    added: datetime
    data: bytes = field(repr=False)
    embedded_as: str = ""
    show_inline: bool = False

    def to_json(self) -> dict[str, Any]:
        """What ``portfolio.json`` records of it."""
        return {
            "id": self.attachment_id,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
            "sha256": self.sha256,
            "added": self.added.isoformat(),
            "embedded_as": self.embedded_as,
            "shown_inline": self.show_inline,
        }


def embedded_names(labels: Mapping[str, str], items: Sequence[EvidenceItem]) -> list[str]:
    """``E3-name.pdf`` for each item (entry label first, so names sort by entry and never
    collide with ``portfolio.json``); a second file of the same name in an entry gets ``(2)``."""
    taken: set[str] = set()
    names = []
    for item in items:
        base = f"{labels.get(item.entry_id, 'E0')}-{item.name}"
        candidate, counter = base, 1
        while candidate.casefold() in taken:
            counter += 1
            stem, dot, ext = base.rpartition(".")
            candidate = f"{stem} ({counter}).{ext}" if dot else f"{base} ({counter})"
        taken.add(candidate.casefold())
        names.append(candidate)
    return names


def ascii_name(name: str) -> str:
    """The name for the legacy ``/F`` entry (PDFDocEncoding-safe ASCII)."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._() -]", "_", folded) or "evidence"


def embed_evidence(
    pdf: bytes,
    items: Sequence[EvidenceItem],
    pages: Mapping[str, int],
    *,
    descriptions: Mapping[str, str] | None = None,
) -> bytes:
    """``pdf`` with every item embedded (see the module docstring); ``pages`` maps an entry id
    to the page index that lists its evidence. Unchanged when there is nothing to embed."""
    if not items:
        return pdf
    from pyhanko.pdf_utils import embed, generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    root = writer.root
    names_entries: list[tuple[str, Any]] = []
    by_page: dict[int, list[Any]] = {}
    for position, item in enumerate(items):
        stream = embed.EmbeddedFileObject.from_file_data(
            writer,
            item.data,
            mime_type=item.media_type,
            params=embed.EmbeddedFileParams(creation_date=item.added, modification_date=item.added),
        )
        spec = embed.FileSpec(
            file_spec_string=ascii_name(item.embedded_as),
            file_name=item.embedded_as,
            embedded_data=stream,
            description=(descriptions or {}).get(item.attachment_id)
            or f"Evidence for {item.embedded_as.split('-', 1)[0]}",
            af_relationship=generic.pdf_name(AF_RELATIONSHIP),
        ).as_pdf_object()
        ref = writer.add_object(spec)
        # Keys sort by entry and position, and before "portfolio.json" (added when signing).
        names_entries.append((f"E{position:05d}", ref))
        page = pages.get(item.entry_id)
        if page is not None:
            by_page.setdefault(page, []).append(ref)
    names_array = generic.ArrayObject()
    for key, ref in sorted(names_entries, key=lambda pair: pair[0].encode("ascii")):
        names_array.append(generic.pdf_string(key))
        names_array.append(ref)
    pdf_dict: Any = generic.DictionaryObject  # pyHanko's constructors are untyped
    untyped: Any = writer
    tree = pdf_dict({generic.pdf_name("/Names"): writer.add_object(names_array)})
    if "/Names" in root:
        names_dict = root["/Names"]
        names_dict[generic.pdf_name("/EmbeddedFiles")] = writer.add_object(tree)
        writer.update_container(names_dict)
    else:
        root[generic.pdf_name("/Names")] = writer.add_object(
            pdf_dict({generic.pdf_name("/EmbeddedFiles"): writer.add_object(tree)})
        )
    untyped.update_root()
    for page_index, refs in sorted(by_page.items()):
        page_ref, _resources = untyped.find_page_for_modification(page_index)
        page = page_ref.get_object()
        page[generic.pdf_name("/AF")] = generic.ArrayObject(refs)
        writer.mark_update(page_ref)
    untyped.ensure_output_version(version=(2, 0))
    out = io.BytesIO()
    untyped.write(out)
    return bytes(out.getvalue())
