"""What the person verifying trusts: CA certificates, a staff CA, pinned certificates or
fingerprints, time-stamping authorities and revocation lists (``TrustInputs``' parts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Qt
from typing_extensions import override

from portfolio_app.gui.item_models.column_table_model import NO_PARENT, Index, leaf_flags
from portfolio_app.gui.widgets.plain_text import plain_tooltip

if TYPE_CHECKING:
    from portfolio_app.core.services.export_service import TrustInputs

#: Anchor kind -> how people read it (the first word of its row).
KIND_TEXT: dict[str, str] = {
    "trust": "CA or certificate",
    "staff": "Staff CA",
    "fingerprint": "Fingerprint",
    "tsa": "Time-stamping authority",
    "crl": "Revocation list",
}


@dataclass(frozen=True)
class TrustAnchor:
    """One trust input: a file of ``kind`` (trust, staff, tsa, crl), or a SHA-256 fingerprint.

    ``label`` says what is in it (a certificate's name and short fingerprint); the file is read
    again when verifying (``TrustInputs.from_paths``), so the report names it.
    """

    label: str
    kind: str = "trust"
    path: Path | None = None
    fingerprint: str | None = None

    @property
    def kind_text(self) -> str:
        """ "CA or certificate", "Fingerprint"... as people read it."""
        return KIND_TEXT.get(self.kind, self.kind)


class TrustAnchorListModel(QAbstractListModel):
    """The trust inputs added in the verify window, in the order they were added."""

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
            return f"{anchor.kind_text}: {anchor.label}"
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"\n{anchor.path}" if anchor.path is not None else ""
            return plain_tooltip(f"{anchor.kind_text}: {anchor.label}{where}")
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

    def paths(self, kind: str) -> list[Path]:
        """The files of one kind, in order."""
        return [a.path for a in self._anchors if a.kind == kind and a.path is not None]

    def fingerprints(self) -> list[str]:
        """The pinned fingerprints."""
        return [a.fingerprint for a in self._anchors if a.fingerprint is not None]

    def trust_inputs(self) -> TrustInputs:
        """Read every file now (``ValidationError`` for one that cannot be read)."""
        from portfolio_app.core.services.export_service import TrustInputs

        return TrustInputs.from_paths(
            trust=self.paths("trust"),
            staff=self.paths("staff"),
            fingerprints=self.fingerprints(),
            tsa=self.paths("tsa"),
            crls=self.paths("crl"),
        )


def anchors_summary(anchors: Sequence[TrustAnchor]) -> str:
    """One line for a collapsed trust section: "2 CA or certificate, 1 revocation list"."""
    counts: dict[str, int] = {}
    for anchor in anchors:
        counts[anchor.kind_text] = counts.get(anchor.kind_text, 0) + 1
    if not counts:
        return "Nothing trusted yet"
    return ", ".join(f"{n} {kind.lower()}" for kind, n in counts.items())
