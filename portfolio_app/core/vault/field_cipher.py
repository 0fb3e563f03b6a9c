"""AES-256-GCM for every user-typed field, bound to the place it is stored and to its save.

The associated data names the table, the row id, the field and the record's save counter
(``version``), so a ciphertext copied to another row or column fails to decrypt, and so does
an older ciphertext of the *same* field copied back over a newer one (a rollback of one
field). A whole record rolled back consistently (every field and the counter together) still
decrypts: the keyed manifest (``core.storage.integrity``) catches that.

Blobs start with a format byte. Format 1 (no save counter in the associated data) is what
portfolios written before the integrity migration hold; it is accepted only by the one-off
migration that re-encrypts them (``accept_legacy``), never afterwards, so an old format-1
ciphertext cannot be slipped back into a migrated portfolio.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portfolio_app.core.domain.errors import DamagedRecordError

FORMAT_VERSION = 2
LEGACY_FORMAT = 1
NONCE_LENGTH = 12
_PREFIX = bytes([FORMAT_VERSION])
_LEGACY_PREFIX = bytes([LEGACY_FORMAT])
#: How far back a failed field is tried against older save counters, to tell "rolled back"
#: from "damaged". Bounded so a hostile file cannot make the diagnosis expensive.
_ROLLBACK_PROBES = 256
_ROLLBACK_PROBE_MAX_BYTES = 64 * 1024


def associated_data(table: str, row_id: str, field: str, version: int = 0) -> bytes:
    """The AEAD associated data that binds a ciphertext to its place and save."""
    return f"reflective-portfolio|v{FORMAT_VERSION}|{table}|{row_id}|{field}|{version}".encode()


def legacy_associated_data(table: str, row_id: str, field: str) -> bytes:
    """Format 1's associated data (before the integrity migration)."""
    return f"reflective-portfolio|v{LEGACY_FORMAT}|{table}|{row_id}|{field}".encode()


class RolledBackFieldError(DamagedRecordError):
    """A field holds an authentic but older ciphertext of itself (copied back over a newer one)."""

    def __init__(self, message: str, *, found_version: int) -> None:
        super().__init__(message)
        self.found_version = found_version


