"""Passphrase -> key-encryption key with Argon2id, and the parameters stored beside it.

The parameters are stored per vault (in its key slot header) so they can rise over time without
breaking old portfolios. Reading them back is guarded: a header that asks for more work than
four times today's default (a denial-of-service through an edited file or backup) is refused
before any derivation starts. The bounds are on memory, passes and lanes each, and on memory x
passes (the cost Argon2id actually pays): the worst header accepted takes about 1 s here
(``bench/bench_kdf.py`` measures it), against 219 s for the largest the old bounds accepted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from portfolio_app.core.domain.errors import VaultHeaderError

KEY_LENGTH = 32
SALT_LENGTH = 16
MAX_MEMORY_KIB = 512 * 1024
MAX_ITERATIONS = 16
MAX_LANES = 8
#: memory (KiB) x passes: 4x the default 64 MiB x 4 passes.
MAX_WORK = 4 * 64 * 1024 * 4
MIN_MEMORY_KIB = 8


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost parameters (memory in KiB)."""

    memory_kib: int = 64 * 1024
    iterations: int = 4
    lanes: int = 1

    def check(self) -> None:
        """Refuse parameters that are out of range (edited or damaged header)."""
        if not (MIN_MEMORY_KIB <= self.memory_kib <= MAX_MEMORY_KIB):
            raise VaultHeaderError("the vault header asks for an impossible amount of memory")
        if not (1 <= self.iterations <= MAX_ITERATIONS) or not (1 <= self.lanes <= MAX_LANES):
            raise VaultHeaderError("the vault header holds key-derivation settings out of range")
        if self.memory_kib < 8 * self.lanes:
            raise VaultHeaderError("the vault header holds key-derivation settings out of range")
        if self.memory_kib * self.iterations > MAX_WORK:
            raise VaultHeaderError(
                "the vault header asks for more key-derivation work than this app ever sets; "
                "it was edited or damaged"
            )

    def to_dict(self) -> dict[str, int]:
        """Plain dict for the JSON header."""
        return {"m": self.memory_kib, "t": self.iterations, "p": self.lanes}

    @classmethod
    def from_dict(cls, data: object) -> KdfParams:
        """Parse and check the header's parameters."""
        if not isinstance(data, dict):
            raise VaultHeaderError("the vault header is damaged (no key-derivation settings)")
        try:
            params = cls(int(data["m"]), int(data["t"]), int(data["p"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise VaultHeaderError(
                "the vault header is damaged (bad key-derivation settings)"
            ) from exc
        params.check()
        return params


#: What new portfolios use: 64 MiB and 4 passes, about 0.3 s on the reference 2-core machine
#: (security-notes.md §1.8: 64 MiB/t=3 took 0.16-0.25 s). Tests inject cheaper parameters.
DEFAULT_PARAMS = KdfParams()


def default_params() -> KdfParams:
    """Parameters for new key slots (a function so tests can substitute cheap ones)."""
    return DEFAULT_PARAMS


def new_salt() -> bytes:
    """A fresh random salt."""
    return os.urandom(SALT_LENGTH)


def derive_key(passphrase: str, salt: bytes, params: KdfParams) -> bytearray:
    """Derive the key-encryption key. Returned as a bytearray so callers can wipe it."""
    params.check()
    kdf = Argon2id(
        salt=salt,
        length=KEY_LENGTH,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return bytearray(kdf.derive(passphrase.encode("utf-8")))
