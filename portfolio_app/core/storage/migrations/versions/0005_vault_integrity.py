"""Integrity of the whole portfolio: save counters, sealed structure and the keyed manifest.

The schema step only adds columns and tables; re-encrypting every record with its save
counter, sealing its structure and building the manifest needs the data key, so it runs at
the first unlock afterwards (``core.storage.integrity.migrate_to_sealed``), in one transaction.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_VERSIONED = ("profile", "events", "experiences", "entries", "attachments", "revisions",
              "frameworks", "settings")
_WITH_META = ("events", "experiences", "entries", "attachments")


def upgrade() -> None:
    # The save counter goes right after the id: SQLite reads a row's columns in order, so a
    # counter placed after a large ciphertext (an entry's sections, an attachment's bytes)
    # would make the manifest check at every unlock read all of them through overflow pages.
    for table in _VERSIONED:
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.add_column(
                sa.Column("version", sa.Integer, nullable=False, server_default="0"),
                insert_after="key" if table == "settings" else "id",
            )
            if table in _WITH_META:
                batch.add_column(sa.Column("meta", sa.LargeBinary, nullable=True))
    op.create_table(
        "record_manifest",
        sa.Column("tbl", sa.String(32), nullable=False),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("tbl", "id", name="pk_record_manifest"),
    )
    op.create_table(
        "manifest_head",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("counter", sa.Integer, nullable=False),
        sa.Column("sealed", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_manifest_head"),
    )


def downgrade() -> None:
    op.drop_table("manifest_head")
    op.drop_table("record_manifest")
    for table in _VERSIONED:
        with op.batch_alter_table(table) as batch:
            if table in _WITH_META:
                batch.drop_column("meta")
            batch.drop_column("version")
