"""Errors the export raises, each with a message that is safe to show a student."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from portfolio_app.core.domain.errors import PortfolioError

if TYPE_CHECKING:
    from portfolio_app.core.export.identifiers import ExportFinding


class ExportCancelled(PortfolioError):  # noqa: N818  (the name callers were promised)
    """The student cancelled the export; no file was written and no temp file is left."""

    def __init__(self, message: str = "Export cancelled; no file was written.") -> None:
        super().__init__(message)


class IdentifierFindingsError(PortfolioError):
    """The text to export may identify a patient; the student has to confirm first.

    Raised instead of exporting so the caller can list ``findings`` (entry, kind, excerpt,
    advice) and ask again with ``acknowledge_findings=True``. The guard warns and never
    rewrites text: anonymising is the student's job (domain.md §4.4).
    """

    def __init__(self, findings: Sequence[ExportFinding]) -> None:
        self.findings: tuple[ExportFinding, ...] = tuple(findings)
        count = len(self.findings)
        noun = "possible patient identifier" if count == 1 else "possible patient identifiers"
        super().__init__(
            f"{count} {noun} found in the text to export. Review them, anonymise the entries, "
            "or confirm that the export may go ahead."
        )


class ExportLayoutError(PortfolioError):
    """reportlab could not lay the document out (a bug or an input we did not foresee)."""


class ExportWriteError(PortfolioError):
    """The output file could not be written (permissions, a read-only disk...)."""
