"""Reading a student's signed portfolio for review, and the feedback a tutor sends back.

A tutor needs no portfolio of their own to read a student's PDF: the entries come from the
``portfolio.json`` the student signed (never from the printed pages), the signature status
from the verifier (in a time-limited worker, like every file from outside), and any feedback
already in the file from the verifier's per-revision reading (``signing.feedback_report``),
with who answers for it. Countersigning with feedback is ``export_service.countersign_as``
with ``feedback``; this module also parses the ``--feedback FILE.json`` a script gives.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portfolio_app.core.domain.errors import ValidationError

if TYPE_CHECKING:
    from portfolio_app.core.services.export_service import TrustInputs
    from portfolio_app.core.signing.feedback_report import FeedbackItem
    from portfolio_app.core.signing.limits import VerifyLimits
    from portfolio_app.core.signing.trust import TrustSettings
    from portfolio_app.core.signing.verification import VerificationReport

#: A feedback JSON file larger than this is not one a person wrote (10,000 characters a box).
MAX_FEEDBACK_FILE_BYTES = 4 * 1024 * 1024
OVERALL_KEY = "overall"
_MAX_TEXT = 200_000


def _text(value: Any, limit: int = 300) -> str:
    """Text from the (student-signed, but possibly hostile) JSON, printable and bounded."""
    if value is None:
        return ""
    text = str(value)[:limit]
    return "".join(ch if ch.isprintable() or ch in "\n" else "\ufffd" for ch in text)


@dataclass(frozen=True)
class ReviewSection:
    """One section of an entry as the student signed it."""

    heading: str
    body: str


@dataclass(frozen=True)
class ReviewEntry:
    """An entry of the portfolio under review, with the feedback the file already holds."""

    id: str
    number: str
    title: str
    kind: str
    date: str
    status: str
    sections: tuple[ReviewSection, ...]
    feedback: FeedbackItem | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``portfolio review --json``)."""
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "kind": self.kind,
            "date": self.date,
            "status": self.status,
            "has_feedback_box": True,
            "feedback": self.feedback.text if self.feedback else None,
            "feedback_by": self.feedback.responsibility if self.feedback else None,
            "feedback_counts": self.feedback.counts if self.feedback else None,
        }


