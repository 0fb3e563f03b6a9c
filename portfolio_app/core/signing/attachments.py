"""The machine-readable ``portfolio.json`` carried inside the signed PDF.

It is attached as a PDF 2.0 / PDF/A-3 *associated file* (``/AFRelationship /Data``) in the
same revision as the student's certification signature, so it lies inside the signed byte
range: an assessor's script can trust it exactly as far as it trusts the signature. Reading
it back takes it from the revision the student signed, not from whatever a later update may
have appended.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from portfolio_app.core.signing.limits import MAX_JSON_BYTES, MiB, WorkLimitError, mib

PORTFOLIO_JSON_NAME = "portfolio.json"
PORTFOLIO_JSON_MIME = "application/json"
_MAX_NAME_TREE_DEPTH = 8
_MAX_NAME_TREE_ENTRIES = 10_000


def embed_portfolio_json(
    writer: BasePdfFileWriter, data: bytes, *, now: dt.datetime | None = None
) -> None:
    """Attach ``data`` as ``portfolio.json`` (must happen before signing to be covered)."""
    stamp = now or dt.datetime.now(dt.UTC)
    stream = embed.EmbeddedFileObject.from_file_data(
        writer,
        data,
        mime_type=PORTFOLIO_JSON_MIME,
        params=embed.EmbeddedFileParams(creation_date=stamp, modification_date=stamp),
    )
    embed.embed_file(
        writer,
        embed.FileSpec(
            file_spec_string=PORTFOLIO_JSON_NAME,
            file_name=PORTFOLIO_JSON_NAME,
            embedded_data=stream,
            description="Machine-readable portfolio, covered by the student's signature",
            af_relationship=generic.pdf_name("/Data"),
        ),
    )


def _deref(obj: Any) -> Any:
    """Follow an indirect reference (pyHanko's ``get_object`` is untyped)."""
    if isinstance(obj, generic.IndirectObject):
        target: Any = obj
        return target.get_object()
    return obj


def _as_dict(obj: Any) -> generic.DictionaryObject | None:
    value = _deref(obj)
    return value if isinstance(value, generic.DictionaryObject) else None


def _as_array(obj: Any) -> generic.ArrayObject | None:
    value = _deref(obj)
    return value if isinstance(value, generic.ArrayObject) else None


def _file_name(spec: generic.DictionaryObject) -> str | None:
    for key in ("/UF", "/F"):
        value = spec.get(key)
        if isinstance(value, str):  # pyHanko's TextStringObject is a str
            return str(value)
        if isinstance(value, bytes):
            return value.decode("latin-1")
    return None


def _spec_data(spec: generic.DictionaryObject) -> bytes | None:
    ef = _as_dict(spec.get("/EF"))
    if ef is None:
        return None
    stream = _deref(ef.get("/UF", ef.get("/F")))
    if not isinstance(stream, generic.StreamObject):
        return None
    data: bytes = stream.data
    if len(data) > MAX_JSON_BYTES:
        raise WorkLimitError(
            f"its portfolio.json is {mib(len(data))} (limit {MAX_JSON_BYTES // MiB} MiB)"
        )
    return data


def _name_tree_specs(node: Any, depth: int = 0) -> list[generic.DictionaryObject]:
    """Values of a (possibly nested) name tree, bounded in depth and size against loops."""
    tree = _as_dict(node)
    if tree is None or depth > _MAX_NAME_TREE_DEPTH:
        return []
    found: list[generic.DictionaryObject] = []
    names = _as_array(tree.get("/Names"))
    if names is not None:
        for value in list(names)[1:_MAX_NAME_TREE_ENTRIES:2]:
            spec = _as_dict(value)
            if spec is not None:
                found.append(spec)
    kids = _as_array(tree.get("/Kids"))
    if kids is not None:
        for kid in list(kids)[:_MAX_NAME_TREE_ENTRIES]:
            found.extend(_name_tree_specs(kid, depth + 1))
            if len(found) > _MAX_NAME_TREE_ENTRIES:
                break
    return found


def find_portfolio_json(root: generic.DictionaryObject) -> bytes | None:
    """``portfolio.json`` from a document catalog: associated files first, then the name tree."""
    candidates: list[generic.DictionaryObject] = []
    af = _as_array(root.get("/AF"))
    if af is not None:
        candidates.extend(d for d in (_as_dict(x) for x in list(af)[:1000]) if d is not None)
    names = _as_dict(root.get("/Names"))
    if names is not None:
        candidates.extend(_name_tree_specs(names.get("/EmbeddedFiles")))
    for spec in candidates:
        if _file_name(spec) == PORTFOLIO_JSON_NAME:
            data = _spec_data(spec)
            if data is not None:
                return data
    return None
