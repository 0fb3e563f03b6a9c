"""Every form field a portfolio PDF will ever have, recorded in the signed ``portfolio.json``.

Why record them: DocMDP P=2 lets anyone fill or sign *existing* fields after the student
certifies. A forger's export could carry an extra empty field laid over the tutor's box and
fill or sign it after the tutor (the "shadow attack", Mainka et al., NDSS 2021). So the export
writes the list of fields it created (name, type, page, rectangle, role, purpose) into the
signed ``portfolio.json``, and the verifier rejects any field or widget the list does not
name, any annotation over a signature box that is not that box's own widget, and a listed
field whose rectangle moved.

Field kinds and purposes:

* ``signature``/``certification``: the student's box (role ``student``).
* ``signature``/``countersignature``: one box per staff role the course uses.
* ``text``/``feedback`` and ``text``/``overall-feedback``: a tutor's feedback (issue 9). They
  must be empty in the certified revision and may be filled only up to the first staff
  signature: each staff box's FieldMDP ``/Lock`` excludes only the other staff boxes, so the
  first staff signature locks every text field, and the last staff signature locks all.

Pages are 1-based in the JSON (as people count them); rectangles are PDF points
``[x1, y1, x2, y2]`` with the origin at the page's bottom left.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from portfolio_app.core.signing.roles import STAFF_ROLES, Role

FORM_VERSION: Final = 1
MAX_FIELDS: Final = 5000
RECT_TOLERANCE: Final = 1.0
SIGNATURE: Final = "signature"
TEXT: Final = "text"
CERTIFICATION: Final = "certification"
COUNTERSIGNATURE: Final = "countersignature"
FEEDBACK: Final = "feedback"
OVERALL_FEEDBACK: Final = "overall-feedback"
_PURPOSES: Final = {
    SIGNATURE: {CERTIFICATION, COUNTERSIGNATURE},
    TEXT: {FEEDBACK, OVERALL_FEEDBACK},
}

Rect = tuple[float, float, float, float]


class FormLayoutError(ValueError):
    """The recorded field list is missing, malformed or inconsistent."""


@dataclass(frozen=True)
class FormField:
    """One field the export created. ``page`` counts from 1."""

    name: str
    kind: str
    page: int
    rect: Rect
    role: str
    purpose: str
    entry_id: str | None = None

    @property
    def page_index(self) -> int:
        """0-based page index, as PDF libraries count."""
        return self.page - 1

    @property
    def is_signature(self) -> bool:
        """Whether this is a signature box."""
        return self.kind == SIGNATURE

    @property
    def staff_role(self) -> Role | None:
        """The staff role of a countersignature box (``None`` for any other field)."""
        if self.kind != SIGNATURE or self.purpose != COUNTERSIGNATURE:
            return None
        try:
            role = Role.parse(self.role)
        except ValueError:
            return None
        return role if role.is_staff else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what goes into ``portfolio.json``)."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.kind,
            "page": self.page,
            "rect": [round(v, 2) for v in self.rect],
            "role": self.role,
            "purpose": self.purpose,
        }
        if self.entry_id is not None:
            out["entry_id"] = self.entry_id
        return out

    @classmethod
    def from_dict(cls, data: Any) -> FormField:
        """Parse one recorded field, strictly (the file may be hostile)."""
        if not isinstance(data, Mapping):
            raise FormLayoutError("a recorded form field is not an object")
        try:
            name, kind, role, purpose = (
                data["name"],
                data["type"],
                data["role"],
                data["purpose"],
            )
            page = data["page"]
            rect = data["rect"]
        except KeyError as exc:
            raise FormLayoutError(f"a recorded form field has no {exc.args[0]!r}") from exc
        if not all(isinstance(v, str) for v in (name, kind, role, purpose)):
            raise FormLayoutError("a recorded form field has a non-text name, type or role")
        if kind not in _PURPOSES or purpose not in _PURPOSES[kind]:
            raise FormLayoutError(f"the recorded field {name[:80]!r} has an unknown type")
        if not isinstance(page, int) or isinstance(page, bool) or page < 1:
            raise FormLayoutError(f"the recorded field {name[:80]!r} has a bad page number")
        if (
            not isinstance(rect, list)
            or len(rect) != 4
            or not all(isinstance(v, int | float) and math.isfinite(v) for v in rect)
        ):
            raise FormLayoutError(f"the recorded field {name[:80]!r} has a bad rectangle")
        entry_id = data.get("entry_id")
        if entry_id is not None and not isinstance(entry_id, str):
            raise FormLayoutError(f"the recorded field {name[:80]!r} has a bad entry id")
        x1, y1, x2, y2 = (float(v) for v in rect)
        return cls(
            name=name,
            kind=kind,
            page=page,
            rect=(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
            role=role,
            purpose=purpose,
            entry_id=entry_id,
        )


@dataclass(frozen=True)
class FormLayout:
    """The fields of one export, in creation order (student box first)."""

    fields: tuple[FormField, ...] = field(default_factory=tuple)

    @property
    def student_box(self) -> FormField | None:
        """The certification box."""
        return next((f for f in self.fields if f.purpose == CERTIFICATION), None)

    @property
    def staff_boxes(self) -> tuple[FormField, ...]:
        """Countersignature boxes in the order the export laid them out."""
        return tuple(f for f in self.fields if f.staff_role is not None)

    @property
    def signature_boxes(self) -> tuple[FormField, ...]:
        """Every signature box."""
        return tuple(f for f in self.fields if f.is_signature)

    def by_name(self) -> dict[str, FormField]:
        """Fields keyed by their (fully qualified) name."""
        return {f.name: f for f in self.fields}

    def lock_excludes(self, box: FormField) -> tuple[str, ...]:
        """The fields a staff box's FieldMDP lock leaves open: the *other* staff boxes."""
        return tuple(f.name for f in self.staff_boxes if f.name != box.name)

    def to_json(self) -> dict[str, Any]:
        """The ``form`` member of ``portfolio.json``."""
        return {"version": FORM_VERSION, "fields": [f.to_dict() for f in self.fields]}

    @classmethod
    def from_json(cls, data: Any) -> FormLayout:
        """Parse the ``form`` member, checking it is self-consistent."""
        if not isinstance(data, Mapping):
            raise FormLayoutError("portfolio.json records no form fields (no 'form' object)")
        if data.get("version") != FORM_VERSION:
            raise FormLayoutError("portfolio.json records its form fields in an unknown version")
        raw = data.get("fields")
        if not isinstance(raw, list) or not raw:
            raise FormLayoutError("portfolio.json records no form fields")
        if len(raw) > MAX_FIELDS:
            raise FormLayoutError("portfolio.json records an implausible number of form fields")
        parsed = tuple(FormField.from_dict(item) for item in raw)
        layout = cls(parsed)
        layout.check()
        return layout

    def check(self) -> None:
        """Unique names, one student box, one box per staff role, no box over another field."""
        names = [f.name for f in self.fields]
        if len(set(names)) != len(names):
            raise FormLayoutError("portfolio.json records the same field name twice")
        students = [f for f in self.fields if f.purpose == CERTIFICATION]
        if len(students) != 1 or students[0].role != Role.STUDENT.value:
            raise FormLayoutError("portfolio.json must record exactly one student signature box")
        staff_roles = [f.role for f in self.fields if f.purpose == COUNTERSIGNATURE]
        if any(f.purpose == COUNTERSIGNATURE and f.staff_role is None for f in self.fields):
            raise FormLayoutError(
                "portfolio.json records a countersignature box with no staff role"
            )
        if len(set(staff_roles)) != len(staff_roles):
            raise FormLayoutError("portfolio.json records two boxes for the same staff role")
        for box in self.signature_boxes:
            for other in self.fields:
                if other is not box and other.page == box.page and overlaps(other.rect, box.rect):
                    raise FormLayoutError(
                        f"portfolio.json records field {other.name[:80]!r} over the signature "
                        f"box {box.name!r}"
                    )