@dataclass(frozen=True)
class ReviewView:
    """What the review window and ``portfolio review`` show about one file."""

    path: Path
    report: VerificationReport
    student_name: str
    student_id: str
    programme: str
    entries: tuple[ReviewEntry, ...]
    overall_feedback: FeedbackItem | None
    feedback_boxes: frozenset[str] = field(default_factory=frozenset)
    has_overall_box: bool = False
    #: A staff signature has closed the feedback boxes (its lock): no more feedback can go in.
    feedback_locked: bool = False

    @property
    def readable(self) -> bool:
        """Whether the file is a signed portfolio whose entries could be read."""
        return self.report.exit_code != 3 and bool(self.entries or self.report.has_portfolio_json)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (``portfolio review --json``)."""
        return {
            "file": str(self.path),
            "verdict": self.report.verdict.value,
            "reason": self.report.reason,
            "student": {
                "name": self.student_name,
                "student_id": self.student_id,
                "programme": self.programme,
            },
            "signatures": [
                {
                    "index": s.index,
                    "kind": s.role.value,
                    "role": s.box_role,
                    "signer_name": s.signer_name,
                    "trusted": s.trusted,
                    "ok": s.ok,
                    "decision": s.decision,
                }
                for s in self.report.signatures
            ],
            "feedback_boxes": len(self.feedback_boxes) > 0,
            "feedback_locked": self.feedback_locked,
            "entries": [
                {**e.to_dict(), "has_feedback_box": e.id in self.feedback_boxes}
                for e in self.entries
            ],
            "overall_feedback": self.overall_feedback.text if self.overall_feedback else None,
            "overall_feedback_by": (
                self.overall_feedback.responsibility if self.overall_feedback else None
            ),
            "warnings": list(self.report.warnings),
            "problems": list(self.report.problems),
        }


def review_file(
    path: Path,
    *,
    trust: TrustInputs | TrustSettings | None = None,
    limits: VerifyLimits | None = None,
) -> ReviewView:
    """Check ``path`` (in a worker) and read its entries and feedback for review.

    Raises :class:`ValidationError` for a file that is not a signed portfolio or cannot be
    read, saying why; a file that fails its checks is returned (the window shows why and
    offers no countersignature).
    """
    from portfolio_app.core.services.export_service import extract_portfolio_json, verify_paths
    from portfolio_app.core.signing.form_layout import FEEDBACK, OVERALL_FEEDBACK, FormLayout

    report = verify_paths([path], trust=trust, limits=limits)[0][1]
    if report.exit_code == 3:
        raise ValidationError(f"{path.name} cannot be reviewed: {report.reason}")
    document = extract_portfolio_json(path)
    if document is None:
        raise ValidationError(
            f"{path.name} holds no portfolio.json signed by the student, so there are no "
            "entries to review."
        )
    try:
        layout: FormLayout | None = FormLayout.from_json(document.get("form"))
    except ValueError:
        layout = None
    boxes = frozenset(
        f.entry_id
        for f in (layout.fields if layout else ())
        if f.purpose == FEEDBACK and f.entry_id
    )
    has_overall = any(f.purpose == OVERALL_FEEDBACK for f in (layout.fields if layout else ()))
    feedback = {i.entry_id: i for i in report.feedback if i.entry_id is not None}
    overall = next((i for i in report.feedback if i.entry_id is None), None)
    numbers = document.get("export", {}).get("entry_numbers", {})
    numbers = numbers if isinstance(numbers, dict) else {}
    entries: list[ReviewEntry] = []
    raw_entries = document.get("entries")
    for raw in raw_entries if isinstance(raw_entries, list) else []:
        if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
            continue
        entry_id = raw["id"]
        sections = tuple(
            ReviewSection(_text(s.get("heading"), 300), _text(s.get("body"), _MAX_TEXT))
            for s in (raw.get("sections") or [])
            if isinstance(s, dict)
        )
        day = raw.get("occurred_on") or raw.get("created") or ""
        entries.append(
            ReviewEntry(
                id=_text(entry_id, 64),
                number=_text(numbers.get(entry_id, ""), 12),
                title=_text(raw.get("title")),
                kind=_text(raw.get("kind"), 20),
                date=_text(day, 10),
                status=_text(raw.get("status"), 30),
                sections=sections,
                feedback=feedback.get(entry_id),
            )
        )
    entries.sort(key=lambda e: (len(e.number), e.number) if e.number else (99, e.id))
    raw_profile = document.get("profile")
    profile: dict[str, Any] = raw_profile if isinstance(raw_profile, dict) else {}
    staff_signed = any(s.role.value == "staff-countersignature" for s in report.signatures)
    return ReviewView(
        path=path,
        report=report,
        student_name=_text(profile.get("name")),
        student_id=_text(profile.get("student_id"), 100),
        programme=_text(profile.get("programme")),
        entries=tuple(entries),
        overall_feedback=overall,
        feedback_boxes=boxes,
        has_overall_box=has_overall,
        feedback_locked=staff_signed,
    )


def read_feedback_file(path: Path) -> dict[str, str]:
    """A ``--feedback`` file: a JSON object of entry id (or ``"overall"``) -> text.

    Raises :class:`ValidationError` saying what is wrong (not JSON, not an object, a value that
    is not text, too large).
    """
    try:
        size = path.stat().st_size
        if size > MAX_FEEDBACK_FILE_BYTES:
            raise ValidationError(
                f"{path} is {size:,} bytes; a feedback file is at most "
                f"{MAX_FEEDBACK_FILE_BYTES:,} bytes"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"cannot read {path}: {exc.strerror or exc}") from exc
    return parse_feedback_json(raw, str(path))


def parse_feedback_json(raw: bytes, source: str = "the feedback") -> dict[str, str]:
    """Parse feedback JSON (see :func:`read_feedback_file`)."""
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValidationError(
            f"{source} is not valid JSON ({exc}); write an object such as "
            '{"ENTRY_ID": "feedback", "overall": "..."}'
        ) from None
    if not isinstance(data, dict):
        raise ValidationError(
            f'{source} must be a JSON object of entry id (or "overall") to feedback text'
        )
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise ValidationError(f"the feedback for {key[:40]!r} in {source} is not text")
        out[str(key)] = value
    return out


def unsigned_feedback_warning(view_report: VerificationReport, replacing: set[str]) -> str | None:
    """A warning when the file already holds feedback nobody signed, which the countersignature
    about to be made would cover as it stands (``replacing``: keys the signer fills now)."""
    from portfolio_app.core.signing.feedback_report import AFTER_LAST_SIGNATURE

    kept = [
        i
        for i in view_report.feedback
        if i.filled_in == AFTER_LAST_SIGNATURE and (i.entry_id or OVERALL_KEY) not in replacing
    ]
    if not kept:
        return None
    labels = ", ".join("overall" if i.entry_id is None else i.label for i in kept)
    return (
        f"The file already holds feedback ({labels}) that was typed before you countersign, in "
        "an unsigned update: nobody has signed it, and the app cannot tell who typed it. Your "
        "signature will cover it as it stands: read it first ('portfolio review'), and replace "
        'or clear it (an empty text, "", clears a box) if it is not yours.'
    )
