"""Key slots and field encryption: round trips, tampering, swapping and header edits."""

from __future__ import annotations

import dataclasses
import json

import pytest

from portfolio_app.core.domain.errors import (
    DamagedRecordError,
    VaultHeaderError,
    WrongPassphraseError,
)
from portfolio_app.core.vault.field_cipher import FieldCipher
from portfolio_app.core.vault.kdf import KdfParams
from portfolio_app.core.vault.key_slots import (
    KeySlot,
    make_passphrase_slot,
    make_recovery_slot,
    new_data_key,
    new_recovery_key,
    unlock_passphrase_slot,
    unlock_recovery_slot,
)

FAST = KdfParams(memory_kib=1024, iterations=1, lanes=1)


def test_passphrase_slot_round_trip_and_wrong_passphrase() -> None:
    key = new_data_key()
    slot = make_passphrase_slot(key, "a good passphrase", FAST, "vault-1")
    assert unlock_passphrase_slot(slot, "a good passphrase") == key
    with pytest.raises(WrongPassphraseError):
        unlock_passphrase_slot(slot, "a good passphrasE")


def test_recovery_key_unlocks_and_tolerates_formatting() -> None:
    key = new_data_key()
    recovery = new_recovery_key()
    assert len(recovery.split("-")) == 8
    slot = make_recovery_slot(key, recovery, "vault-1")
    assert unlock_recovery_slot(slot, recovery.lower().replace("-", " ")) == key
    with pytest.raises(WrongPassphraseError):
        unlock_recovery_slot(slot, new_recovery_key())
    with pytest.raises(WrongPassphraseError, match="not a recovery key"):
        unlock_recovery_slot(slot, "hello")


def _edit_header(slot: KeySlot, *, rehash: bool, **changes: object) -> KeySlot:
    fields = json.loads(slot.header)
    for name, value in changes.items():
        fields["params"][name] = value
    header = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    import hashlib

    checksum = hashlib.sha256(header).hexdigest() if rehash else slot.checksum
    return dataclasses.replace(slot, header=header, checksum=checksum)


def test_edited_kdf_parameters_are_detected_as_a_damaged_header() -> None:
    slot = make_passphrase_slot(new_data_key(), "a good passphrase", FAST, "v")
    edited = _edit_header(slot, rehash=False, t=2)
    with pytest.raises(VaultHeaderError, match="damaged or was edited"):
        unlock_passphrase_slot(edited, "a good passphrase")


def test_edited_parameters_with_recomputed_checksum_still_fail_to_unwrap() -> None:
    # The checksum is only a diagnostic; the AEAD binding is what protects the parameters.
    slot = make_passphrase_slot(new_data_key(), "a good passphrase", FAST, "v")
    edited = _edit_header(slot, rehash=True, t=2)
    with pytest.raises(WrongPassphraseError):
        unlock_passphrase_slot(edited, "a good passphrase")


def test_absurd_kdf_parameters_are_refused_before_deriving() -> None:
    slot = make_passphrase_slot(new_data_key(), "a good passphrase", FAST, "v")
    edited = _edit_header(slot, rehash=True, m=64 * 1024 * 1024)
    with pytest.raises(VaultHeaderError, match="memory"):
        unlock_passphrase_slot(edited, "a good passphrase")


def test_truncated_wrapped_key_is_a_header_error() -> None:
    slot = make_passphrase_slot(new_data_key(), "a good passphrase", FAST, "v")
    broken = dataclasses.replace(slot, wrapped_key=slot.wrapped_key[:-1])
    with pytest.raises(VaultHeaderError):
        unlock_passphrase_slot(broken, "a good passphrase")


def test_field_round_trip_with_unicode() -> None:
    cipher = FieldCipher(new_data_key())
    blob = cipher.encrypt_text("Σοφία — Zoë", table="entries", row_id="r1", field="title")
    assert "Σοφία".encode() not in blob
    assert cipher.decrypt_text(blob, table="entries", row_id="r1", field="title") == "Σοφία — Zoë"


@pytest.mark.parametrize(
    ("table", "row_id", "field"),
    [("entries", "r2", "title"), ("entries", "r1", "tags"), ("events", "r1", "title")],
)
def test_ciphertext_moved_to_another_row_field_or_table_fails(
    table: str, row_id: str, field: str
) -> None:
    cipher = FieldCipher(new_data_key())
    blob = cipher.encrypt_text("secret", table="entries", row_id="r1", field="title")
    with pytest.raises(DamagedRecordError):
        cipher.decrypt_text(blob, table=table, row_id=row_id, field=field)


def test_every_flipped_byte_is_detected() -> None:
    cipher = FieldCipher(new_data_key())
    blob = cipher.encrypt_text("reflection", table="entries", row_id="r1", field="title")
    for i in range(len(blob)):
        tampered = bytearray(blob)
        tampered[i] ^= 0x01
        with pytest.raises(DamagedRecordError):
            cipher.decrypt(bytes(tampered), table="entries", row_id="r1", field="title")


def test_nonces_are_fresh() -> None:
    cipher = FieldCipher(new_data_key())
    a = cipher.encrypt_text("same", table="t", row_id="r", field="f")
    b = cipher.encrypt_text("same", table="t", row_id="r", field="f")
    assert a != b


def test_forgotten_key_cannot_decrypt() -> None:
    cipher = FieldCipher(new_data_key())
    blob = cipher.encrypt_text("x", table="t", row_id="r", field="f")
    cipher.forget_key()
    with pytest.raises(DamagedRecordError, match="locked"):
        cipher.decrypt(blob, table="t", row_id="r", field="f")


def test_lock_wipes_the_data_key_and_the_manifest_key() -> None:
    from portfolio_app.core.domain.errors import DamagedRecordError as Locked

    key = bytearray(b"k" * 32)
    cipher = FieldCipher(key)
    assert cipher.mac(b"record") != b""
    data_copy, mac_copy = cipher._key_copy, cipher._mac_key
    cipher.forget_key()
    assert set(data_copy) == {0} and set(mac_copy) == {0}  # the buffers were zeroed
    with pytest.raises(Locked):
        cipher.mac(b"record")
    with pytest.raises(Locked):
        cipher.data_key_for_rewrap()


def test_an_older_save_of_a_field_is_told_from_damage() -> None:
    from portfolio_app.core.vault.field_cipher import RolledBackFieldError

    cipher = FieldCipher(b"k" * 32)
    old = cipher.encrypt_text("v3 text", table="entries", row_id="r1", field="title", version=3)
    with pytest.raises(RolledBackFieldError, match="from save 3; the record is at save 7"):
        cipher.decrypt_text(old, table="entries", row_id="r1", field="title", version=7)


def test_kdf_bounds_refuse_more_work_than_four_times_the_default() -> None:
    from portfolio_app.core.vault import kdf

    kdf.KdfParams(kdf.MAX_MEMORY_KIB, 2, kdf.MAX_LANES).check()  # the worst accepted
    for params in (
        kdf.KdfParams(kdf.MAX_MEMORY_KIB, 3, 1),  # too much memory x passes
        kdf.KdfParams(2 * 1024 * 1024, 1, 1),  # the old bound: 2 GiB
        kdf.KdfParams(64 * 1024, 64, 1),  # the old bound: 64 passes
        kdf.KdfParams(64 * 1024, 4, 16),
    ):
        with pytest.raises(VaultHeaderError):
            params.check()
