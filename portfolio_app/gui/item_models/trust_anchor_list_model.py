"""What the assessor trusts when verifying: CA or student certificates, and fingerprints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from typing_extensions import override

from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index, leaf_flags


@dataclass(frozen=True)
class TrustAnchor:
    """One trust input: certificate bytes (PEM or DER) with a label, or a SHA-256 fingerprint."""

    label: str
    certificate: bytes | None = None
    fingerprint: str | None = None

    @property
    def kind(self) -> str:
        """ "Certificate" or "Fingerprint", as people read it."""
        return "Certificate" if self.certificate is not None else "Fingerprint"


class TrustAnchorListModel(QAbstractListModel):
    """The trust anchors added in the verify window, in the order they were added."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._anchors: list[TrustAnchor] = []

    @override
    def rowCount(self, parent: Index = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._anchors)

    @override
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._anchors):
            return None
        anchor = self._anchors[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{anchor.kind}: {anchor.label}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return anchor.label
        return None

    @override
    def flags(self, index: Index) -> Qt.ItemFlag:
        return leaf_flags(index)

    def add(self, anchor: TrustAnchor) -> bool:
        """Append an anchor unless the same one is already there; True when added."""
        if anchor in self._anchors:
            return False
        row = len(self._anchors)
        self.beginInsertRows(QModelIndex(), row, row)
        self._anchors.append(anchor)
        self.endInsertRows()
        return True

    def remove(self, row: int) -> None:
        """Remove the anchor in ``row``."""
        if not 0 <= row < len(self._anchors):
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._anchors[row]
        self.endRemoveRows()

    def anchors(self) -> list[TrustAnchor]:
        """Every anchor, in order."""
        return list(self._anchors)

    def certificates(self) -> list[bytes]:
        """The certificate files' bytes, for ``verify_pdf(trust_certs_pem=...)``."""
        return [a.certificate for a in self._anchors if a.certificate is not None]

    def fingerprints(self) -> list[str]:
        """The fingerprints, for ``verify_pdf(trusted_fingerprints=...)``."""
        return [a.fingerprint for a in self._anchors if a.fingerprint is not None]
