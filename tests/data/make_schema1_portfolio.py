"""Makes tests/data/portfolio-schema-0001.db: a portfolio as the first released schema stored it.

Run once when the fixture must be rebuilt (it is committed):
    .venv/bin/python tests/data/make_schema1_portfolio.py
It uses the code of the time through explicit SQL for anything whose shape has changed since
(events gained ``attended`` in 0002), so later code changes do not silently rewrite the fixture.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from portfolio_app.core.domain.entries import Entry, EntryKind, Section
from portfolio_app.core.domain.ids import EntryId
from portfolio_app.core.domain.profile import Profile
from portfolio_app.core.storage.database import _run_alembic, make_engine
from portfolio_app.core.storage.entry_repository import EntryRepository
from portfolio_app.core.storage.store import Store
from portfolio_app.core.storage.vault_repository import VaultRepository
from portfolio_app.core.vault.field_cipher import FieldCipher
from portfolio_app.core.vault.kdf import KdfParams
from portfolio_app.core.vault.key_slots import make_passphrase_slot, new_data_key

PASSPHRASE = "schema one passphrase"
TARGET = Path(__file__).with_name("portfolio-schema-0001.db")


def main() -> int:
    TARGET.unlink(missing_ok=True)
    engine = make_engine(TARGET)
    _run_alembic(engine, "0001")
    key = new_data_key()
    store = Store(engine, FieldCipher(key))
    vault = VaultRepository(store)
    vault.write_key_slots(
        [make_passphrase_slot(key, PASSPHRASE, KdfParams(1024, 1, 1), "schema-one-vault")]
    )
    vault.write_profile(Profile(name="Łukasz Wróbel", student_id="S-0001", profession="Pharmacy"))
    cipher = store.cipher
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO events (id, kind, on_date, created, title, place, professions, notes) "
                "VALUES (:id, 'schwartz-round', '2025-01-15', :created, :t, :p, :pr, :n)"
            ),
            {
                "id": "e" * 32,
                "created": datetime(2025, 1, 15),
                "t": cipher.encrypt_text(
                    "Schwartz round", table="events", row_id="e" * 32, field="title"
                ),
                "p": cipher.encrypt_text(
                    "Lecture theatre", table="events", row_id="e" * 32, field="place"
                ),
                "pr": cipher.encrypt_json(
                    ["Nursing"], table="events", row_id="e" * 32, field="professions"
                ),
                "n": cipher.encrypt_text("", table="events", row_id="e" * 32, field="notes"),
            },
        )
    when = datetime(2025, 1, 16, 10, 0, tzinfo=UTC)
    EntryRepository(store).insert_many(
        [
            Entry(
                id=EntryId("a" * 32),
                kind=EntryKind.REFLECTION,
                title="What the round taught me",
                sections=(
                    Section("Reflection", "I noticed how the porter's view changed mine.", "body"),
                ),
                created=when,
                updated=when,
                tags=("schwartz",),
            )
        ]
    )
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO entry_events VALUES (:a, :e)"), {"a": "a" * 32, "e": "e" * 32}
        )
    with engine.connect() as conn:
        conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{TARGET}{suffix}").unlink(missing_ok=True)
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