class FieldCipher:
    """Encrypts and decrypts single fields with the portfolio's data key.

    One AESGCM object is reused: building it per call would cost more than the cipher itself
    when 10,000 entries are decrypted at unlock. The manifest key (HKDF of the data key) is
    kept beside it and wiped with it.
    """

    def __init__(self, data_key: bytes | bytearray, *, accept_legacy: bool = False) -> None:
        self._aead: AESGCM | None = AESGCM(bytes(data_key))
        # Kept only so a passphrase change or a new recovery key can re-wrap the data key
        # without asking for the old passphrase again; wiped on lock.
        self._key_copy = bytearray(data_key)
        self._mac_key = bytearray(
            HKDF(
                algorithm=hashes.SHA256(), length=32, salt=None, info=b"rp-manifest-mac-v1"
            ).derive(bytes(data_key))
        )
        self.accept_legacy = accept_legacy

    def forget_key(self) -> None:
        """Drop the keys (on lock). Any later use raises."""
        self._aead = None
        for buffer in (self._key_copy, self._mac_key):
            for i in range(len(buffer)):
                buffer[i] = 0
        self._key_copy = bytearray()
        self._mac_key = bytearray()

    @property
    def is_open(self) -> bool:
        """False once the key was forgotten."""
        return self._aead is not None

    def data_key_for_rewrap(self) -> bytes:
        """The data key, for wrapping it under a new passphrase or recovery key."""
        if self._aead is None:
            raise DamagedRecordError("the portfolio is locked")
        return bytes(self._key_copy)

    def mac(self, message: bytes) -> bytes:
        """HMAC-SHA256 under the manifest key (a PRF over record identities; never stored)."""
        if self._aead is None:
            raise DamagedRecordError("the portfolio is locked")
        return hmac.digest(bytes(self._mac_key), message, hashlib.sha256)

    @property
    def _cipher(self) -> AESGCM:
        if self._aead is None:
            raise DamagedRecordError("the portfolio is locked")
        return self._aead

    def encrypt(
        self, plaintext: bytes, *, table: str, row_id: str, field: str, version: int = 0
    ) -> bytes:
        """Encrypt with a fresh random nonce; the result is format || nonce || ciphertext+tag."""
        nonce = os.urandom(NONCE_LENGTH)
        sealed = self._cipher.encrypt(
            nonce, plaintext, associated_data(table, row_id, field, version)
        )
        return _PREFIX + nonce + sealed

    def decrypt(
        self, blob: bytes, *, table: str, row_id: str, field: str, version: int = 0
    ) -> bytes:
        """Decrypt, raising DamagedRecordError if the blob was changed, moved or truncated.

        A field that fails but decrypts under an *older* save counter raises
        :class:`RolledBackFieldError`, so the message can say what happened.
        """
        if not isinstance(blob, bytes | bytearray | memoryview):  # NULL or text in the column
            raise DamagedRecordError(f"{table} record {row_id}: field '{field}' is missing")
        blob = bytes(blob)
        if len(blob) < 1 + NONCE_LENGTH + 16 or blob[:1] not in (_PREFIX, _LEGACY_PREFIX):
            raise DamagedRecordError(f"{table} record {row_id}: field '{field}' is damaged")
        nonce, sealed = blob[1 : 1 + NONCE_LENGTH], blob[1 + NONCE_LENGTH :]
        if blob[:1] == _LEGACY_PREFIX:
            if not self.accept_legacy:
                raise DamagedRecordError(
                    f"{table} record {row_id}: field '{field}' is in the old format, which a "
                    "migrated portfolio never holds (it was copied back from an older file)"
                )
            try:
                return self._cipher.decrypt(
                    nonce, sealed, legacy_associated_data(table, row_id, field)
                )
            except InvalidTag as exc:
                raise DamagedRecordError(
                    f"{table} record {row_id}: field '{field}' failed its integrity check "
                    "(it was changed or moved outside the app)"
                ) from exc
        try:
            return self._cipher.decrypt(
                nonce, sealed, associated_data(table, row_id, field, version)
            )
        except InvalidTag as exc:
            older = self._older_version(nonce, sealed, table, row_id, field, version)
            if older is not None:
                raise RolledBackFieldError(
                    f"{table} record {row_id}: field '{field}' was replaced by an older copy "
                    f"of itself (from save {older}; the record is at save {version})",
                    found_version=older,
                ) from exc
            raise DamagedRecordError(
                f"{table} record {row_id}: field '{field}' failed its integrity check "
                "(it was changed or moved outside the app)"
            ) from exc

    def _older_version(  # noqa: PLR0917 (a private helper of decrypt, called once)
        self, nonce: bytes, sealed: bytes, table: str, row_id: str, field: str, version: int
    ) -> int | None:
        if len(sealed) > _ROLLBACK_PROBE_MAX_BYTES:
            return None
        for older in range(version - 1, max(-1, version - 1 - _ROLLBACK_PROBES), -1):
            try:
                self._cipher.decrypt(nonce, sealed, associated_data(table, row_id, field, older))
            except InvalidTag:
                continue
            return older
        return None

    def encrypt_text(
        self, text: str, *, table: str, row_id: str, field: str, version: int = 0
    ) -> bytes:
        """Encrypt a str as UTF-8."""
        return self.encrypt(
            text.encode("utf-8"), table=table, row_id=row_id, field=field, version=version
        )

    def decrypt_text(
        self, blob: bytes, *, table: str, row_id: str, field: str, version: int = 0
    ) -> str:
        """Decrypt to str."""
        raw = self.decrypt(blob, table=table, row_id=row_id, field=field, version=version)
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as exc:  # authentic but unreadable: a bug, not tampering
            raise DamagedRecordError(
                f"{table} record {row_id}: field '{field}' is unreadable"
            ) from exc

    def encrypt_json(
        self, value: object, *, table: str, row_id: str, field: str, version: int = 0
    ) -> bytes:
        """Encrypt a JSON-serialisable value (lists of tags, section lists...)."""
        raw = json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return self.encrypt(raw, table=table, row_id=row_id, field=field, version=version)

    def decrypt_json(
        self, blob: bytes, *, table: str, row_id: str, field: str, version: int = 0
    ) -> object:
        """Decrypt a JSON value."""
        raw = self.decrypt(blob, table=table, row_id=row_id, field=field, version=version)
        try:
            return json.loads(raw)
        except ValueError as exc:  # authentic but unreadable: a bug, not tampering
            raise DamagedRecordError(
                f"{table} record {row_id}: field '{field}' is unreadable"
            ) from exc
