"""Attendance hours and who confirmed them, for events and experiences (encrypted JSON).

One nullable column per table, ``attendance``: AES-GCM ciphertext of
``{"hours": 7.5, "confirmed_by": "practice assessor"}`` bound to its table, row and field like
every other encrypted field. Rows written before this revision keep NULL (no hours recorded).

Revision ID: 0004
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("events", "experiences"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("attendance", sa.LargeBinary, nullable=True))


def downgrade() -> None:
    for table in ("events", "experiences"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("attendance")
