"""Which passphrases protect a portfolio, judged by what guessing them would cost.

An attacker who copies the portfolio file can try passphrases offline as fast as they can pay
for Argon2id. The policy turns an estimate of how many guesses a passphrase needs (zxcvbn's,
supplied by ``core.passphrase_strength``; a rough fallback here keeps the domain free of
third-party code) into the time such an attacker would need, and refuses passphrases they
would find within a year, saying so in those words.

The cost model (SECURITY.md, "Passphrases"):
- one guess costs one Argon2id derivation with the vault's parameters: ``SECONDS_PER_GUESS``,
  measured by ``bench/bench_kdf.py`` on the 2-core reference machine (212 ms per core);
- the attacker is assumed ``ATTACKER_SPEEDUP`` times faster than one core of that machine
  (a hundred such machines, or a few graphics cards: Argon2id's 64 MiB per guess keeps GPUs
  from doing much better);
- on average a passphrase falls after half of its guesses.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portfolio_app.core.domain.errors import ValidationError

MIN_LENGTH = 8
SECONDS_PER_GUESS = 0.212
ATTACKER_SPEEDUP = 200
YEAR = 365.25 * 24 * 3600
#: Refused below this expected time to guess (one year of a well-equipped attacker).
REFUSE_BELOW_SECONDS = 1 * YEAR
GOOD_SECONDS = 100 * YEAR
_COMMON = (
    "password",
    "passw0rd",
    "123456",
    "12345678",
    "qwerty",
    "letmein",
    "iloveyou",
    "welcome",
    "portfolio",
    "nursing",
    "medicine",
)


@dataclass(frozen=True)
class Strength:
    """A 0-4 score, a label, a hint, and whether the policy accepts it."""

    score: int
    label: str
    hint: str
    acceptable: bool = True
    seconds_to_guess: float = 0.0


def seconds_to_guess(guesses: float) -> float:
    """Expected time for the attacker of the cost model to find a passphrase."""
    return max(guesses, 1.0) / 2 * SECONDS_PER_GUESS / ATTACKER_SPEEDUP


def describe_duration(seconds: float) -> str:
    """'less than a second', 'about 3 hours', 'about 40 years', 'thousands of years'."""
    if seconds < 1:
        return "less than a second"
    for unit, size in (("year", YEAR), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds / size
            if unit == "year" and count >= 10_000:
                return "thousands of years"
            whole = int(count)
            return f"about {whole} {unit}{'s' if whole != 1 else ''}"
    whole = int(seconds)
    return f"about {whole} second{'s' if whole != 1 else ''}"


def rough_guesses(passphrase: str) -> float:
    """A crude estimate when no estimator is available (character pool, common words)."""
    pool = 0
    if any(c.islower() for c in passphrase):
        pool += 26
    if any(c.isupper() for c in passphrase):
        pool += 26
    if any(c.isdigit() for c in passphrase):
        pool += 10
    if any(not c.isalnum() for c in passphrase):
        pool += 33
    bits = len(passphrase) * math.log2(max(pool, 2))
    if any(word in passphrase.lower() for word in _COMMON):
        bits -= 20
    if len(set(passphrase)) <= 3:
        bits = min(bits, 10)
    return float(2.0 ** max(bits, 0.0))


def estimate(passphrase: str, guesses: float | None = None, warning: str = "") -> Strength:
    """How strong a passphrase is, from an estimate of the guesses it needs."""
    if not passphrase:
        return Strength(
            0,
            "empty",
            f"Use at least {MIN_LENGTH} characters; four random words work well.",
            acceptable=False,
        )
    guesses = rough_guesses(passphrase) if guesses is None else guesses
    seconds = seconds_to_guess(guesses)
    when = describe_duration(seconds)
    reason = f" {warning.rstrip('.')}." if warning else ""
    if len(passphrase) < MIN_LENGTH:
        return Strength(
            1,
            "too short",
            f"Too short: use at least {MIN_LENGTH} characters; four random words work well.",
            acceptable=False,
            seconds_to_guess=seconds,
        )
    if seconds < REFUSE_BELOW_SECONDS:
        return Strength(
            0 if seconds < 86400 else 1,
            "too easy to guess",
            f"Too easy to guess: someone with a copy of the portfolio file could find it in "
            f"{when}.{reason} Add more words; four random words work well.",
            acceptable=False,
            seconds_to_guess=seconds,
        )
    if seconds < 10 * YEAR:
        return Strength(
            2,
            "fair",
            f"Fair: {when} to guess offline. A few more words would make it much stronger.",
            seconds_to_guess=seconds,
        )
    if seconds < GOOD_SECONDS:
        return Strength(3, "good", f"Good: {when} to guess offline.", seconds_to_guess=seconds)
    return Strength(4, "strong", f"Strong: {when} to guess offline.", seconds_to_guess=seconds)


def check_new_passphrase(passphrase: str, guesses: float | None = None, warning: str = "") -> None:
    """Refuse passphrases an attacker with the file would guess within a year, saying why."""
    strength = estimate(passphrase, guesses, warning)
    if strength.acceptable:
        return
    if strength.label == "too short":
        raise ValidationError(
            f"the passphrase must have at least {MIN_LENGTH} characters "
            "(four random words are easy to remember and hard to guess)"
        )
    raise ValidationError(
        "that passphrase is too easy to guess: someone who copied the portfolio file could "
        f"find it in {describe_duration(strength.seconds_to_guess)}"
        + (f" ({warning.rstrip('.')})" if warning else "")
        + ". Use a longer one; four random words are easy to remember and hard to guess"
    )
