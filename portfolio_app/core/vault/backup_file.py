"""The single-file encrypted backup: key slots in a header, the database encrypted in chunks.

Layout: ``MAGIC``, a 4-byte header length, the JSON header (format, vault id, creation time,
the key slots, a salt), then chunks of ``[4-byte length][nonce][AES-GCM ciphertext]``. The
payload key is HKDF(data key, salt). Each chunk's associated data is the header hash, its index
and whether it is the last one, so reordered, dropped or truncated chunks are detected (the
STREAM construction, as in age). The same passphrase (or recovery key) that unlocked the
portfolio when the backup was made opens it, on any machine.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from portfolio_app.core.domain.errors import DamagedRecordError, PortfolioError
from portfolio_app.core.vault.key_slots import KeySlot

MAGIC = b"REFLECTIVE-PORTFOLIO-BACKUP\n1\n"
CHUNK = 1024 * 1024
MAX_HEADER = 64 * 1024


class BackupFileError(PortfolioError):
    """The backup file is not a backup, or it is damaged."""


@dataclass(frozen=True)
class BackupHeader:
    """What can be read from a backup before unlocking it."""

    vault_id: str
    created: str
    slots: dict[str, KeySlot]
    salt: bytes
    raw: bytes


def _payload_key(data_key: bytes, salt: bytes) -> AESGCM:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"rp-backup-v1").derive(
        data_key
    )
    return AESGCM(key)


def _chunk_ad(header_hash: bytes, index: int, last: bool) -> bytes:
    return header_hash + struct.pack(">Q?", index, last)


def write_backup(
    data_key: bytes, slots: list[KeySlot], vault_id: str, database: bytes
) -> Iterator[bytes]:
    """Yield the backup file's bytes piece by piece."""
    salt = os.urandom(16)
    header = json.dumps(
        {
            "format": 1,
            "vault": vault_id,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "salt": base64.b64encode(salt).decode(),
            "slots": [
                {
                    "kind": s.kind,
                    "header": base64.b64encode(s.header).decode(),
                    "checksum": s.checksum,
                    "wrapped": base64.b64encode(s.wrapped_key).decode(),
                }
                for s in slots
            ],
        },
        sort_keys=True,
    ).encode()
    header_hash = hashlib.sha256(header).digest()
    aead = _payload_key(data_key, salt)
    yield MAGIC + struct.pack(">I", len(header)) + header
    pieces = [database[i : i + CHUNK] for i in range(0, len(database), CHUNK)] or [b""]
    for index, piece in enumerate(pieces):
        nonce = os.urandom(12)
        sealed = aead.encrypt(nonce, piece, _chunk_ad(header_hash, index, index == len(pieces) - 1))
        yield struct.pack(">I", len(sealed)) + nonce + sealed


def read_header(data: bytes) -> tuple[BackupHeader, int]:
    """Parse the header; returns it and the offset where chunks start."""
    if not data.startswith(MAGIC):
        raise BackupFileError("that file is not a Reflective Portfolio backup")
    offset = len(MAGIC)
    if len(data) < offset + 4:
        raise BackupFileError("the backup file is truncated")
    (length,) = struct.unpack(">I", data[offset : offset + 4])
    offset += 4
    if length > MAX_HEADER or len(data) < offset + length:
        raise BackupFileError("the backup file is damaged or truncated")
    raw = data[offset : offset + length]
    try:
        fields = json.loads(raw)
        slots = {
            s["kind"]: KeySlot(
                s["kind"],
                base64.b64decode(s["header"]),
                s["checksum"],
                base64.b64decode(s["wrapped"]),
            )
            for s in fields["slots"]
        }
        header = BackupHeader(
            str(fields["vault"]),
            str(fields["created"]),
            slots,
            base64.b64decode(fields["salt"]),
            raw,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupFileError("the backup file's header is damaged") from exc
    if "passphrase" not in header.slots:
        raise BackupFileError("the backup file's header is damaged (no key slot)")
    return header, offset + length


def decrypt_payload(data: bytes, header: BackupHeader, offset: int, data_key: bytes) -> bytes:
    """Decrypt and reassemble the database bytes, detecting any change, loss or reordering."""
    aead = _payload_key(data_key, header.salt)
    header_hash = hashlib.sha256(header.raw).digest()
    parts: list[bytes] = []
    index = 0
    while True:
        if len(data) < offset + 4:
            raise BackupFileError("the backup file is truncated: some of it is missing")
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        offset += 4
        if length > CHUNK + 16 or len(data) < offset + 12 + length:
            raise BackupFileError("the backup file is truncated or damaged")
        nonce = data[offset : offset + 12]
        sealed = data[offset + 12 : offset + 12 + length]
        offset += 12 + length
        last = offset == len(data)
        try:
            parts.append(aead.decrypt(nonce, sealed, _chunk_ad(header_hash, index, last)))
        except InvalidTag as exc:
            raise DamagedRecordError(
                "the backup file was changed or damaged after it was made; it cannot be restored"
            ) from exc
        if last:
            return b"".join(parts)
        index += 1
