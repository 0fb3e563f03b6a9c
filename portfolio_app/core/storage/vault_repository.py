"""Key slots, the profile, imported framework packs and encrypted settings."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal, cast

from sqlalchemy import Engine, delete, insert, select

from portfolio_app.core.domain.errors import DamagedRecordError, VaultHeaderError
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.domain.records import DamagedRecord
from portfolio_app.core.domain.serialisation import profile_from_dict, profile_to_dict
from portfolio_app.core.storage.records import (
    FrameworkRecord,
    KeySlotRecord,
    ProfileRecord,
    SettingRecord,
    table_of,
)
from portfolio_app.core.storage.store import Store, to_db, translated_errors
from portfolio_app.core.vault.key_slots import KeySlot


def read_key_slots(engine: Engine) -> dict[str, KeySlot]:
    """The stored key slots (before unlock: no cipher needed)."""
    table = table_of(KeySlotRecord)
    with translated_errors(), engine.connect() as conn:
        rows = conn.execute(select(table)).all()
    slots: dict[str, KeySlot] = {}
    for row in rows:
        if row.kind not in ("passphrase", "recovery"):
            raise VaultHeaderError("the vault header is damaged (unknown key slot)")
        kind = cast("Literal['passphrase', 'recovery']", row.kind)
        slots[row.kind] = KeySlot(kind, bytes(row.header), row.checksum, bytes(row.wrapped_key))
    if "passphrase" not in slots:
        raise VaultHeaderError(
            "the vault header is missing, so the portfolio cannot be unlocked; restore a backup"
        )
    return slots


class VaultRepository:
    """Reads and writes the vault's own records."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def write_key_slots(self, slots: list[KeySlot]) -> None:
        """Replace the given slots atomically (passphrase change, recovery reset)."""
        table = table_of(KeySlotRecord)
        with self._store.write() as conn:
            for slot in slots:
                conn.execute(delete(table).where(table.c.kind == slot.kind))
                conn.execute(
                    insert(table),
                    [
                        {
                            "kind": slot.kind,
                            "header": slot.header,
                            "checksum": slot.checksum,
                            "wrapped_key": slot.wrapped_key,
                        }
                    ],
                )

    def write_profile(self, profile: Profile) -> None:
        """Store the profile (one encrypted JSON blob)."""
        table = table_of(ProfileRecord)
        blob = self._store.cipher.encrypt_json(
            profile_to_dict(profile), table="profile", row_id="1", field="data"
        )
        with self._store.write() as conn:
            conn.execute(delete(table))
            conn.execute(insert(table), [{"id": 1, "data": blob}])

    def read_profile(self) -> Profile:
        """The profile; a damaged one raises DamagedRecordError."""
        table = table_of(ProfileRecord)
        with self._store.read() as conn:
            row = conn.execute(select(table.c.data).where(table.c.id == 1)).first()
        if row is None:
            raise DamagedRecordError("the profile is missing")
        data = self._store.cipher.decrypt_json(row.data, table="profile", row_id="1", field="data")
        if not isinstance(data, dict):
            raise DamagedRecordError("the profile is unreadable")
        return profile_from_dict(data)

    def save_framework_pack(self, framework_id: str, pack: bytes) -> None:
        """Store an imported framework pack (replacing one with the same id)."""
        table = table_of(FrameworkRecord)
        blob = self._store.cipher.encrypt(
            pack, table="frameworks", row_id=framework_id, field="pack"
        )
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.id == framework_id))
            conn.execute(
                insert(table),
                [{"id": framework_id, "imported": to_db(datetime.now(UTC)), "pack": blob}],
            )

    def delete_framework_pack(self, framework_id: str) -> None:
        """Remove an imported pack."""
        table = table_of(FrameworkRecord)
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.id == framework_id))

    def load_framework_packs(self) -> tuple[dict[str, bytes], list[DamagedRecord]]:
        """Imported packs as raw bytes, by id."""
        table = table_of(FrameworkRecord)
        with self._store.read() as conn:
            rows = conn.execute(select(table)).all()
        packs: dict[str, bytes] = {}
        damaged: list[DamagedRecord] = []
        for row in rows:
            try:
                packs[row.id] = self._store.cipher.decrypt(
                    row.pack, table="frameworks", row_id=row.id, field="pack"
                )
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord("frameworks", row.id, exc.user_message))
        return packs, damaged

    def set_setting(self, key: str, value: bytes) -> None:
        """Store an encrypted setting."""
        table = table_of(SettingRecord)
        blob = self._store.cipher.encrypt(value, table="settings", row_id=key, field="value")
        with self._store.write() as conn:
            conn.execute(delete(table).where(table.c.key == key))
            conn.execute(insert(table), [{"key": key, "value": blob}])

    def get_setting(self, key: str) -> bytes | None:
        """Read an encrypted setting, or None."""
        table = table_of(SettingRecord)
        with self._store.read() as conn:
            row = conn.execute(select(table.c.value).where(table.c.key == key)).first()
        if row is None:
            return None
        return self._store.cipher.decrypt(row.value, table="settings", row_id=key, field="value")
