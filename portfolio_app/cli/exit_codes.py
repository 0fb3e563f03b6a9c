"""Exit codes of the ``portfolio`` command. Scripts depend on these numbers: never renumber.

``portfolio verify`` has its own meaning for 0-3 (see verify's help); every other verb uses
these.
"""

from __future__ import annotations

from portfolio_app.core.domain.errors import (
    CorruptDatabaseError,
    DamagedRecordError,
    PortfolioError,
    PortfolioInUseError,
    PortfolioNotFoundError,
    VaultHeaderError,
    WrongPassphraseError,
)

OK = 0
FAILED = 1  # the operation failed; the message says why (bad input, unknown id...)
USAGE = 2  # the command line itself was wrong
NO_PORTFOLIO = 3  # no portfolio in the data folder
CANNOT_UNLOCK = 4  # wrong passphrase or recovery key
DAMAGED = 5  # the portfolio file or its header is damaged or was tampered with
IN_USE = 6  # another process has the portfolio open
INTERRUPTED = 130

HELP_TEXT = """\
exit codes (all verbs but verify):
  0  success
  1  the operation failed; the message says why (bad input, unknown id, full disk...)
  2  the command line was wrong
  3  no portfolio in the data folder (run 'portfolio init' or pass --data-dir)
  4  the passphrase or recovery key does not unlock the portfolio
  5  the portfolio file or its vault header is damaged or was tampered with
  6  another copy of the app has this portfolio open
exit codes of 'portfolio verify':
  0  every file intact and signed by a trusted signer
  1  a signature is broken, or the document was changed in a way signing did not allow
  2  intact, but the signer is not trusted (no or another trust anchor)
  3  not a signed portfolio, or unreadable
"""


def code_for(error: PortfolioError) -> int:
    """The exit code for an error."""
    if isinstance(error, PortfolioNotFoundError):
        return NO_PORTFOLIO
    if isinstance(error, WrongPassphraseError):
        return CANNOT_UNLOCK
    if isinstance(error, CorruptDatabaseError | VaultHeaderError | DamagedRecordError):
        return DAMAGED
    from portfolio_app.core.export.errors import DamagedRecordsError, IntegrityFindingsPendingError

    if isinstance(error, DamagedRecordsError | IntegrityFindingsPendingError):
        return DAMAGED
    if isinstance(error, PortfolioInUseError):
        return IN_USE
    return FAILED
