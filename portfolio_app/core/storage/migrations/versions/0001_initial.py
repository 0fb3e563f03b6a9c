"""The first released schema: vault key slots, profile, events, experiences, entries and links.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "key_slots",
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("header", sa.LargeBinary, nullable=False),
        sa.Column("checksum", sa.String(64), nullable=False),
        sa.Column("wrapped_key", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("kind", name="pk_key_slots"),
    )
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_profile"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("on_date", sa.Date, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("title", sa.LargeBinary, nullable=False),
        sa.Column("place", sa.LargeBinary, nullable=False),
        sa.Column("professions", sa.LargeBinary, nullable=False),
        sa.Column("notes", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
    )
    op.create_table(
        "experiences",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("starts_on", sa.Date, nullable=True),
        sa.Column("ends_on", sa.Date, nullable=True),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("title", sa.LargeBinary, nullable=False),
        sa.Column("setting", sa.LargeBinary, nullable=False),
        sa.Column("supervisor", sa.LargeBinary, nullable=False),
        sa.Column("notes", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_experiences"),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("template_id", sa.String(64), nullable=False),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("updated", sa.DateTime, nullable=False),
        sa.Column("occurred_on", sa.DateTime, nullable=True),
        sa.Column("plan_id", sa.String(32), nullable=True),
        sa.Column("title", sa.LargeBinary, nullable=False),
        sa.Column("sections", sa.LargeBinary, nullable=False),
        sa.Column("tags", sa.LargeBinary, nullable=False),
        sa.Column("professions", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["entries.id"], name="fk_entries_plan_id_entries", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_entries"),
    )
    op.create_table(
        "entry_events",
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("event_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name="fk_entry_events_entry_id_entries", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name="fk_entry_events_event_id_events", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("entry_id", "event_id", name="pk_entry_events"),
    )
    op.create_table(
        "entry_experiences",
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("experience_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name="fk_entry_experiences_entry_id_entries",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["experience_id"],
            ["experiences.id"],
            name="fk_entry_experiences_experience_id_experiences",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "experience_id", name="pk_entry_experiences"),
    )
    op.create_table(
        "entry_competencies",
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("framework_id", sa.String(64), nullable=False),
        sa.Column("code", sa.String(64), nullable=False),
        sa.Column("self_rating", sa.Integer, nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["entries.id"],
            name="fk_entry_competencies_entry_id_entries",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("entry_id", "framework_id", "code", name="pk_entry_competencies"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("added", sa.DateTime, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("filename", sa.LargeBinary, nullable=False),
        sa.Column("media_type", sa.LargeBinary, nullable=False),
        sa.Column("data", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name="fk_attachments_entry_id_entries", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_attachments"),
    )
    op.create_table(
        "revisions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("entry_id", sa.String(32), nullable=False),
        sa.Column("saved", sa.DateTime, nullable=False),
        sa.Column("snapshot", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"], ["entries.id"], name="fk_revisions_entry_id_entries", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_revisions"),
    )
    op.create_index("ix_revisions_entry_id", "revisions", ["entry_id"])
    op.create_table(
        "frameworks",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("imported", sa.DateTime, nullable=False),
        sa.Column("pack", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_frameworks"),
    )


def downgrade() -> None:
    for table in (
        "frameworks", "revisions", "attachments", "entry_competencies", "entry_experiences",
        "entry_events", "entries", "experiences", "events", "profile", "key_slots",
    ):
        op.drop_table(table)
