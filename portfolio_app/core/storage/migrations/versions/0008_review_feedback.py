"""Tutor feedback imported from countersigned PDFs (issue 9): one sealed record per file.

Everything about an import (the feedback per entry, the decisions, who signed, the file's
SHA-256) is one encrypted JSON field; the only plain column is when it was imported, which
the manifest covers like every other record's plain columns.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="0"),
        sa.Column("received", sa.DateTime, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
    )


def downgrade() -> None:
    op.drop_table("feedback")
