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


class IntegrityFindingsPendingError(PortfolioError):
    """The portfolio was changed outside the app and the student has not seen the findings.

    A signed export vouches for the portfolio, so it waits until the student has read what
    changed (``PortfolioService.acknowledge_integrity_findings``; ``portfolio check --accept``
    or the GUI's findings window) or restored a backup.
    """

    def __init__(self, findings: Sequence[str]) -> None:
        self.findings = tuple(findings)
        listed = "; ".join(self.findings[:3]) + ("; ..." if len(self.findings) > 3 else "")
        super().__init__(
            f"the portfolio was changed outside the app ({len(self.findings)} finding(s): "
            f"{listed}). Nothing was exported. Restore a backup taken before the change, or "
            "accept the changes first ('Keep it as it is now' in the window shown at unlock, "
            "or 'portfolio check --accept'; 'portfolio check' lists them)"
        )


class DamagedRecordsError(PortfolioError):
    """Some records cannot be decrypted; exporting would silently leave them out."""

    def __init__(self, described: Sequence[str]) -> None:
        self.described = tuple(described)
        listed = "; ".join(self.described[:3]) + ("; ..." if len(self.described) > 3 else "")
        super().__init__(
            f"{len(self.described)} record(s) cannot be read, so the export would leave them "
            f"out: {listed}. Nothing was exported. Restore a backup, or export without them "
            "with --leave-out-damaged (the PDF then says what was left out)"
        )
