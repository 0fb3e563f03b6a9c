"""Plain words for verification reports: the stage, the summary and the per-role view.

Qt-free on purpose (it imports no PySide6), so the wording is tested without a window and
the verify window, the countersign dialog and the CSV report agree. Every string that comes
from the file (names, ids, comments, field names) is passed through unchanged: the widgets
that show it are plain-text ones (``widgets.plain_text``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from portfolio_app.core.signing.verification import SignatureCheck, VerificationReport

#: Box roles in the order the export prints them.
STAFF_ROLE_ORDER = ("tutor", "second-marker", "moderator", "practice-assessor")
DECISION_WORDS = {
    "meets": "Meets the standard",
    "partially-meets": "Partially meets the standard",
    "does-not-meet": "Does not meet the standard",
}


def role_label(role: str | None) -> str:
    """``second-marker`` -> ``Second marker``; ``None`` -> ``Outside any box``."""
    if not role:
        return "Outside any box"
    text = role.replace("-", " ")
    return text[:1].upper() + text[1:]


def when_text(moment: dt.datetime | None) -> str:
    """A time in the computer's local zone, e.g. ``3 Feb 2025, 14:05 GMT``."""
    if moment is None:
        return "Not given"
    local = moment.astimezone()
    return f"{local.day} {local:%b %Y, %H:%M} {local:%Z}".strip()


def time_source_text(sig: SignatureCheck) -> str:
    """Where a signature's time comes from, in words."""
    if sig.time_source == "timestamp" and sig.timestamp_time is not None:
        who = sig.timestamp_authority or "a time-stamping authority"
        return f"Trusted timestamp from {who}"
    return "The signer's own clock (not verified)"


def signer_text(sig: SignatureCheck) -> str:
    """``Name (id ID)`` or what is known of the signer."""
    who = sig.signer_name or "Unknown signer"
    return f"{who} (id {sig.signer_id})" if sig.signer_id else who


def _box_role(sig: SignatureCheck) -> str | None:
    if sig.role.value == "student-certification":
        return "student"
    if sig.role.value == "staff-countersignature":
        return sig.box_role
    return None


@dataclass(frozen=True)
class RoleRow:
    """One line of the per-role view: a signature, or a staff box nobody has signed yet."""

    role: str
    signer: str
    decision: str
    comment: str
    time: str
    time_source: str
    status: str
    #: True: in order and trusted; False: a problem; None: intact but not confirmed, or open.
    ok: bool | None
    signed: bool = True


def _status(sig: SignatureCheck) -> tuple[str, bool | None]:
    if sig.problems:
        return f"Problem: {sig.problems[0]}", False
    if sig.trusted:
        return f"OK, trusted through {sig.trust_anchor}", True
    return "Intact, but the signer is not confirmed by anything you trust", None


def role_rows(report: VerificationReport) -> list[RoleRow]:
    """Each signature in file order, then each staff box still open."""
    rows: list[RoleRow] = []
    signed_roles: set[str] = set()
    for sig in report.signatures:
        role = _box_role(sig)
        if role:
            signed_roles.add(role)
        status, ok = _status(sig)
        if sig.decision:
            decision = DECISION_WORDS.get(sig.decision, sig.decision)
        elif sig.claimed_decision:
            claimed = DECISION_WORDS.get(sig.claimed_decision, sig.claimed_decision)
            why = sig.claimed_decision_note or "the signature fails its checks"
            decision = f"None counted (claimed: {claimed}; not counted: {why})"
        else:
            decision = ""
        rows.append(
            RoleRow(
                role=role_label(role) if role != "student" else "Student",
                signer=signer_text(sig),
                decision=decision,
                comment=sig.comment or "",
                time=when_text(sig.signing_time),
                time_source=time_source_text(sig),
                status=status,
                ok=ok,
            )
        )
    for role in report.summary.staff_boxes:
        if role not in signed_roles:
            rows.append(
                RoleRow(
                    role=role_label(role),
                    signer="",
                    decision="",
                    comment="",
                    time="",
                    time_source="",
                    status="Not signed yet",
                    ok=None,
                    signed=False,
                )
            )
    return rows


def _names(items: Sequence[dict[str, object]]) -> str:
    parts = []
    for item in items:
        role = role_label(str(item.get("role") or "")).lower()
        name = item.get("signer_name") or "an unnamed signer"
        parts.append(f"the {role} ({name})")
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0] if parts else ""


def open_boxes(report: VerificationReport) -> list[str]:
    """Staff boxes the export prepared that no valid countersignature fills yet."""
    signed = {str(c.get("role")) for c in report.summary.countersigned_by}
    return [r for r in report.summary.staff_boxes if r not in signed]


def stage_text(report: VerificationReport) -> str:
    """Where the portfolio is in its workflow, e.g. "Signed by the student; no staff
    countersignature yet." (the words the CLI uses)."""
    if not report.signatures:
        return "No signatures."
    if report.verdict.value == "broken-or-modified":
        return "The file fails its checks: nothing in it is confirmed, not even who signed it."
    still_open = open_boxes(report)
    open_text = (
        " Still open: " + ", ".join(role_label(r).lower() for r in still_open) + "."
        if still_open
        else ""
    )
    if report.stage == "countersigned":
        return (
            f"Signed by the student and countersigned by {_names(report.summary.countersigned_by)}."
            + open_text
        )
    if report.stage == "student-only":
        return "Signed by the student; no staff countersignature yet." + open_text
    return "No signature from the student yet."


def summary_rows(report: VerificationReport) -> list[tuple[str, str]]:
    """Who the portfolio is from, as (label, text) pairs (only what is known)."""
    summary = report.summary
    rows = []
    if summary.student_name:
        rows.append(("Student", summary.student_name))
    if summary.student_id:
        rows.append(("Student ID", summary.student_id))
    if summary.programme:
        rows.append(("Programme", summary.programme))
    if summary.entries is not None:
        rows.append(("Entries", f"{summary.entries:,}"))
    if summary.staff_boxes:
        rows.append(("Staff boxes", ", ".join(role_label(r) for r in summary.staff_boxes)))
    if report.verdict.value == "broken-or-modified":
        # What a file that fails its checks says about itself is a claim, nothing more.
        rows = [(f"{label} (claimed)", text) for label, text in rows]
    return rows


def missing_text(report: VerificationReport) -> str:
    """The roles required but not yet countersigned, in words ('' when none)."""
    if not report.missing_roles:
        return ""
    roles = ", ".join(role_label(r).lower() for r in report.missing_roles)
    return f"Required but not countersigned yet: {roles}."
