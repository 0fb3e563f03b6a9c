# mypy: disable-error-code="no-untyped-call"
# (pyHanko's PDF object constructors and writer helpers carry no type hints.)
"""Tutor feedback as AcroForm text fields: created empty by the export, filled by staff.

Why form fields: the student's certification (DocMDP P=2) allows filling existing fields, so a
tutor can type feedback in this app or any PDF reader that fills forms and the student's
signature stays valid. Every field is recorded in the signed ``portfolio.json`` (see
``form_layout``); the verifier refuses a field filled before the student signed, and each staff
signature's FieldMDP lock freezes the text fields, so feedback is whatever the file held when
the first staff signature was made (typed in that signature's own revision, or in an unsigned
update before it and covered by it).

Filling (:func:`fill_text_fields`) sets ``/V`` and draws an appearance stream with the app's
embedded DejaVu font (names such as Zoë, Łukasz or Σοφία print), wrapped to the box, on an
opaque background; never rich text (no ``/RV``, no RichText flag), and reading
(:func:`read_field_values`) ignores any ``/RV`` a file carries: feedback is plain text.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.writer import BasePdfFileWriter

from portfolio_app.core.signing.appearance import clean_text, pick_font
from portfolio_app.core.signing.errors import SigningError
from portfolio_app.core.signing.form_inspection import TerminalField, walk_fields
from portfolio_app.core.signing.form_layout import (
    FEEDBACK,
    OVERALL_FEEDBACK,
    TEXT,
    FormField,
    FormLayout,
)

FEEDBACK_PREFIX = "Feedback_"
OVERALL_FIELD = "OverallFeedback"
#: Who fills the feedback fields: whichever staff member signs first (their lock closes them).
FEEDBACK_ROLE = "staff"
#: More than any tutor writes about one entry; a longer value is refused (hostile or a paste
#: gone wrong), never cut silently.
MAX_FEEDBACK_CHARS = 10_000
#: ``/MaxLen`` written into each field, so readers stop typing there too.
_FLAG_MULTILINE = 1 << 12
_FLAG_DO_NOT_SPELL_CHECK = 1 << 22
_DEFAULT_APPEARANCE = "/Helv 9 Tf 0 g"
_MAX_SIZE = 9.0
_MIN_SIZE = 5.5
_PADDING = 2.5


def field_name_for(entry_id: str) -> str:
    """The feedback field of an entry: named after its id (ids are hex, so no dots)."""
    return f"{FEEDBACK_PREFIX}{entry_id}"


def feedback_form_fields(
    boxes: Mapping[str, tuple[int, float, float, float, float]], overall_key: str
) -> list[FormField]:
    """Recorded text fields for the laid-out feedback areas (entries in layout order, then the
    overall one). ``boxes`` maps an entry id (or ``overall_key``) to ``(page, x1, y1, x2, y2)``."""
    out: list[FormField] = []
    overall: FormField | None = None
    for key, (page, x1, y1, x2, y2) in boxes.items():
        rect = (float(round(x1)), float(round(y1)), float(round(x2)), float(round(y2)))
        if key == overall_key:
            overall = FormField(
                OVERALL_FIELD, TEXT, page + 1, rect, FEEDBACK_ROLE, OVERALL_FEEDBACK
            )
        else:
            out.append(
                FormField(
                    field_name_for(key), TEXT, page + 1, rect, FEEDBACK_ROLE, FEEDBACK, entry_id=key
                )
            )
    if overall is not None:
        out.append(overall)
    return out


def add_text_fields(
    writer: BasePdfFileWriter, text_fields: Sequence[FormField], labels: Mapping[str, str]
) -> None:
    """Create the empty, printable multi-line text fields (before the student signs).

    ``labels`` gives each field's tooltip (``/TU``: what a reader announces for it).
    """
    if not text_fields:
        return
    root = writer.root
    acroform = root.get("/AcroForm")
    if acroform is None:
        acroform = generic.DictionaryObject({pdf_name("/Fields"): generic.ArrayObject()})
        root[pdf_name("/AcroForm")] = writer.add_object(acroform)
        writer.update_root()
    else:
        acroform = (
            acroform.get_object() if isinstance(acroform, generic.IndirectObject) else acroform
        )
    fields = acroform["/Fields"]
    resources = acroform.get("/DR")
    if resources is None:
        acroform[pdf_name("/DR")] = generic.DictionaryObject(
            {
                pdf_name("/Font"): generic.DictionaryObject(
                    {
                        pdf_name("/Helv"): generic.DictionaryObject(
                            {
                                pdf_name("/Type"): pdf_name("/Font"),
                                pdf_name("/Subtype"): pdf_name("/Type1"),
                                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
                            }
                        )
                    }
                )
            }
        )
        acroform[pdf_name("/DA")] = generic.TextStringObject(_DEFAULT_APPEARANCE)
    page_refs: dict[int, Any] = {}
    for spec in text_fields:
        if spec.page_index not in page_refs:
            page_refs[spec.page_index] = writer.find_page_for_modification(spec.page_index)[0]
        page_ref = page_refs[spec.page_index]
        x1, y1, x2, y2 = spec.rect
        widget = generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Widget"),
                pdf_name("/FT"): pdf_name("/Tx"),
                pdf_name("/T"): generic.TextStringObject(spec.name),
                pdf_name("/TU"): generic.TextStringObject(labels.get(spec.name, "Tutor feedback")),
                pdf_name("/Ff"): generic.NumberObject(_FLAG_MULTILINE | _FLAG_DO_NOT_SPELL_CHECK),
                pdf_name("/MaxLen"): generic.NumberObject(MAX_FEEDBACK_CHARS),
                pdf_name("/DA"): generic.TextStringObject(_DEFAULT_APPEARANCE),
                pdf_name("/Rect"): generic.ArrayObject(
                    [generic.FloatObject(v) for v in (x1, y1, x2, y2)]
                ),
                pdf_name("/F"): generic.NumberObject(4),  # Print
                pdf_name("/P"): page_ref,
            }
        )
        ref = writer.add_object(widget)
        fields.append(ref)
        writer.register_annotation(page_ref, ref)
    writer.update_container(fields)
    writer.update_container(acroform)


def _text_value(value: Any) -> str | None:
    """A field's ``/V`` as text (``None`` when empty); streams are decoded, bounded."""
    if value is None:
        return None
    if isinstance(value, generic.StreamObject):
        try:
            data = value.data[: 4 * MAX_FEEDBACK_CHARS + 2]
        except Exception:
            return None
        if data.startswith(b"\xfe\xff"):
            return data[2:].decode("utf-16-be", errors="replace")
        return data.decode("latin-1")
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return None


