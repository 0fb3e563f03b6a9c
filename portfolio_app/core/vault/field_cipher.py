"""AES-256-GCM for every user-typed field, bound to the place it is stored.

The associated data names the table, the row id, the field and the format version, so a
ciphertext copied to another row or column (or a future format) fails to decrypt instead of
showing one entry's text inside another.
"""

from __future__ import annotations

import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from portfolio_app.core.domain.errors import DamagedRecordError

FORMAT_VERSION = 1
NONCE_LENGTH = 12
_PREFIX = bytes([FORMAT_VERSION])


def associated_data(table: str, row_id: str, field: str) -> bytes:
    """The AEAD associated data that binds a ciphertext to its place."""
    return f"reflective-portfolio|v{FORMAT_VERSION}|{table}|{row_id}|{field}".encode()


class FieldCipher:
    """Encrypts and decrypts single fields with the portfolio's data key.

    One AESGCM object is reused: building it per call would cost more than the cipher itself
    when 10,000 entries are decrypted at unlock.
    """

    def __init__(self, data_key: bytes | bytearray) -> None:
        self._aead: AESGCM | None = AESGCM(bytes(data_key))
        # Kept only so a passphrase change or a new recovery key can re-wrap the data key
        # without asking for the old passphrase again; wiped on lock.
        self._key_copy = bytearray(data_key)

    def forget_key(self) -> None:
        """Drop the key (on lock). Any later use raises."""
        self._aead = None
        for i in range(len(self._key_copy)):
            self._key_copy[i] = 0
        self._key_copy = bytearray()

    def data_key_for_rewrap(self) -> bytes:
        """The data key, for wrapping it under a new passphrase or recovery key."""
        if self._aead is None:
            raise DamagedRecordError("the portfolio is locked")
        return bytes(self._key_copy)

    @property
    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise DamagedRecordError("the portfolio is locked")
        return self._aead

    def encrypt(self, plaintext: bytes, *, table: str, row_id: str, field: str) -> bytes:
        """Encrypt with a fresh random nonce; the result is version || nonce || ciphertext+tag."""
        nonce = os.urandom(NONCE_LENGTH)
        sealed = self._cipher.encrypt(nonce, plaintext, associated_data(table, row_id, field))
        return _PREFIX + nonce + sealed

    def decrypt(self, blob: bytes, *, table: str, row_id: str, field: str) -> bytes:
        """Decrypt, raising DamagedRecordError if the blob was changed, moved or truncated."""
        if len(blob) < 1 + NONCE_LENGTH + 16 or blob[:1] != _PREFIX:
            raise DamagedRecordError(f"{table} record {row_id}: field '{field}' is damaged")
        try:
            return self._cipher.decrypt(
                blob[1 : 1 + NONCE_LENGTH],
                blob[1 + NONCE_LENGTH :],
                associated_data(table, row_id, field),
            )
        except InvalidTag as exc:
            raise DamagedRecordError(
                f"{table} record {row_id}: field '{field}' failed its integrity check "
                "(it was changed or moved outside the app)"
            ) from exc

    def encrypt_text(self, text: str, *, table: str, row_id: str, field: str) -> bytes:
        """Encrypt a str as UTF-8."""
        return self.encrypt(text.encode("utf-8"), table=table, row_id=row_id, field=field)

    def decrypt_text(self, blob: bytes, *, table: str, row_id: str, field: str) -> str:
        """Decrypt to str."""
        return self.decrypt(blob, table=table, row_id=row_id, field=field).decode("utf-8")

    def encrypt_json(self, value: object, *, table: str, row_id: str, field: str) -> bytes:
        """Encrypt a JSON-serialisable value (lists of tags, section lists...)."""
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self.encrypt(raw, table=table, row_id=row_id, field=field)

    def decrypt_json(self, blob: bytes, *, table: str, row_id: str, field: str) -> object:
        """Decrypt a JSON value."""
        raw = self.decrypt(blob, table=table, row_id=row_id, field=field)
        try:
            return json.loads(raw)
        except ValueError as exc:  # authentic but unreadable: a bug, not tampering
            raise DamagedRecordError(
                f"{table} record {row_id}: field '{field}' is unreadable"
            ) from exc
