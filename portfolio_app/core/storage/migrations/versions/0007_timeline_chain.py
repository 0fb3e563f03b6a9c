"""The revision history becomes a hash chain: one sealed link per saved version.

The schema step only adds the ``revision_links`` table. Building the links of the history an
older portfolio already holds needs the data key (every saved version is decrypted to hash
its content), so it runs at the first unlock afterwards, after the automatic backup this
schema step took, in one transaction (``core.storage.chain_repository.build_chains``).

Revision ID: 0007
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "revision_links",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("link", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["id"],
            ["revisions.id"],
            name="fk_revision_links_id_revisions",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revision_links"),
    )
    op.create_index("ix_revision_links_entry_id", "revision_links", ["entry_id", "seq"])


def downgrade() -> None:
    op.drop_index("ix_revision_links_entry_id", table_name="revision_links")
    op.drop_table("revision_links")