def overlaps(a: Rect, b: Rect) -> bool:
    """Whether two rectangles share some area (touching edges do not count)."""
    ax1, ay1, ax2, ay2 = min(a[0], a[2]), min(a[1], a[3]), max(a[0], a[2]), max(a[1], a[3])
    bx1, by1, bx2, by2 = min(b[0], b[2]), min(b[1], b[3]), max(b[0], b[2]), max(b[1], b[3])
    return min(ax2, bx2) - max(ax1, bx1) > 0.5 and min(ay2, by2) - max(ay1, by1) > 0.5


def same_rect(a: Sequence[float], b: Rect) -> bool:
    """Whether a widget's ``/Rect`` is the recorded one (within rounding)."""
    x1, y1, x2, y2 = (float(v) for v in a)
    norm = (min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
    return all(abs(p - q) <= RECT_TOLERANCE for p, q in zip(norm, b, strict=True))


def build_layout(
    student_box: tuple[int, float, float, float, float],
    staff_boxes: Mapping[Role, tuple[int, float, float, float, float]],
    text_fields: Iterable[FormField] = (),
) -> FormLayout:
    """The layout an export creates: the student box, staff boxes in role order, text fields.

    Rectangles are rounded to whole points, as they are written into the PDF.
    """

    def rect(box: tuple[int, float, float, float, float]) -> Rect:
        _, x1, y1, x2, y2 = box
        return (float(round(x1)), float(round(y1)), float(round(x2)), float(round(y2)))

    fields_: list[FormField] = [
        FormField(
            Role.STUDENT.field_name,
            SIGNATURE,
            student_box[0] + 1,
            rect(student_box),
            Role.STUDENT.value,
            CERTIFICATION,
        )
    ]
    for role in STAFF_ROLES:
        if role in staff_boxes:
            box = staff_boxes[role]
            fields_.append(
                FormField(
                    role.field_name, SIGNATURE, box[0] + 1, rect(box), role.value, COUNTERSIGNATURE
                )
            )
    fields_.extend(text_fields)
    layout = FormLayout(tuple(fields_))
    layout.check()
    return layout
