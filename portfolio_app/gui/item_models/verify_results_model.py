"""The verify window's tables: one row per checked file, and one per signature or open box.

Verdicts and statuses carry their colour (background and text), an icon whose shape differs
per verdict, and words: colour is never the only signal. Every text from a file (names,
comments, file names) is display text, which item views draw as plain text; tooltips are
escaped (``plain_tooltip``) because Qt renders tooltips as rich text when they look like it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush
from typing_extensions import override

from portfolio_app.gui.item_models.column_table_model import Column, ColumnTableModel
from portfolio_app.gui.trust_text import RoleRow, role_rows, stage_text
from portfolio_app.gui.widgets.plain_text import plain_tooltip
from portfolio_app.gui.widgets.verdict_banner import (
    VERDICT_SHORT,
    look_for,
    status_colours,
    tinted_icon,
    verdict_icon,
)

if TYPE_CHECKING:
    from portfolio_app.core.signing.verification import VerificationReport

#: The (path, report) of a row.
ResultRole = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class VerifyResult:
    """One checked file: where it is, how it is shown, and its report."""

    path: Path
    display: str
    report: VerificationReport

    @property
    def student(self) -> str:
        """The student's name and id as the signed ``portfolio.json`` gives them."""
        summary = self.report.summary
        name = summary.student_name or ""
        return f"{name} ({summary.student_id})" if name and summary.student_id else name


def display_name(path: Path, roots: Sequence[Path]) -> str:
    """``path`` under the folder it was found in (``batch/alice.pdf``), else its name."""
    for root in roots:
        if path == root:
            continue
        try:
            return str(Path(root.name) / path.relative_to(root))
        except ValueError:
            continue
    return path.name


_RESULT_COLUMNS: tuple[Column[VerifyResult], ...] = (
    Column("File", lambda r: r.display),
    Column("Verdict", lambda r: VERDICT_SHORT.get(r.report.verdict.value, r.report.verdict.value)),
    Column("Student", lambda r: r.student),
    Column("Stage", lambda r: stage_text(r.report)),
)


class VerifyResultsModel(ColumnTableModel[VerifyResult]):
    """One row per file, in the order checked."""

    FILE, VERDICT, STUDENT, STAGE = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_RESULT_COLUMNS, parent)

    @override
    def row_data(self, row: VerifyResult, column: int, role: int) -> Any:
        verdict = row.report.verdict.value
        if role == ResultRole:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{row.path}\n{row.report.reason}")
        if column == self.VERDICT:
            if role == Qt.ItemDataRole.DecorationRole:
                return verdict_icon(verdict)
            background, text = status_colours(look_for(verdict).kind)
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(background)
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(text)
        return None

    def set_results(self, results: Sequence[VerifyResult]) -> None:
        """Show these results."""
        self.set_rows(results)

    def result_at(self, row: int) -> VerifyResult:
        """The result in ``row``."""
        return self.row_at(row)


def _clip(text: str, limit: int = 280) -> str:
    """A long comment's start (the card below shows it all)."""
    return text if len(text) <= limit else text[:limit].rstrip() + " …"


def _time(row: RoleRow) -> str:
    return f"{row.time}\n{row.time_source}" if row.time else ""


_ROLE_COLUMNS: tuple[Column[RoleRow], ...] = (
    Column("Role", lambda r: r.role),
    Column("Signer", lambda r: r.signer),
    Column("Decision", lambda r: r.decision),
    Column("Comment", lambda r: _clip(r.comment)),
    Column("Time (source)", _time),
    Column("Check", lambda r: r.status),
)


class SignatureRoleModel(ColumnTableModel[RoleRow]):
    """The per-role view of one report: each signature in order, then each open staff box.

    Cells may hold several lines (a comment, the time and its source); the view wraps them.
    """

    ROLE, SIGNER, DECISION, COMMENT, TIME, CHECK = range(6)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(_ROLE_COLUMNS, parent)

    @override
    def row_data(self, row: RoleRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.COMMENT and row.comment:
                return plain_tooltip(row.comment)
            if column == self.CHECK:
                return plain_tooltip(row.status)
            return None
        if column != self.CHECK:
            return None
        kind = {True: "success", False: "error", None: "warning" if row.signed else "info"}[row.ok]
        background, text = status_colours(kind)
        if role == Qt.ItemDataRole.DecorationRole:
            name = {
                "success": "verdict-valid",
                "error": "verdict-broken",
                "warning": "verdict-untrusted",
                "info": "verdict-missing",
            }[kind]
            return tinted_icon(name, text)
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(background)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(text)
        return None

    def set_report(self, report: VerificationReport | None) -> None:
        """Show the rows of ``report`` (none for ``None``)."""
        self.set_rows(role_rows(report) if report is not None else [])
