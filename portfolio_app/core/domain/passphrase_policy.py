"""How strong a passphrase is, in words a student understands.

The estimate is deliberately simple (length and character variety, common-word penalty): it
is a hint, and the vault's Argon2id cost is what slows guessing. A minimum length is enforced
because a portfolio of patient-adjacent reflections must not sit behind "1234".
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from portfolio_app.core.domain.errors import ValidationError

MIN_LENGTH = 8
_COMMON = (
    "password",
    "passw0rd",
    "123456",
    "qwerty",
    "letmein",
    "portfolio",
    "nursing",
    "medicine",
)


@dataclass(frozen=True)
class Strength:
    """A 0-4 score and a hint."""

    score: int
    label: str
    hint: str


def estimate(passphrase: str) -> Strength:
    """Rough strength of a passphrase."""
    if not passphrase:
        return Strength(
            0, "empty", f"Use at least {MIN_LENGTH} characters; four random words work well."
        )
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
    if len(passphrase) < MIN_LENGTH or bits < 35:
        return Strength(1, "weak", "Too easy to guess: add more words or characters.")
    if bits < 55:
        return Strength(2, "fair", "Fair: a few more words would make it much stronger.")
    if bits < 75:
        return Strength(3, "good", "Good.")
    return Strength(4, "strong", "Strong.")


def check_new_passphrase(passphrase: str) -> None:
    """Refuse passphrases that are too short to protect a portfolio."""
    if len(passphrase) < MIN_LENGTH:
        raise ValidationError(
            f"the passphrase must have at least {MIN_LENGTH} characters "
            "(four random words are easy to remember and hard to guess)"
        )
