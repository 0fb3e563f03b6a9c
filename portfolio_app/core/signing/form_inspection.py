"""Compare a PDF's fields, widgets and annotations, revision by revision, with the recorded list.

This is the defence against shadow attacks (see ``form_layout``). pyHanko's difference
analysis decides whether a later revision only filled or signed *existing* fields; this
module decides whether those fields are the ones the honest export made, and whether anything
lies over a signature box. All walks are bounded (field nodes, pages, annotations per page and
in all, page-tree depth) because the file may be hostile: running out of a budget raises
:class:`~portfolio_app.core.signing.limits.WorkLimitError` (the file is refused as larger
than any portfolio, before pyHanko's slower analysis sees it); any other structure we cannot
read is itself a finding.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyhanko.pdf_utils import generic

from portfolio_app.core.signing.form_layout import (
    SIGNATURE,
    TEXT,
    FormField,
    FormLayout,
    overlaps,
    same_rect,
)
from portfolio_app.core.signing.limits import (
    MAX_ANNOTATIONS,
    MAX_ANNOTATIONS_PER_PAGE,
    MAX_FIELDS,
    MAX_PAGES,
    WorkLimitError,
)

MAX_PAGE_DEPTH = 32
# Page-tree nodes visited (pages, intermediate nodes and repeated references) per walk.
MAX_PAGE_TREE_VISITS = 4 * MAX_PAGES
_FT = {"/Sig": SIGNATURE, "/Tx": TEXT}
_HIDDEN_FLAGS = 2 | 32  # Hidden, NoView


@dataclass(frozen=True)
class TerminalField:
    """A field as found in one revision: its name, type, value and widget references."""

    name: str
    kind: str
    value: Any
    widgets: tuple[tuple[int, int], ...]


def _deref(obj: Any) -> Any:
    if isinstance(obj, generic.IndirectObject):
        target: Any = obj
        return target.get_object()
    return obj


def _ref_key(obj: Any) -> tuple[int, int] | None:
    if isinstance(obj, generic.IndirectObject):
        return (int(obj.idnum), int(obj.generation))
    return None


def _raw_items(array: Any, limit: int, what: str) -> list[Any]:
    """Items of a PDF array without dereferencing them (so references can be compared);
    more than ``limit`` items is more ``what`` than any portfolio has."""
    if not isinstance(array, generic.ArrayObject):
        return []
    if len(array) > limit:
        raise WorkLimitError(f"it has more than {limit:,} {what}")
    return [array.raw_get(i) for i in range(len(array))]


def _raw(dictionary: Any, key: str) -> Any:
    if not isinstance(dictionary, generic.DictionaryObject) or key not in dictionary:
        return None
    return dictionary.raw_get(key)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return ""


def walk_fields(root: Any) -> list[TerminalField]:
    """Terminal fields of the AcroForm, with fully qualified names (bounded)."""
    acroform = _deref(_raw(root, "/AcroForm"))
    if not isinstance(acroform, generic.DictionaryObject):
        return []
    found: list[TerminalField] = []
    seen: set[tuple[int, int]] = set()
    budget = MAX_FIELDS
    fields_what = "form fields"
    stack: list[tuple[Any, str, str | None]] = [
        (item, "", None)
        for item in reversed(_raw_items(_deref(_raw(acroform, "/Fields")), MAX_FIELDS, fields_what))
    ]
    while stack:
        item, prefix, inherited_ft = stack.pop()
        budget -= 1
        if budget < 0:
            raise WorkLimitError(f"it has more than {MAX_FIELDS:,} form fields")
        key = _ref_key(item)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        node = _deref(item)
        if not isinstance(node, generic.DictionaryObject):
            continue
        partial = _text(node.get("/T")) if "/T" in node else None
        name = f"{prefix}.{partial}" if prefix and partial is not None else (partial or prefix)
        ft_raw = node.get("/FT")
        ft = str(ft_raw) if ft_raw is not None else inherited_ft
        kids = _raw_items(_deref(_raw(node, "/Kids")), MAX_FIELDS, fields_what)
        field_kids = [
            k for k in kids if isinstance(_deref(k), generic.DictionaryObject) and "/T" in _deref(k)
        ]
        if field_kids:
            stack.extend((k, name, ft) for k in reversed(field_kids))
            continue
        widgets: list[tuple[int, int]] = []
        if str(node.get("/Subtype", "")) == "/Widget" and key is not None:
            widgets.append(key)
        for kid in kids:
            kid_key = _ref_key(kid)
            if kid_key is not None:
                widgets.append(kid_key)
        found.append(
            TerminalField(
                name=name,
                kind=_FT.get(ft or "", ft or "unknown"),
                value=node.get("/V"),
                widgets=tuple(widgets),
            )
        )
    return found


def page_at(root: Any, index: int) -> Any:
    """The page dictionary at ``index`` (0-based) by descending the page tree's counts."""
    node = _deref(_raw(root, "/Pages"))
    for _ in range(MAX_PAGE_DEPTH):
        if not isinstance(node, generic.DictionaryObject):
            return None
        if str(node.get("/Type", "")) == "/Page" or "/Kids" not in node:
            return node if index == 0 else None
        for kid in _raw_items(_deref(_raw(node, "/Kids")), MAX_PAGES, "pages"):
            child = _deref(kid)
            if not isinstance(child, generic.DictionaryObject):
                continue
            count = 1 if "/Kids" not in child else int(child.get("/Count", 0))
            if index < count:
                node = child
                break
            index -= count
        else:
            return None
    return None


