"""The passphrase policy with zxcvbn's guess estimate: what init, passwd, restore and the GUI use.

zxcvbn (Dropbox's estimator; the maintained Python port, MIT licence) knows common
passwords, names, dictionary words, keyboard patterns, dates and leet substitutions, which a
character-pool count does not ("P@ssw0rd1" looks varied and is among the first guesses). Its
estimate of the guesses needed goes into the domain policy's cost model
(``core.domain.passphrase_policy``). zxcvbn is imported on first use: it loads word lists.
"""

from __future__ import annotations

from portfolio_app.core.domain import passphrase_policy
from portfolio_app.core.domain.passphrase_policy import MIN_LENGTH, Strength

__all__ = ["MIN_LENGTH", "Strength", "check_new_passphrase", "estimate"]

#: zxcvbn's running time grows with length; nobody types a longer passphrase.
_MAX_ESTIMATED = 100


def _zxcvbn(passphrase: str) -> tuple[float, str]:
    from zxcvbn import zxcvbn

    if len(passphrase) > _MAX_ESTIMATED:
        head = zxcvbn(passphrase[:_MAX_ESTIMATED])
        return float(head["guesses"]) * 10.0 ** (len(passphrase) - _MAX_ESTIMATED), ""
    result = zxcvbn(passphrase)
    warning = str(result.get("feedback", {}).get("warning") or "")
    return float(result["guesses"]), warning


def estimate(passphrase: str) -> Strength:
    """How strong a passphrase is (score, label, hint with the time to guess it)."""
    if not passphrase:
        return passphrase_policy.estimate(passphrase)
    guesses, warning = _zxcvbn(passphrase)
    return passphrase_policy.estimate(passphrase, guesses, warning)


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase the policy refuses (too short, or guessed within a year)."""
    if not passphrase:
        passphrase_policy.check_new_passphrase(passphrase)
        return
    guesses, warning = _zxcvbn(passphrase)
    passphrase_policy.check_new_passphrase(passphrase, guesses, warning)
