"""Alembic environment: always runs on a connection handed in by database.upgrade_schema."""

from __future__ import annotations

from alembic import context

from portfolio_app.core.storage.records import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
)
with context.begin_transaction():
    context.run_migrations()