def iter_pages(root: Any) -> list[Any]:
    """Every page dictionary in order, in one walk of the page tree (bounded: every reference
    queued counts, so a /Kids array shared by many nodes cannot multiply the work)."""
    pages: list[Any] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Any, int]] = [(_raw(root, "/Pages"), 0)]
    queued = 1
    while stack:
        item, depth = stack.pop()
        key = _ref_key(item)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        node = _deref(item)
        if not isinstance(node, generic.DictionaryObject) or depth > MAX_PAGE_DEPTH:
            continue
        if "/Kids" in node:
            kids = _raw_items(_deref(_raw(node, "/Kids")), MAX_PAGES, "pages")
            queued += len(kids)
            if queued > MAX_PAGE_TREE_VISITS:
                raise WorkLimitError(
                    f"its page tree has more than {MAX_PAGE_TREE_VISITS:,} entries"
                )
            stack.extend((kid, depth + 1) for kid in reversed(kids))
        else:
            pages.append(node)
            if len(pages) > MAX_PAGES:
                raise WorkLimitError(f"it has more than {MAX_PAGES:,} pages")
    return pages


def page_count(root: Any) -> int:
    """``/Count`` of the page tree (0 when unreadable)."""
    pages = _deref(_raw(root, "/Pages"))
    try:
        return int(pages.get("/Count", 0))
    except Exception:
        return 0


@dataclass(frozen=True)
class Annotation:
    """One annotation on a page, as found in one revision."""

    ref: tuple[int, int] | None
    subtype: str
    rect: tuple[float, float, float, float] | None
    flags: int
    field_name: str | None


class AnnotationBudget:
    """How many more annotations one walk over the pages may read."""

    def __init__(self, total: int = MAX_ANNOTATIONS) -> None:
        self.remaining = total
        self.total = total

    def spend(self, count: int) -> None:
        """Charge ``count`` annotations; raise when the budget runs out."""
        self.remaining -= count
        if self.remaining < 0:
            raise WorkLimitError(f"it has more than {self.total:,} annotations")


def page_annotations(page: Any, budget: AnnotationBudget | None = None) -> list[Annotation]:
    """Annotations of a page with their rectangles (bounded per page and by ``budget``)."""
    out = []
    annots = _deref(_raw(page, "/Annots"))
    items = _raw_items(annots, MAX_ANNOTATIONS_PER_PAGE, "annotations on one page")
    if budget is not None:
        budget.spend(len(items))
    for item in items:
        annot = _deref(item)
        if not isinstance(annot, generic.DictionaryObject):
            continue
        rect: tuple[float, float, float, float] | None
        try:
            x1, y1, x2, y2 = (float(v) for v in annot.get("/Rect") or ())
            rect = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        except Exception:
            rect = None
        try:
            flags = int(annot.get("/F", 0))
        except Exception:
            flags = 0
        name = _text(annot.get("/T")) if "/T" in annot else None
        out.append(Annotation(_ref_key(item), str(annot.get("/Subtype", "")), rect, flags, name))
    return out


@dataclass
class FormFindings:
    """What the inspection found: problems (fail the file) and the box widgets it located."""

    problems: list[str]
    box_widgets: dict[str, tuple[int, int]]


