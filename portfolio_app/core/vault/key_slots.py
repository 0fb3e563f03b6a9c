"""Key slots: the random data key, wrapped once under the passphrase and once under a recovery key.

A slot is a small JSON header (format, vault id, slot kind, KDF parameters, salt) plus the
wrapped data key. The header's canonical bytes are the associated data of the wrap, so an edited
parameter makes the unwrap fail (a downgrade is detected). A plain SHA-256 checksum of the header
is kept beside it only to tell the user *which* failure happened: a header that no longer matches
its checksum was damaged or edited; one that matches but does not unwrap means the passphrase is
wrong. The checksum adds no security; the AEAD tag does that.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portfolio_app.core.domain.errors import VaultHeaderError, WrongPassphraseError
from portfolio_app.core.vault.kdf import KdfParams, derive_key, new_salt

SlotKind = Literal["passphrase", "recovery"]
VAULT_FORMAT = 1
DATA_KEY_LENGTH = 32
RECOVERY_KEY_BYTES = 20  # 160 bits: 32 base32 characters


@dataclass(frozen=True)
class KeySlot:
    """One stored wrap of the data key."""

    kind: SlotKind
    header: bytes  # canonical JSON
    checksum: str
    wrapped_key: bytes

    def header_fields(self) -> dict[str, object]:
        """The parsed header, after checking it against its checksum."""
        if not hmac.compare_digest(hashlib.sha256(self.header).hexdigest(), self.checksum):
            raise VaultHeaderError(
                "the vault header is damaged or was edited outside the app; the portfolio "
                "cannot be unlocked safely. Restore it from a backup"
            )
        try:
            fields = json.loads(self.header)
        except ValueError as exc:
            raise VaultHeaderError("the vault header is damaged; restore from a backup") from exc
        if not isinstance(fields, dict) or fields.get("format") != VAULT_FORMAT:
            raise VaultHeaderError(
                "the vault was made by a different version of the app, or is damaged"
            )
        if fields.get("slot") != self.kind:
            raise VaultHeaderError("the vault header is damaged (slot kind mismatch)")
        return fields


def _canonical(fields: dict[str, object]) -> bytes:
    return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _wrap(kek: bytes | bytearray, data_key: bytes | bytearray, header: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(bytes(kek)).encrypt(nonce, bytes(data_key), header)


def _unwrap(kek: bytes | bytearray, wrapped: bytes, header: bytes) -> bytearray:
    if len(wrapped) != 12 + DATA_KEY_LENGTH + 16:
        raise VaultHeaderError("the stored key is damaged; restore from a backup")
    return bytearray(AESGCM(bytes(kek)).decrypt(wrapped[:12], wrapped[12:], header))


def _wipe(buffer: bytearray) -> None:
    for i in range(len(buffer)):
        buffer[i] = 0


def new_data_key() -> bytearray:
    """A fresh random 256-bit data key."""
    return bytearray(os.urandom(DATA_KEY_LENGTH))


def make_passphrase_slot(
    data_key: bytes | bytearray, passphrase: str, params: KdfParams, vault_id: str
) -> KeySlot:
    """Wrap the data key under a passphrase with fresh salt."""
    fields: dict[str, object] = {
        "format": VAULT_FORMAT,
        "vault": vault_id,
        "slot": "passphrase",
        "kdf": "argon2id",
        "params": params.to_dict(),
        "salt": base64.b64encode(new_salt()).decode(),
    }
    header = _canonical(fields)
    kek = derive_key(passphrase, base64.b64decode(str(fields["salt"])), params)
    try:
        wrapped = _wrap(kek, data_key, header)
    finally:
        _wipe(kek)
    return KeySlot("passphrase", header, hashlib.sha256(header).hexdigest(), wrapped)


def unlock_passphrase_slot(slot: KeySlot, passphrase: str) -> bytearray:
    """Unwrap the data key with a passphrase."""
    fields = slot.header_fields()
    if fields.get("kdf") != "argon2id":
        raise VaultHeaderError("the vault uses an unknown key-derivation method")
    params = KdfParams.from_dict(fields.get("params"))
    try:
        salt = base64.b64decode(str(fields["salt"]), validate=True)
    except (KeyError, ValueError) as exc:
        raise VaultHeaderError("the vault header is damaged (salt)") from exc
    kek = derive_key(passphrase, salt, params)
    try:
        return _unwrap(kek, slot.wrapped_key, slot.header)
    except InvalidTag as exc:
        raise WrongPassphraseError(
            "that passphrase does not unlock this portfolio; check Caps Lock and try again, "
            "or use your recovery key"
        ) from exc
    finally:
        _wipe(kek)


def new_recovery_key() -> str:
    """A printable recovery key: 32 base32 characters in groups of four."""
    raw = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode()
    return "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def _recovery_bytes(recovery_key: str) -> bytes:
    cleaned = "".join(ch for ch in recovery_key.upper() if ch.isalnum())
    cleaned = cleaned.replace("0", "O").replace("1", "I").replace("8", "B")
    try:
        raw = base64.b32decode(cleaned)
    except ValueError as exc:
        raise WrongPassphraseError(
            "that is not a recovery key: it should be 8 groups of 4 letters and digits"
        ) from exc
    if len(raw) != RECOVERY_KEY_BYTES:
        raise WrongPassphraseError(
            "that is not a recovery key: it should be 8 groups of 4 letters and digits"
        )
    return raw


def _recovery_kek(recovery_key: str, salt: bytes) -> bytearray:
    # The recovery key is 160 random bits, so a fast KDF is enough: no guessing to slow down.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"rp-recovery-v1")
    return bytearray(hkdf.derive(_recovery_bytes(recovery_key)))


def make_recovery_slot(data_key: bytes | bytearray, recovery_key: str, vault_id: str) -> KeySlot:
    """Wrap the data key under a recovery key."""
    salt = new_salt()
    fields: dict[str, object] = {
        "format": VAULT_FORMAT,
        "vault": vault_id,
        "slot": "recovery",
        "kdf": "hkdf-sha256",
        "salt": base64.b64encode(salt).decode(),
    }
    header = _canonical(fields)
    kek = _recovery_kek(recovery_key, salt)
    try:
        wrapped = _wrap(kek, data_key, header)
    finally:
        _wipe(kek)
    return KeySlot("recovery", header, hashlib.sha256(header).hexdigest(), wrapped)


def unlock_recovery_slot(slot: KeySlot, recovery_key: str) -> bytearray:
    """Unwrap the data key with the recovery key."""
    fields = slot.header_fields()
    try:
        salt = base64.b64decode(str(fields["salt"]), validate=True)
    except (KeyError, ValueError) as exc:
        raise VaultHeaderError("the recovery key slot is damaged") from exc
    kek = _recovery_kek(recovery_key, salt)
    try:
        return _unwrap(kek, slot.wrapped_key, slot.header)
    except InvalidTag as exc:
        raise WrongPassphraseError("that recovery key does not unlock this portfolio") from exc
    finally:
        _wipe(kek)


def vault_id_of(slot: KeySlot) -> str:
    """The vault id a slot belongs to."""
    return str(slot.header_fields().get("vault", ""))
