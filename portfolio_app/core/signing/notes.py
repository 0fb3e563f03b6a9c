"""The tutor's decision and comment as stored in the countersignature's signature dictionary.

They are written three times on purpose: in the visible box (for people and ``pdftotext``),
in ``/Reason`` (which every reader's signature panel shows), and as two private entries
(``/PortfolioDecision``, ``/PortfolioComment``) so software reads them back exactly. All three
live in the tutor's own revision and are covered by the tutor's signature.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

Decision = Literal["meets", "partially-meets", "does-not-meet"]
DECISIONS: Final[tuple[str, ...]] = get_args(Decision)
DECISION_LABELS: Final[dict[str, str]] = {
    "meets": "meets the standard",
    "partially-meets": "partially meets the standard",
    "does-not-meet": "does not meet the standard",
}
STUDENT_FIELD: Final = "StudentSignature"
TUTOR_FIELD: Final = "TutorSignature"
REASON_PREFIX: Final = "Tutor countersignature: "
DECISION_KEY: Final = "/PortfolioDecision"
COMMENT_KEY: Final = "/PortfolioComment"
ROLE_KEY: Final = "/PortfolioRole"
MAX_COMMENT_CHARS: Final = 20_000


@dataclass(frozen=True)
class CountersignatureNotes:
    """What a tutor recorded when countersigning. ``decision`` is one of :data:`DECISIONS`."""

    field_name: str
    decision: str
    comment: str


def notes_from_signature_dict(sig_dict: Any) -> tuple[str | None, str | None]:
    """``(decision, comment)`` from a signature dictionary, or ``None`` for what is absent.

    A decision outside :data:`DECISIONS` is treated as absent: the file may be hostile.
    The ``/Reason`` prefix is a fallback for files whose private entries were stripped.
    """
    decision: str | None = None
    comment: str | None = None
    try:
        raw_decision = sig_dict.get(DECISION_KEY)
        raw_comment = sig_dict.get(COMMENT_KEY)
        raw_reason = sig_dict.get("/Reason")
    except Exception:  # not a dictionary at all
        return None, None
    if isinstance(raw_decision, str) and raw_decision in DECISIONS:
        decision = str(raw_decision)
    elif isinstance(raw_reason, str) and raw_reason.startswith(REASON_PREFIX):
        candidate = raw_reason[len(REASON_PREFIX) :].strip()
        decision = candidate if candidate in DECISIONS else None
    if isinstance(raw_comment, str):
        comment = str(raw_comment)[:MAX_COMMENT_CHARS]
    return decision, comment
