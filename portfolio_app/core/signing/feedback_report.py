"""Who wrote the feedback in a countersigned portfolio: read revision by revision.

The form layout in the signed ``portfolio.json`` names every feedback field. This module reads
each field's value in every revision after the student's, finds the revision that set the
value the file holds now, and says who answers for it:

* ``signature-revision``: typed in the same incremental update as staff signature *k* (this
  app's countersign fills, then signs): signer *k* wrote it and signed it;
* ``unsigned-before-signature``: typed in an unsigned update (another PDF reader's form
  filling), then covered by staff signature *k*, who signed the file with it in: *k* answers
  for it, but the signature does not say who typed it;
* ``after-last-signature``: typed after every signature. The student's certification allows
  form filling, so the signatures still verify, but nobody signed it: it is not a tutor's
  feedback. Once a staff signature exists its FieldMDP lock forbids this, and the verifier's
  difference analysis then fails that signature (``after-lock``).

Values are plain text, never rich text (``/RV`` is ignored), with control characters replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portfolio_app.core.signing.feedback_fields import (
    MAX_FEEDBACK_CHARS,
    read_field_values,
)
from portfolio_app.core.signing.form_layout import FEEDBACK, OVERALL_FEEDBACK, FormLayout
from portfolio_app.core.signing.limits import MAX_REVISIONS

SIGNATURE_REVISION = "signature-revision"
UNSIGNED_BEFORE_SIGNATURE = "unsigned-before-signature"
AFTER_LAST_SIGNATURE = "after-last-signature"
AFTER_LOCK = "after-lock"
BEFORE_CERTIFICATION = "before-certification"


@dataclass(frozen=True)
class FeedbackItem:
    """One filled feedback box as the file holds it now.

    ``entry_id`` is ``None`` for the overall box; ``label`` is the entry's number in the PDF
    ("E12") or "overall". ``counts`` is true only when the signer who answers for it is a staff
    signature that passed every check and is trusted for its box.
    """

    field_name: str
    entry_id: str | None
    label: str
    title: str | None
    text: str
    revision: int
    filled_in: str
    signature_index: int | None
    signer_name: str | None
    signer_role: str | None
    signer_fingerprint: str | None
    counts: bool
    length: int
    cut: bool = False

    @property
    def responsibility(self) -> str:
        """One sentence: who typed it and who answers for it."""
        who = self.signer_name or "an unknown signer"
        role = f" ({self.signer_role.replace('-', ' ')})" if self.signer_role else ""
        if self.filled_in == SIGNATURE_REVISION:
            return f"written and signed by {who}{role} in signature {self.signature_index}"
        if self.filled_in == UNSIGNED_BEFORE_SIGNATURE:
            return (
                f"typed in an unsigned update (revision {self.revision + 1}), then covered by "
                f"signature {self.signature_index} of {who}{role}, who answers for it"
            )
        if self.filled_in == BEFORE_CERTIFICATION:
            return "already in the box when the student signed: NOT allowed"
        if self.filled_in == AFTER_LOCK:
            return (
                f"changed in revision {self.revision + 1}, after signature "
                f"{self.signature_index} locked the feedback boxes: NOT allowed"
            )
        return (
            f"typed in revision {self.revision + 1}, after the last signature: allowed by the "
            "student's certification, but NOBODY SIGNED IT, so it is not a tutor's feedback"
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "field": self.field_name,
            "entry_id": self.entry_id,
            "label": self.label,
            "title": self.title,
            "text": self.text,
            "length": self.length,
            "cut": self.cut,
            "revision": self.revision + 1,
            "filled_in": self.filled_in,
            "signature_index": self.signature_index,
            "signer_name": self.signer_name,
            "signer_role": self.signer_role,
            "signer_fingerprint_sha256": self.signer_fingerprint,
            "counts": self.counts,
            "responsibility": self.responsibility,
        }


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() or ch == "\n" else "\ufffd" for ch in text)


def entry_labels(document: dict[str, Any] | None) -> tuple[dict[str, str], dict[str, str]]:
    """(entry id -> "E12", entry id -> title) from a signed ``portfolio.json``."""
    numbers: dict[str, str] = {}
    titles: dict[str, str] = {}
    if not isinstance(document, dict):
        return numbers, titles
    export = document.get("export")
    raw = export.get("entry_numbers") if isinstance(export, dict) else None
    if isinstance(raw, dict):
        numbers = {str(k): str(v)[:12] for k, v in raw.items()}
    entries = document.get("entries")
    if isinstance(entries, list):
        for item in entries:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                titles[item["id"]] = _printable(str(item.get("title") or "")[:300])
    return numbers, titles


def collect_feedback(
    reader: Any,
    sigs: list[Any],
    checks: list[Any],
    layout: FormLayout,
    document: dict[str, Any] | None,
) -> list[FeedbackItem]:
    """Every filled feedback box in the file as it is now, with who answers for it.

    ``sigs`` are pyHanko's embedded signatures in signing order and ``checks`` the verifier's
    :class:`SignatureCheck` for each (same order).
    """
    text_fields = [f for f in layout.fields if f.purpose in (FEEDBACK, OVERALL_FEEDBACK)]
    if not text_fields or not sigs:
        return []
    certified = sigs[0].signed_revision
    total = min(reader.total_revisions, MAX_REVISIONS)
    history: list[dict[str, str]] = []
    for revision in range(certified, total):
        root = reader.get_historical_resolver(revision).root
        history.append(read_field_values(root, layout))
    final = history[-1] if history else {}
    signed_at = {
        sig.signed_revision: (index, check)
        for index, (sig, check) in enumerate(zip(sigs, checks, strict=True), start=1)
    }
    staff = sorted(
        (sig.signed_revision, index, check)
        for index, (sig, check) in enumerate(zip(sigs, checks, strict=True), start=1)
        if check.role.value == "staff-countersignature"
    )
    numbers, titles = entry_labels(document)
    items: list[FeedbackItem] = []
    for spec in text_fields:
        text = final.get(spec.name)
        if not text:
            continue
        set_at = certified
        for offset in range(len(history) - 1, 0, -1):
            if history[offset - 1].get(spec.name) != text:
                set_at = certified + offset
                break
        before_lock = [s for s in staff if s[0] < set_at]
        covering = [s for s in staff if s[0] >= set_at]
        index: int | None
        check: Any
        if set_at == certified:
            index, check = None, None
            filled_in = BEFORE_CERTIFICATION
        elif before_lock:
            _rev, index, check = before_lock[-1]
            filled_in = AFTER_LOCK
        elif set_at in signed_at and signed_at[set_at][1].role.value == "staff-countersignature":
            index, check = signed_at[set_at]
            filled_in = SIGNATURE_REVISION
        elif covering:
            _rev, index, check = covering[0]
            filled_in = UNSIGNED_BEFORE_SIGNATURE
        else:
            index, check = None, None
            filled_in = AFTER_LAST_SIGNATURE
        cleaned = _printable(text)
        cut = len(cleaned) > MAX_FEEDBACK_CHARS
        entry_id = spec.entry_id
        items.append(
            FeedbackItem(
                field_name=spec.name,
                entry_id=entry_id,
                label=numbers.get(entry_id, entry_id[:8]) if entry_id else "overall",
                title=titles.get(entry_id) if entry_id else None,
                text=cleaned[:MAX_FEEDBACK_CHARS] + (" …" if cut else ""),
                revision=set_at,
                filled_in=filled_in,
                signature_index=index,
                signer_name=check.signer_name if check is not None else None,
                signer_role=check.box_role if check is not None else None,
                signer_fingerprint=check.fingerprint if check is not None else None,
                counts=bool(
                    check is not None
                    and filled_in in (SIGNATURE_REVISION, UNSIGNED_BEFORE_SIGNATURE)
                    and check.ok
                    and check.trusted
                ),
                length=len(cleaned),
                cut=cut,
            )
        )
    return items
