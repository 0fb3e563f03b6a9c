"""Errors raised by the signing layer, each with a message that is safe to show a user.

They subclass :class:`~portfolio_app.core.domain.errors.PortfolioError` so the CLI and GUI can
print ``user_message`` without a traceback. Verification of an untrusted PDF never raises: a
damaged or hostile file is a *verdict*, not an error. Only bad inputs supplied by the person
running the check (a trust certificate that is not a certificate, a mistyped fingerprint) raise
:class:`VerificationInputError`.
"""

from __future__ import annotations

from portfolio_app.core.domain.errors import PortfolioError


class IdentityError(PortfolioError):
    """Key or certificate material is unreadable, or the key and certificate do not match."""


class CertificateAuthorityError(PortfolioError):
    """A course CA could not be loaded or refused to issue a certificate (e.g. a bad CSR)."""


class SigningError(PortfolioError):
    """A PDF could not be signed (not a PDF, encrypted, already certified, ...)."""


class CountersignRefusedError(SigningError):
    """Countersigning was refused because the student's signature is missing or broken."""


class VerificationInputError(PortfolioError):
    """A trust certificate or fingerprint given to the verifier is malformed."""
