"""The course CA's register: every certificate it issued, with its role and whether it was
revoked (``identity_service.list_issued``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush
from typing_extensions import override

from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel
from portfolio_app.gui.trust_text import role_label
from portfolio_app.gui.widgets.plain_text import plain_tooltip
from portfolio_app.gui.widgets.verdict_banner import status_colours, tinted_icon

if TYPE_CHECKING:
    from portfolio_app.core.services.identity_service import IssuedCertificate

#: The IssuedCertificate of a row.
CertificateRole = Qt.ItemDataRole.UserRole + 1

REASON_WORDS: dict[str, str] = {
    "unspecified": "no reason given",
    "key-compromise": "key compromised (lost or stolen laptop)",
    "affiliation-changed": "left the course or changed programme",
    "superseded": "replaced by a new certificate",
    "cessation-of-operation": "no longer needed",
    "privilege-withdrawn": "permission withdrawn",
}


#: The same, short enough for a table cell.
REASON_SHORT: dict[str, str] = {
    "unspecified": "no reason given",
    "key-compromise": "key compromised",
    "affiliation-changed": "left the course",
    "superseded": "replaced",
    "cessation-of-operation": "no longer needed",
    "privilege-withdrawn": "permission withdrawn",
}


def _day(moment: dt.datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"


def certificate_state(cert: IssuedCertificate, now: dt.datetime | None = None) -> str:
    """``revoked``, ``expired`` or ``valid``."""
    if cert.revoked_at is not None:
        return "revoked"
    if cert.not_after < (now or dt.datetime.now(dt.UTC)):
        return "expired"
    return "valid"


def status_text(cert: IssuedCertificate, now: dt.datetime | None = None) -> str:
    """What the register says of a certificate, in words."""
    state = certificate_state(cert, now)
    if state == "revoked" and cert.revoked_at is not None:
        reason = REASON_SHORT.get(cert.revocation_reason or "", cert.revocation_reason or "")
        return f"Revoked {_day(cert.revoked_at)}: {reason}"
    if state == "expired":
        return f"Expired {_day(cert.not_after)}"
    return "Valid"


_COLUMNS: tuple[Column[IssuedCertificate], ...] = (
    Column("Name", lambda c: c.name or ""),
    Column("ID", lambda c: c.subject_id or ""),
    Column("Role", lambda c: role_label(c.role) if c.role else "(none)"),
    Column("Status", status_text),
    Column("Valid from", lambda c: _day(c.not_before), sort_key=lambda c: c.not_before.isoformat()),
    Column("Valid until", lambda c: _day(c.not_after), sort_key=lambda c: c.not_after.isoformat()),
    Column("Serial", lambda c: c.serial),
)


class IssuedCertificateModel(ColumnTableModel["IssuedCertificate"]):
    """One row per issued certificate, oldest first (as ``ca list``)."""

    NAME, ID, ROLE, STATUS, FROM, UNTIL, SERIAL = range(7)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_COLUMNS, parent)

    @override
    def row_data(self, row: IssuedCertificate, column: int, role: int) -> Any:
        if role == CertificateRole:
            return row
        if role == Qt.ItemDataRole.UserRole:
            return self.sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            why = REASON_WORDS.get(row.revocation_reason or "", row.revocation_reason or "")
            revoked = f"\nRevoked: {why}" if row.revoked_at else ""
            return plain_tooltip(
                f"{row.name or ''} ({row.subject_id or 'no id'}), {row.role or 'no role'}\n"
                f"Serial {row.serial}\nSHA-256 {row.fingerprint}\n{row.path}{revoked}"
            )
        if column != self.STATUS:
            return None
        state = certificate_state(row)
        kind = {"revoked": "error", "expired": "warning", "valid": "success"}[state]
        background, text = status_colours(kind)
        if role == Qt.ItemDataRole.DecorationRole:
            name = {"revoked": "verdict-broken", "expired": "verdict-missing"}
            return tinted_icon(name.get(state, "verdict-valid"), text)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(background)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(text)
        return None

    def set_certificates(self, certificates: Sequence[IssuedCertificate]) -> None:
        """Show these certificates."""
        self.set_rows(certificates)

    def certificate_at(self, row: int) -> IssuedCertificate:
        """The certificate in ``row``."""
        return self.row_at(row)