def read_field_values(root: Any, layout: FormLayout) -> dict[str, str]:
    """The non-empty text fields the layout records, by name, as they are in ``root`` (one
    revision). Bounded walk (``form_inspection``); ``/RV`` (rich text) is ignored."""
    recorded = {f.name for f in layout.fields if f.kind == TEXT}
    values: dict[str, str] = {}
    found: list[TerminalField] = walk_fields(root)
    for item in found:
        if item.name in recorded:
            text = _text_value(item.value)
            if text:
                values[item.name] = text
    return values


def normalise_feedback(text: str) -> str:
    """What a feedback text is stored and compared as: control and format characters dropped
    (they could rewrite a terminal or hide text), line breaks kept, outer space trimmed."""
    return clean_text(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)


def check_feedback_text(label: str, text: str) -> str:
    """Cleaned ``text`` or a :class:`SigningError` when it is longer than any feedback."""
    cleaned = normalise_feedback(text)
    if len(cleaned) > MAX_FEEDBACK_CHARS:
        raise SigningError(
            f"The feedback {label} is {len(cleaned):,} characters; the limit is "
            f"{MAX_FEEDBACK_CHARS:,} per box. Shorten it or put the rest in the overall feedback."
        )
    return cleaned


OVERALL_KEY = "overall"