def _describe(annot: Annotation) -> str:
    what = "a form widget" if annot.subtype == "/Widget" else f"an annotation ({annot.subtype})"
    if annot.field_name:
        what += f" named {annot.field_name[:80]!r}"
    return what


def inspect_certified_revision(root: Any, layout: FormLayout) -> FormFindings:
    """Every field and widget in the student's signed revision must be in ``layout``."""
    problems: list[str] = []
    recorded = layout.by_name()
    found = walk_fields(root)
    found_names = {f.name for f in found}
    box_widgets: dict[str, tuple[int, int]] = {}
    known_widgets: dict[tuple[int, int], FormField] = {}
    for item in found:
        spec = recorded.get(item.name)
        if spec is None:
            problems.append(
                f"the student's signed revision holds a form field {item.name[:80]!r} that the "
                "export did not record (a field that could later cover a signature box)"
            )
            continue
        if item.kind != spec.kind:
            problems.append(f"the field {item.name!r} is a {item.kind} field, not a {spec.kind}")
        if len(item.widgets) != 1:
            problems.append(f"the field {item.name!r} has {len(item.widgets)} widgets, not one")
            continue
        known_widgets[item.widgets[0]] = spec
        if spec.is_signature:
            box_widgets[spec.name] = item.widgets[0]
        if spec.kind == TEXT and item.value not in (None, "", b""):
            problems.append(f"the field {item.name!r} was already filled when the student signed")
    for spec in layout.fields:
        if spec.name not in found_names and (spec.purpose != "certification"):
            problems.append(f"portfolio.json records a field {spec.name!r} that the file lacks")
    # Widgets anywhere that belong to no recorded field (orphans render too), and recorded
    # widgets on another page or in another place than recorded.
    placed: set[tuple[int, int]] = set()
    budget = AnnotationBudget()
    for index, page in enumerate(iter_pages(root)):
        if "/Annots" not in page:
            continue
        for annot in page_annotations(page, budget):
            spec = known_widgets.get(annot.ref) if annot.ref is not None else None
            if spec is None:
                if annot.subtype == "/Widget":
                    problems.append(
                        f"page {index + 1} of the student's signed revision holds "
                        f"{_describe(annot)} that belongs to no recorded field"
                    )
                continue
            assert annot.ref is not None
            placed.add(annot.ref)
            if (
                spec.page_index != index
                or annot.rect is None
                or not same_rect(annot.rect, spec.rect)
            ):
                problems.append(f"the field {spec.name!r} is not where portfolio.json says")
    for ref, spec in known_widgets.items():
        if ref not in placed and spec.rect[2] > spec.rect[0]:
            problems.append(f"the field {spec.name!r} is on no page")
    return FormFindings(problems, box_widgets)


def inspect_revision(
    root: Any,
    layout: FormLayout,
    box_widgets: dict[str, tuple[int, int]],
    label: str,
) -> list[str]:
    """Checks for one revision: no unrecorded field, nothing over a signature box."""
    problems: list[str] = []
    recorded = layout.by_name()
    for item in walk_fields(root):
        if item.name not in recorded:
            problems.append(f"{label} adds a form field {item.name[:80]!r} the export did not make")
    by_page: dict[int, list[FormField]] = {}
    for box in layout.signature_boxes:
        if box.rect[2] - box.rect[0] > 0 and box.rect[3] - box.rect[1] > 0:
            by_page.setdefault(box.page_index, []).append(box)
    budget = AnnotationBudget()
    for index, boxes in by_page.items():
        page = page_at(root, index)
        if page is None:
            problems.append(f"{label}: page {index + 1}, which holds a signature box, is missing")
            continue
        for annot in page_annotations(page, budget):
            for box in boxes:
                own = box_widgets.get(box.name)
                if annot.ref is not None and annot.ref == own:
                    if annot.rect is None or not same_rect(annot.rect, box.rect):
                        problems.append(f"{label}: the signature box {box.name!r} was moved")
                    if annot.flags & _HIDDEN_FLAGS:
                        problems.append(f"{label}: the signature box {box.name!r} is hidden")
                    continue
                if annot.rect is not None and overlaps(annot.rect, box.rect):
                    problems.append(
                        f"{label}: {_describe(annot)} lies over the signature box {box.name!r} "
                        "(something drawn over a signature can hide or fake what it says)"
                    )
    return problems
