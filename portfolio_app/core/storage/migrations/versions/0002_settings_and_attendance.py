"""Encrypted settings inside the vault (identity, final reflection) and event attendance.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    with op.batch_alter_table("events") as batch:
        batch.add_column(sa.Column("attended", sa.Boolean, nullable=False, server_default="1"))


def downgrade() -> None:
    with op.batch_alter_table("events") as batch:
        batch.drop_column("attended")
    op.drop_table("settings")
