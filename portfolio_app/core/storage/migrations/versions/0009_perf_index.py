"""The encrypted search index, and an index on the plan an entry answers.

``entry_index`` holds the search index in sealed segments (``core.storage.index_store``): each
row is one bucket of entries (by a hash of the entry id) plus a ``head`` row naming the
format. The rows are encrypted and counted in the keyed manifest like every record. It is
filled at the first unlock afterwards (it needs the data key), from entries the manifest
vouches for.

``ix_entries_plan_id`` lets a verb find the reflections answering one plan without reading
every entry (and SQLite's foreign-key check on deleting a plan no longer scans the table).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entry_index",
        sa.Column("id", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("summaries", sa.LargeBinary, nullable=False),
        sa.Column("terms", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_entry_index"),
    )
    op.create_index("ix_entries_plan_id", "entries", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_entries_plan_id", table_name="entries")
    op.drop_table("entry_index")