def feedback_field_values(
    layout: FormLayout,
    feedback: Mapping[str, str],
    numbers: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Field name -> cleaned text for ``feedback`` keyed by entry id (or ``"overall"``).

    ``numbers`` (entry id -> "E12", from the signed ``portfolio.json``) lets a key be the
    entry's number in the PDF instead of its id.

    Raises :class:`SigningError` naming an id the portfolio has no box for, or a text that is
    too long.
    """
    by_entry = {f.entry_id: f.name for f in layout.fields if f.purpose == FEEDBACK and f.entry_id}
    overall = next((f.name for f in layout.fields if f.purpose == OVERALL_FEEDBACK), None)
    if not by_entry and overall is None:
        raise SigningError(
            "This portfolio has no feedback boxes (the student exported it without them); "
            "give your feedback in the comment."
        )
    by_number = {str(n).casefold(): i for i, n in (numbers or {}).items()}
    values: dict[str, str] = {}
    unknown: list[str] = []
    for key, text in feedback.items():
        if not isinstance(text, str):
            raise SigningError(f"The feedback for {key!r} is not text.")
        if key == OVERALL_KEY:
            if overall is None:
                raise SigningError("This portfolio has no overall feedback box.")
            values[overall] = check_feedback_text("on the whole portfolio", text)
            continue
        name = by_entry.get(key) or by_entry.get(by_number.get(key.strip().casefold(), ""))
        if name is None:
            matches = [i for i in by_entry if len(key) >= 4 and i.startswith(key)]
            if len(matches) == 1:
                name = by_entry[matches[0]]
        if name is None:
            unknown.append(key)
            continue
        values[name] = check_feedback_text(f"on entry {key}", text)
    if unknown:
        raise SigningError(
            "This portfolio has no entry (or no feedback box) with the id "
            + ", ".join(repr(k[:40]) for k in unknown[:5])
            + ("…" if len(unknown) > 5 else "")
            + "; 'portfolio review FILE.pdf' lists the entries and their ids."
        )
    return values


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    from reportlab.lib.utils import simpleSplit

    from portfolio_app.core.signing.appearance import _hard_wrap

    lines: list[str] = []
    for paragraph in text.split("\n"):
        for line in simpleSplit(paragraph, font, size, width) or [""]:
            lines.extend(_hard_wrap(line, font, size, width))
    return lines


def render_appearances(
    items: Sequence[tuple[str, float, float]], font_path: str | os.PathLike[str] | None
) -> bytes:
    """One PDF page per ``(text, width, height)``: an opaque box with the text wrapped at the
    largest size from 9 pt down to 5.5 pt that fits, cut with "…" only past that."""
    from reportlab.pdfgen import canvas

    font = pick_font("".join(text for text, _w, _h in items), font_path)
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, invariant=1, pageCompression=1, initialFontName=font)
    for text, width, height in items:
        pdf.setPageSize((width, height))
        inner_w = max(1.0, width - 2 * _PADDING)
        inner_h = max(1.0, height - 2 * _PADDING)
        size = _MAX_SIZE
        while True:
            lines = _wrap(text, font, size, inner_w)
            if len(lines) * size * 1.15 <= inner_h or size <= _MIN_SIZE:
                break
            size = max(_MIN_SIZE, size - 0.5)
        fits = max(1, int(inner_h // (size * 1.15)))
        if len(lines) > fits:
            lines = lines[:fits]
            lines[-1] = (lines[-1].rstrip()[:-2].rstrip() + " …") if lines[-1] else "…"
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(0, 0, width, height, stroke=0, fill=1)
        pdf.setStrokeColorRGB(0.55, 0.55, 0.55)
        pdf.setLineWidth(0.5)
        pdf.rect(0.25, 0.25, width - 0.5, height - 0.5)
        pdf.setFillColorRGB(0, 0, 0)
        pdf.setFont(font, size)
        y = height - _PADDING - size
        for line in lines:
            pdf.drawString(_PADDING, y, line)
            y -= size * 1.15
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def _import_pages(writer: BasePdfFileWriter, data: bytes, count: int) -> list[Any]:
    """Each page of ``data`` as a form XObject in ``writer``, sharing one embedded font subset
    (pyHanko's own page import copies the resources once per page)."""
    from pyhanko.pdf_utils.writer import _ObjectImporter

    reader = PdfFileReader(io.BytesIO(data))
    importer = _ObjectImporter(source=reader, target=writer, obj_stream=None, reference_map={})
    out = []
    for index in range(count):
        page_ref, resources = reader.find_page_for_modification(index)
        page = page_ref.get_object()
        contents = page["/Contents"]
        if isinstance(contents, generic.ArrayObject):
            data_bytes = b"".join(part.get_object().data for part in contents)
        else:
            data_bytes = contents.data
        stream = generic.StreamObject(
            {
                pdf_name("/Type"): pdf_name("/XObject"),
                pdf_name("/Subtype"): pdf_name("/Form"),
                pdf_name("/BBox"): generic.ArrayObject(
                    [generic.FloatObject(float(v)) for v in page["/MediaBox"]]
                ),
                pdf_name("/Resources"): importer.import_object(resources),
            },
            stream_data=data_bytes,
        )
        stream.compress()
        out.append(writer.add_object(stream))
    return out


def _field_refs(writer: BasePdfFileWriter) -> dict[str, Any]:
    acroform = writer.root.get("/AcroForm")
    if acroform is None:
        return {}
    refs: dict[str, Any] = {}
    for ref in acroform.get_object().get("/Fields", generic.ArrayObject()):
        if not isinstance(ref, generic.IndirectObject):
            continue
        node = ref.get_object()
        if "/T" in node:
            refs[str(node["/T"])] = ref
    return refs


def fill_text_fields(
    writer: BasePdfFileWriter,
    layout: FormLayout,
    values: Mapping[str, str],
    font_path: str | os.PathLike[str] | None,
) -> None:
    """Set ``/V`` and an appearance for each ``name -> text`` (an empty text clears a field).

    Only recorded text fields can be filled; the changes go into ``writer``'s revision (the
    countersignature that follows covers them).
    """
    if not values:
        return
    recorded = {f.name: f for f in layout.fields if f.kind == TEXT}
    refs = _field_refs(writer)
    to_draw: list[tuple[str, FormField, str]] = []
    for name, text in values.items():
        spec = recorded.get(name)
        if spec is None or name not in refs:
            raise SigningError(f"This portfolio has no feedback box {name!r}.")
        to_draw.append((name, spec, text))
    drawn = [(n, s, t) for n, s, t in to_draw if t]
    xobjects: dict[str, Any] = {}
    if drawn:
        pdf = render_appearances(
            [(t, s.rect[2] - s.rect[0], s.rect[3] - s.rect[1]) for _n, s, t in drawn], font_path
        )
        for (name, _s, _t), ref in zip(drawn, _import_pages(writer, pdf, len(drawn)), strict=True):
            xobjects[name] = ref
    for name, _spec, text in to_draw:
        node = refs[name].get_object()
        if text:
            node[pdf_name("/V")] = generic.TextStringObject(text)
            node[pdf_name("/AP")] = generic.DictionaryObject({pdf_name("/N"): xobjects[name]})
        else:
            node.pop("/V", None)
            node.pop("/AP", None)
        node.pop("/RV", None)
        writer.update_container(node)
