"""Errors whose messages are safe and useful to show a student, tutor or assessor.

Every failure that a user can cause or meet (a wrong passphrase, a damaged file, a locked
portfolio) is a subclass of :class:`PortfolioError`. The command line prints ``user_message``
on one line and exits non-zero; the GUI shows it in a dialog. Nothing else should leak a
traceback to a user.
"""

from __future__ import annotations


class PortfolioError(Exception):
    """Base for errors whose message is safe and useful to show a user."""

    @property
    def user_message(self) -> str:
        """The one-line message for the user: what happened and what to do."""
        return str(self)


class WrongPassphraseError(PortfolioError):
    """The passphrase (or recovery key) does not unlock this portfolio."""


class VaultHeaderError(PortfolioError):
    """The vault header is damaged or was edited, so the keys cannot be trusted."""


class DamagedRecordError(PortfolioError):
    """One stored record failed its integrity check (tampered or corrupted)."""


class PortfolioNotFoundError(PortfolioError):
    """There is no portfolio in the data folder that was named."""


class PortfolioExistsError(PortfolioError):
    """A portfolio already exists where a new one was to be created."""


class PortfolioInUseError(PortfolioError):
    """Another running copy of the app has this portfolio open."""


class CorruptDatabaseError(PortfolioError):
    """The database file is not a readable SQLite database."""


class NotFoundError(PortfolioError):
    """An entry, event or other record that was asked for does not exist."""


class ValidationError(PortfolioError):
    """Input that breaks a rule of the domain (empty title, unknown code, bad status move)."""


class StorageFullError(PortfolioError):
    """The disk is full or not writable: nothing was changed."""
