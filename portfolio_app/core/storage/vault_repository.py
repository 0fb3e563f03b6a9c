"""Key slots, the profile, imported framework packs and encrypted settings."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Literal, cast

from portfolio_app.core.domain.errors import DamagedRecordError, VaultHeaderError
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.domain.records import DamagedRecord
from portfolio_app.core.domain.serialisation import profile_from_dict, profile_to_dict
from portfolio_app.core.storage.integrity import (
    id_column,
    next_version,
    raw_rows,
    record_digest,
    slot_digest,
)
from portfolio_app.core.storage.store import Conn, Database, Store, to_db, translated_errors
from portfolio_app.core.vault.key_slots import KeySlot


def read_key_slots(engine: Database) -> dict[str, KeySlot]:
    """The stored key slots (before unlock: no cipher needed)."""
    with translated_errors(), engine.connect() as conn:
        # Raw values: a header edited to hold text must be a clear error, not a crash in a
        # type converter.
        rows = raw_rows(conn, "SELECT kind, header, checksum, wrapped_key FROM key_slots")
    slots: dict[str, KeySlot] = {}
    for kind_value, header, checksum, wrapped in rows:
        if kind_value not in ("passphrase", "recovery"):
            raise VaultHeaderError("the vault header is damaged (unknown key slot)")
        kind = cast("Literal['passphrase', 'recovery']", kind_value)
        if not (
            isinstance(header, bytes) and isinstance(wrapped, bytes) and isinstance(checksum, str)
        ):
            raise VaultHeaderError("the vault header is damaged; restore it from a backup")
        slots[kind] = KeySlot(kind, header, checksum, wrapped)
    if "passphrase" not in slots:
        raise VaultHeaderError(
            "the vault header is missing, so the portfolio cannot be unlocked; restore a backup"
        )
    return slots


def write_slot_rows(conn: Conn, slots: list[KeySlot]) -> None:
    """Replace key-slot rows inside the caller's transaction (the manifest is the caller's)."""
    for slot in slots:
        conn.exec_driver_sql("DELETE FROM key_slots WHERE kind = ?", (slot.kind,))
        conn.insert(
            "key_slots",
            [
                {
                    "kind": slot.kind,
                    "header": slot.header,
                    "checksum": slot.checksum,
                    "wrapped_key": slot.wrapped_key,
                }
            ],
        )


class VaultRepository:
    """Reads and writes the vault's own records (each counted in the keyed manifest)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def write_key_slots(self, slots: list[KeySlot], conn: Conn | None = None) -> None:
        """Replace the given slots atomically (passphrase change, recovery reset, rotation)."""
        if conn is not None:
            self._write_slots(conn, slots)
            return
        with self._store.write() as connection:
            self._write_slots(connection, slots)

    def _write_slots(self, conn: Conn, slots: list[KeySlot]) -> None:
        write_slot_rows(conn, slots)
        for slot in slots:
            self._store.manifest.set_slot(slot.kind, slot_digest(slot.header, slot.wrapped_key))

    def _put_blob(
        self,
        conn: Conn,
        table: str,
        rid: str,
        field: str,
        plain: bytes,
        *,
        extra: dict[str, object] | None = None,
    ) -> None:
        """Write a single-blob record (profile, setting, framework pack) with a new save count."""
        version = next_version(conn, table, rid)
        blob = self._store.cipher.encrypt(
            plain, table=table, row_id=rid, field=field, version=version
        )
        id_col = id_column(table)
        values: dict[str, object] = {
            id_col: int(rid) if table == "profile" else rid,
            "version": version,
            field: blob,
            **(extra or {}),
        }
        conn.exec_driver_sql(f"DELETE FROM {table} WHERE {id_col} = ?", (values[id_col],))
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({names}) VALUES ({marks})", tuple(values.values())
        )
        self._store.manifest.put(conn, table, rid, version, record_digest(conn, table, rid))

    def _get_blob(self, table: str, rid: str, field: str) -> bytes | None:
        id_col = id_column(table)
        with self._store.read() as conn:
            row = conn.exec_driver_sql(
                f"SELECT {field}, version FROM {table} WHERE {id_col} = ?",
                (int(rid) if table == "profile" else rid,),
            ).first()
        if row is None:
            return None
        if not isinstance(row[1], int) or not isinstance(row[0], bytes):
            raise DamagedRecordError(f"{table} record {rid} is damaged")
        return self._store.cipher.decrypt(
            row[0], table=table, row_id=rid, field=field, version=row[1]
        )

    def write_profile(self, profile: Profile) -> None:
        """Store the profile (one encrypted JSON blob)."""
        with self._store.write() as conn:
            self.write_profile_in(conn, profile)

    def write_profile_in(self, conn: Conn, profile: Profile) -> None:
        """:meth:`write_profile` inside a larger transaction."""
        raw = json.dumps(profile_to_dict(profile), ensure_ascii=False).encode("utf-8")
        self._put_blob(conn, "profile", "1", "data", raw)

    def read_profile(self) -> Profile:
        """The profile; a damaged one raises DamagedRecordError."""
        raw = self._get_blob("profile", "1", "data")
        if raw is None:
            raise DamagedRecordError("the profile is missing")
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise DamagedRecordError("the profile is unreadable") from exc
        if not isinstance(data, dict):
            raise DamagedRecordError("the profile is unreadable")
        return profile_from_dict(data)

    def save_framework_pack(self, framework_id: str, pack: bytes) -> None:
        """Store an imported framework pack (replacing one with the same id)."""
        with self._store.write() as conn:
            self.save_framework_pack_in(conn, framework_id, pack)

    def save_framework_pack_in(self, conn: Conn, framework_id: str, pack: bytes) -> None:
        """:meth:`save_framework_pack` inside a larger transaction."""
        self._put_blob(
            conn,
            "frameworks",
            framework_id,
            "pack",
            pack,
            extra={"imported": to_db(datetime.now(UTC)).strftime("%Y-%m-%d %H:%M:%S.%f")},
        )

    def delete_framework_pack(self, framework_id: str) -> None:
        """Remove an imported pack."""
        with self._store.write() as conn:
            conn.exec_driver_sql("DELETE FROM frameworks WHERE id = ?", (framework_id,))
            self._store.manifest.remove(conn, "frameworks", framework_id)

    def load_framework_packs(self) -> tuple[dict[str, bytes], list[DamagedRecord]]:
        """Imported packs as raw bytes, by id."""
        with self._store.read() as conn:
            ids = [str(r[0]) for r in conn.exec_driver_sql("SELECT id FROM frameworks")]
        packs: dict[str, bytes] = {}
        damaged: list[DamagedRecord] = []
        for rid in ids:
            try:
                pack = self._get_blob("frameworks", rid, "pack")
            except DamagedRecordError as exc:
                damaged.append(DamagedRecord("frameworks", rid, exc.user_message))
                continue
            if pack is not None:
                packs[rid] = pack
        return packs, damaged

    def set_setting(self, key: str, value: bytes) -> None:
        """Store an encrypted setting."""
        with self._store.write() as conn:
            self.set_setting_in(conn, key, value)

    def set_setting_in(self, conn: Conn, key: str, value: bytes) -> None:
        """:meth:`set_setting` inside a larger transaction."""
        self._put_blob(conn, "settings", key, "value", value)

    def get_setting(self, key: str) -> bytes | None:
        """Read an encrypted setting, or None."""
        return self._get_blob("settings", key, "value")

    def setting_keys(self) -> list[str]:
        """The keys of every stored setting (``portfolio check`` decrypts each)."""
        with self._store.read() as conn:
            return [str(r[0]) for r in conn.exec_driver_sql("SELECT key FROM settings")]
