"""Exit codes of the ``portfolio`` command. Scripts depend on these numbers: never renumber.

``portfolio verify`` has its own meaning for 0-4 (see verify's help); every other verb uses
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
exit codes of 'portfolio verify' (the worst over all files, in the order 1 > 3 > 2 > 4 > 0;
see 'portfolio verify --help'):
  0  every file intact, in its boxes, by trusted signers of the right roles
  1  broken, modified or forged
  2  intact, but a signer is not trusted for its box
  3  not a signed portfolio, unreadable, or over a size, work or time limit
  4  intact and trusted, but a role given with --require has not countersigned
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
